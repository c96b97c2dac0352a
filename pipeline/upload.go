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

// uploads runs uploads (local files, fallbacks) with their own concurrency
// limit: they move bytes, not API calls, and must not starve imports.
type uploads struct {
	g errgroup.Group
}

func (r *run) newUploads() *uploads {
	u := &uploads{}
	u.g.SetLimit(r.cfg.UploadConcurrency)
	return u
}

// uploadLocal uploads a manifest row's local file.
func (r *run) uploadLocal(ctx context.Context, j job, path string) {
	if ctx.Err() != nil {
		return // interrupted: the row stays "not imported yet"
	}
	if !j.since.IsZero() {
		// An earlier run may have uploaded it: look before uploading again.
		rest, err := r.reconcile(ctx, []job{j}, j.since)
		if err != nil || len(rest) == 0 {
			return // adopted, or still in doubt for the next run
		}
	}
	r.state.Update(j.key, func(o *report.Outcome) { o.Attempts++ })
	f, err := source.OpenLocal(path)
	if err != nil {
		r.fail(j, err.Error())
		return
	}
	defer f.Close()
	mimeType := f.MimeType
	if j.req.MimeType != "" {
		mimeType = j.req.MimeType // the manifest knows better than an extension
	}
	if reason := wrongType(j.req.MediaType, mimeType); reason != "" {
		r.fail(j, fmt.Sprintf("local file %s: %s", path, reason))
		return
	}
	file, err := r.journaledUpload(ctx, j, f.FileName, mimeType, f, f.Size)
	if err != nil {
		if !errors.Is(err, wix.ErrUnknownOutcome) {
			r.failJobs([]job{j}, fmt.Errorf("uploading %s: %w", path, err))
		}
		return
	}
	r.acceptedBy(j, file, report.MethodUpload)
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
// it again.
func (r *run) journaledUpload(ctx context.Context, j job, fileName, mimeType string, body io.ReaderAt, size int64) (*wix.File, error) {
	sent := time.Now()
	id, ok := r.intent([]job{j}, sent)
	if !ok {
		return nil, context.Canceled // the run is stopping (fatal journal error); nothing was sent
	}
	file, err := r.upload(ctx, j.req, fileName, mimeType, body, size)
	if errors.Is(err, wix.ErrUnknownOutcome) {
		r.inDoubt([]job{j}, sent, err)
		return nil, err
	}
	r.answered(id)
	return file, err
}

// upload sends bytes as a new file with the placement and labels of req:
// one PUT up to 10 MB, a resumable tus upload above.
func (r *run) upload(ctx context.Context, req wix.ImportFileRequest, fileName, mimeType string, body io.ReaderAt, size int64) (*wix.File, error) {
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
		var u *wix.GenerateUploadURLResponse
		err := r.call(ctx, "GenerateFileUploadUrl", func(ctx context.Context) (err error) {
			u, err = r.cfg.Client.GenerateUploadURL(ctx, &target)
			return err
		})
		if err != nil {
			return nil, err
		}
		r.stats.Uploads.Add(1)
		f, err := r.cfg.Client.Upload(callCtx, u.UploadURL, fileName, mimeType, io.NewSectionReader(body, 0, size), size)
		if err == nil {
			r.stats.Uploaded.Add(size)
		}
		return f, err
	}
	var u *wix.GenerateResumableUploadURLResponse
	err := r.call(ctx, "GenerateFileResumableUploadUrl", func(ctx context.Context) (err error) {
		u, err = r.cfg.Client.GenerateResumableUploadURL(ctx, &wix.GenerateResumableUploadURLRequest{
			MimeType: target.MimeType, FileName: target.FileName, SizeInBytes: target.SizeInBytes,
			ParentFolderID: target.ParentFolderID, Private: target.Private, Labels: target.Labels, FilePath: target.FilePath,
		})
		return err
	})
	if err != nil {
		return nil, err
	}
	r.stats.Uploads.Add(1)
	var sent int64
	return r.cfg.Client.UploadResumable(callCtx, u, fileName, mimeType, body, size, &wix.ResumableOptions{
		ChunkSize: r.cfg.ChunkSize,
		OnProgress: func(uploaded int64) {
			r.stats.Uploaded.Add(uploaded - sent)
			sent = uploaded
		},
	})
}

// fallbackPass runs after the imports settle: every row whose URL import
// Wix marked FAILED is downloaded by the tool itself (its own User-Agent,
// which hotlink protection lets through) and uploaded. Sources the tool
// cannot fetch either get the reason it found. The manifest is streamed
// again, so no request is kept in memory meanwhile.
func (r *run) fallbackPass(ctx context.Context, rows *manifest.Reader, up *uploads) error {
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
		o, ok := r.state.Get(row.Key)
		if !ok || o.Status != report.Failed || o.Method != report.MethodImport || o.Reason() != reasonWixFailed {
			continue
		}
		done[row.Key] = true
		j := job{key: row.Key, req: row.Import.Request(r.cfg.FolderID)}
		want := row.Import.MediaType
		up.g.Go(func() error {
			if r.cfg.FallbackUpload {
				r.fallback(ctx, j, want)
			} else {
				r.diagnose(ctx, j, want)
			}
			return nil
		})
	}
}

// fallback downloads a source Wix could not fetch and uploads it, unless
// it is not the media type the manifest expects (which is why Wix failed it).
func (r *run) fallback(ctx context.Context, j job, want wix.MediaType) {
	tmp, err := os.CreateTemp("", "wixmigrate-fallback-*")
	if err != nil {
		r.refail(j, fmt.Sprintf("%s; the fallback download could not start: %v", reasonWixFailed, err))
		return
	}
	defer os.Remove(tmp.Name())
	defer tmp.Close()
	d, err := r.cfg.Prober.Download(ctx, j.req.URL, tmp)
	if ctx.Err() != nil {
		return // interrupted: the row keeps Wix's verdict, and the next run tries again
	}
	if err != nil {
		var se *source.Error
		if errors.As(err, &se) {
			r.refail(j, se.Reason)
		} else {
			r.refail(j, fmt.Sprintf("%s; the fallback download failed: %v", reasonWixFailed, err))
		}
		return
	}
	if reason := wrongType(want, d.ContentType); reason != "" {
		r.refail(j, reason)
		return
	}
	r.stats.Failed.Add(-1) // no longer failed: a second chance is under way
	file, err := r.journaledUpload(ctx, j, d.FileName, d.ContentType, tmp, d.Size)
	if errors.Is(err, wix.ErrUnknownOutcome) {
		return // in doubt: the next run looks for the uploaded file first
	}
	if err != nil && ctx.Err() != nil {
		r.stats.Failed.Add(1)
		return // interrupted before the upload was sent: the row keeps Wix's verdict
	}
	if err != nil {
		r.stats.Failed.Add(1)
		r.refail(j, fmt.Sprintf("Wix could not fetch the source, and the fallback upload failed: %v", err))
		return
	}
	r.acceptedBy(j, file, report.MethodFallbackUpload)
}

// diagnose probes a source Wix could not fetch and records the probable cause.
func (r *run) diagnose(ctx context.Context, j job, want wix.MediaType) {
	d := r.cfg.Prober.Probe(ctx, j.req.URL, want)
	if ctx.Err() != nil {
		return // interrupted: no diagnosis is better than a wrong one
	}
	r.refail(j, d.WixFailedReason())
}

// refail replaces the reason of a row that is already FAILED.
func (r *run) refail(j job, reason string) {
	r.update(j.key, func(o *report.Outcome) { o.SetReason(reason) })
}
