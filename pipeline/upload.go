package pipeline

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/wixmigrate/wixmigrate/manifest"
	"github.com/wixmigrate/wixmigrate/report"
	"github.com/wixmigrate/wixmigrate/source"
	"github.com/wixmigrate/wixmigrate/wix"
)

// maxSimpleUpload is the largest file sent in one PUT; Wix advises the
// resumable (tus) upload above 10 MB.
const maxSimpleUpload = 10 << 20

// uploadAPI is what the uploader calls.
type uploadAPI interface {
	GenerateUploadURL(ctx context.Context, req *wix.GenerateUploadURLRequest) (*wix.GenerateUploadURLResponse, error)
	GenerateResumableUploadURL(ctx context.Context, req *wix.GenerateResumableUploadURLRequest) (*wix.GenerateResumableUploadURLResponse, error)
	Upload(ctx context.Context, uploadURL, fileName, mimeType string, body io.Reader, size int64) (*wix.File, error)
	UploadResumable(ctx context.Context, u *wix.GenerateResumableUploadURLResponse, fileName, mimeType string, body io.ReaderAt, size int64, opts *wix.ResumableOptions) (*wix.File, error)
}

// uploader uploads bytes: local files of the manifest, and fallbacks of
// sources Wix could not fetch (downloaded by the tool itself).
type uploader struct {
	client     uploadAPI
	calls      *Caller
	ledger     *ledger
	poller     *poller
	reconciler *reconciler
	prober     *source.Prober
	stats      *Stats
	chunkSize  int64
}

// uploadLocal uploads a manifest row's local file.
func (u *uploader) uploadLocal(ctx context.Context, j job) {
	if ctx.Err() != nil {
		return // interrupted: the row stays "not imported yet"
	}
	if !j.since.IsZero() {
		// An earlier run may have uploaded it: look before uploading again.
		rest, err := u.reconciler.reconcile(ctx, []job{j}, j.since)
		if err != nil || len(rest) == 0 {
			return // adopted, or still in doubt for the next run
		}
	}
	path := j.local
	f, err := source.OpenLocal(path)
	if err != nil {
		u.ledger.attempt([]job{j})
		u.ledger.failed(j.key, err.Error())
		return
	}
	defer f.Close()
	mimeType := f.MimeType
	if j.req.MimeType != "" {
		mimeType = j.req.MimeType // the manifest knows better than an extension
	}
	if reason := wrongType(j.req.MediaType, mimeType); reason != "" {
		u.ledger.attempt([]job{j})
		u.ledger.failed(j.key, fmt.Sprintf("local file %s: %s", path, reason))
		return
	}
	file, err := u.journaledUpload(ctx, j, true, f.FileName, mimeType, f, f.Size)
	switch {
	case errors.Is(err, wix.ErrUnknownOutcome):
		return // in doubt: the next run looks for the uploaded file first
	case errors.Is(err, ErrAuth):
		u.ledger.stop(err)
		return
	case errors.Is(err, context.Canceled):
		return // never sent
	case err != nil:
		u.ledger.failedBy([]job{j}, fmt.Errorf("uploading %s: %w", path, err))
		return
	}
	u.reconciler.accept(j, file, report.MethodUpload)
}

// wrongType explains why bytes of mimeType are not the media type want the
// manifest expects, or returns "" when they are.
func wrongType(want wix.MediaType, mimeType string) string {
	got := wix.MediaTypeOfMIME(mimeType)
	if source.Compatible(want, got) {
		return ""
	}
	if got == "" {
		got = wix.MediaUnknown
	}
	return fmt.Sprintf("the file is %s (%s), not the %s the manifest's media_type expects", got, mimeType, want)
}

// journaledUpload uploads with an intent on disk first, like an import: an
// upload whose answer is lost leaves the row in doubt (and returns
// ErrUnknownOutcome), so the next run looks for the file before uploading
// it again. count says the upload is an attempt of its own (a local file),
// not the second chance of an import (a fallback).
func (u *uploader) journaledUpload(ctx context.Context, j job, count bool, fileName, mimeType string, body io.ReaderAt, size int64) (*wix.File, error) {
	sent := time.Now()
	id, ok := u.ledger.intent([]job{j}, sent)
	if !ok {
		return nil, context.Canceled // the run is stopping (fatal journal error); nothing was sent
	}
	file, err := u.upload(ctx, j.req, fileName, mimeType, body, size)
	if count && !errors.Is(err, ErrAuth) && !errors.Is(err, context.Canceled) {
		u.ledger.attempt([]job{j}) // it went out
	}
	if errors.Is(err, wix.ErrUnknownOutcome) {
		u.ledger.inDoubt([]job{j}, sent, err)
		return nil, err
	}
	u.ledger.answered(id)
	return file, err
}

// upload sends bytes as a new file with the placement and labels of req:
// one PUT up to 10 MB, a resumable tus upload above.
func (u *uploader) upload(ctx context.Context, req wix.ImportFileRequest, fileName, mimeType string, body io.ReaderAt, size int64) (*wix.File, error) {
	if req.DisplayName != "" {
		fileName = req.DisplayName
	}
	// Where and how the file lands: the import request's placement and labels.
	target := wix.GenerateUploadURLRequest{
		MimeType: mimeType, FileName: fileName, SizeInBytes: strconv.FormatInt(size, 10),
		ParentFolderID: req.ParentFolderID, Private: req.Private, Labels: req.Labels, FilePath: req.FilePath,
	}
	callCtx := context.WithoutCancel(ctx) // an upload under way finishes, like an import in flight
	if size <= maxSimpleUpload {
		to, err := call(ctx, u.calls, wix.EndpointGenerateFileUploadURL, func(ctx context.Context) (*wix.GenerateUploadURLResponse, error) {
			return u.client.GenerateUploadURL(ctx, &target)
		})
		if err != nil {
			return nil, err
		}
		u.stats.Uploads.Add(1)
		f, err := u.client.Upload(callCtx, to.UploadURL, fileName, mimeType, io.NewSectionReader(body, 0, size), size)
		if err == nil {
			u.stats.Uploaded.Add(size)
		}
		return f, err
	}
	to, err := call(ctx, u.calls, wix.EndpointGenerateFileResumableUploadURL, func(ctx context.Context) (*wix.GenerateResumableUploadURLResponse, error) {
		return u.client.GenerateResumableUploadURL(ctx, &wix.GenerateResumableUploadURLRequest{
			MimeType: target.MimeType, FileName: target.FileName, SizeInBytes: target.SizeInBytes,
			ParentFolderID: target.ParentFolderID, Private: target.Private, Labels: target.Labels, FilePath: target.FilePath,
		})
	})
	if err != nil {
		return nil, err
	}
	u.stats.Uploads.Add(1)
	var sent int64
	return u.client.UploadResumable(callCtx, to, fileName, mimeType, body, size, &wix.ResumableOptions{
		ChunkSize: u.chunkSize,
		OnProgress: func(uploaded int64) {
			u.stats.Uploaded.Add(uploaded - sent)
			sent = uploaded
		},
	})
}

// fallbackPass runs after the imports settle: every row whose URL import
// Wix failed (PhaseWixFailed) is downloaded by the tool itself (its own
// User-Agent, which hotlink protection lets through) and uploaded, or, with
// fallback uploads off, its source is diagnosed. Sources the tool cannot
// fetch either get the reason it found. This is where a FAILED row gets its
// second chance. The manifest is streamed again, so no request is kept in
// memory meanwhile.
func (r *run) fallbackPass(ctx context.Context, rows *manifest.Reader, uploads *errgroup.Group) error {
	done := map[manifest.Key]bool{}
	for {
		row, err := rows.Next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("reading manifest: %w", err)
		}
		if row.Err != nil || row.Import.Local || done[row.Key] || ctx.Err() != nil {
			continue
		}
		o, ok := r.ledger.state.Get(row.Key)
		if !ok || o.Phase != report.PhaseWixFailed {
			continue
		}
		done[row.Key] = true
		j := job{key: row.Key, req: row.Import.Request(r.s.FolderID)}
		want := row.Import.MediaType
		uploads.Go(func() error {
			r.ledger.secondChance()
			switch {
			case r.s.NoFallbackUpload:
				r.uploader.diagnose(ctx, j, want)
			case r.uploader.fallback(ctx, j, want) && !r.s.KeepFailed:
				// The upload replaced the file Wix failed, which would stay
				// behind as a FAILED leftover.
				r.trasher.later(ctx, o.FileID)
			}
			return nil
		})
	}
}

// fallback downloads a source Wix could not fetch and uploads it, unless
// it is not the media type the manifest expects (which is why Wix failed it).
// It reports whether the upload made a file, which replaces the failed one.
func (u *uploader) fallback(ctx context.Context, j job, want wix.MediaType) bool {
	failed := func(step string, err error) string {
		return fmt.Sprintf(report.Reasons.FallbackFailed, report.Reasons.WixFailed, step, err)
	}
	tmp, err := os.CreateTemp("", "wixmigrate-fallback-*")
	if err != nil {
		u.ledger.settleFailure(j.key, failed("download could not start", err))
		return false
	}
	defer os.Remove(tmp.Name())
	defer tmp.Close()
	d, err := u.prober.Download(ctx, j.req.URL, tmp)
	if ctx.Err() != nil {
		u.ledger.fallbackStopped(j.key, "") // interrupted: the row keeps Wix's verdict, and the next run tries again
		return false
	}
	if err != nil {
		var se *source.Error
		if errors.As(err, &se) {
			u.ledger.settleFailure(j.key, se.Reason)
		} else {
			u.ledger.settleFailure(j.key, failed("download failed", err))
		}
		return false
	}
	if reason := wrongType(want, d.ContentType); reason != "" {
		u.ledger.settleFailure(j.key, reason)
		return false
	}
	file, err := u.journaledUpload(ctx, j, false, d.FileName, d.ContentType, tmp, d.Size)
	switch {
	case errors.Is(err, wix.ErrUnknownOutcome):
		return false // in doubt: the next run looks for the uploaded file first
	case errors.Is(err, ErrAuth):
		u.ledger.fallbackStopped(j.key, "")
		u.ledger.stop(err)
		return false
	case err != nil && ctx.Err() != nil:
		u.ledger.fallbackStopped(j.key, "") // interrupted before the upload was sent: the row keeps Wix's verdict
		return false
	case err != nil:
		u.ledger.fallbackStopped(j.key, fmt.Sprintf(report.Reasons.FallbackUploadFailed, err))
		return false
	}
	u.reconciler.accept(j, file, report.MethodFallbackUpload)
	return true
}

// diagnose probes a source Wix could not fetch and records the probable cause.
func (u *uploader) diagnose(ctx context.Context, j job, want wix.MediaType) {
	d := u.prober.Probe(ctx, j.req.URL, want)
	if ctx.Err() != nil {
		u.ledger.fallbackStopped(j.key, "") // interrupted: no diagnosis is better than a wrong one
		return
	}
	u.ledger.settleFailure(j.key, d.WixFailedReason())
}
