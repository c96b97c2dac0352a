package pipeline

import (
	"context"
	"errors"
	"log/slog"
	"slices"

	"github.com/wixmigrate/wixmigrate/manifest"
	"github.com/wixmigrate/wixmigrate/report"
	"github.com/wixmigrate/wixmigrate/wix"
)

// describer gives READY files of a resumed report their wix: media URI
// when the report could not (one written before the wix_uri column, whose
// file's URI needs what a report does not hold: a video's poster, an
// audio's duration, the name Wix gave a file imported without one). It
// reads their descriptors by ID, wix.MaxGetFiles a call, and records only
// the URI: the row stays as the report had it.
type describer struct {
	client interface {
		GetFiles(ctx context.Context, fileIDs []string) ([]wix.File, error)
		GetFile(ctx context.Context, fileID string) (*wix.File, error)
	}
	calls  *Caller
	ledger *ledger
	log    *slog.Logger
	stop   func(error)
}

// needsURI lists the files of state that lack their wix: media URI, by
// file ID.
func needsURI(state *report.State) map[string][]manifest.Key {
	files := map[string][]manifest.Key{}
	state.Each(func(key manifest.Key, o *report.Outcome) {
		if o.NeedsWixURI() {
			files[o.FileID] = append(files[o.FileID], key)
		}
	})
	return files
}

// DescribeCalls is the number of Get File Descriptors calls a run makes
// first to fill in the wix_uri of state's READY files that lack it.
func DescribeCalls(state *report.State) int {
	n := len(needsURI(state))
	return (n + wix.MaxGetFiles - 1) / wix.MaxGetFiles
}

// describe reads the files that need their URI and records it. A file no
// longer in the Media Manager keeps its row as it is, without a URI. Only
// ctx ending or refused credentials stop it early.
func (d *describer) describe(ctx context.Context) error {
	files := needsURI(d.ledger.state)
	if len(files) == 0 {
		return nil
	}
	ids := slices.Sorted(func(yield func(string) bool) {
		for id := range files {
			if !yield(id) {
				return
			}
		}
	})
	filled, missing := 0, 0
	for chunk := range slices.Chunk(ids, wix.MaxGetFiles) {
		got, err := call(ctx, d.calls, wix.EndpointGetFileDescriptors, func(ctx context.Context) ([]wix.File, error) {
			return d.client.GetFiles(ctx, chunk)
		})
		if wix.IsNotFound(err) { // one of them is gone: read them one by one
			got, err = readEach(ctx, d.calls, d.client, chunk, func(string) {})
		}
		if err != nil {
			if errors.Is(err, ErrAuth) {
				d.stop(err)
			}
			if ctx.Err() != nil {
				return err // interrupted: the run says so
			}
			d.log.Warn("could not read files for their wix_uri; a later run tries again", "files", len(ids), "filled", filled, "err", err)
			return err
		}
		missing += len(chunk) - len(got)
		for i := range got {
			uri := wix.MediaURI(&got[i])
			for _, key := range files[got[i].ID] {
				if d.ledger.described(key, got[i].ID, uri) {
					filled++
				}
			}
		}
	}
	d.log.Info("filled in the wix_uri of READY rows from their files", "rows", filled, "files_gone", missing)
	return nil
}
