package wixsim

import (
	"crypto/md5"
	"encoding/hex"
	"errors"
	"io"
	"os"
	"path/filepath"
)

// blobs stores file contents on disk, addressed by their MD5, in a temp
// directory removed on Close. Keeping bytes off the heap and deduplicated is
// what lets a million-file run fit in memory.
type blobs struct {
	dir string
}

// headSize is how much of a blob is kept in memory for sniffing.
const headSize = 64 << 10

var errTooLarge = errors.New("content exceeds the size limit")

// blob is what put learned about stored content.
type blob struct {
	hash [16]byte
	size int64
	head []byte
}

// put stores r's content, reading at most limit bytes; more is errTooLarge.
func (b *blobs) put(r io.Reader, limit int64) (blob, error) {
	tmp, err := os.CreateTemp(b.dir, "in-*")
	if err != nil {
		return blob{}, err
	}
	defer os.Remove(tmp.Name()) // a no-op once renamed
	h := md5.New()
	head := &headBuf{}
	n, err := io.Copy(io.MultiWriter(tmp, h, head), io.LimitReader(r, limit+1))
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return blob{}, err
	}
	if n > limit {
		return blob{}, errTooLarge
	}
	var out blob
	copy(out.hash[:], h.Sum(nil))
	out.size, out.head = n, head.b
	dst := b.path(out.hash)
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return blob{}, err
	}
	if err := os.Rename(tmp.Name(), dst); err != nil {
		return blob{}, err
	}
	return out, nil
}

func (b *blobs) path(hash [16]byte) string {
	x := hex.EncodeToString(hash[:])
	return filepath.Join(b.dir, x[:2], x)
}

func (b *blobs) open(hash [16]byte) (*os.File, error) { return os.Open(b.path(hash)) }

// headBuf keeps the first headSize bytes written to it.
type headBuf struct{ b []byte }

func (h *headBuf) Write(p []byte) (int, error) {
	if room := headSize - len(h.b); room > 0 {
		h.b = append(h.b, p[:min(room, len(p))]...)
	}
	return len(p), nil
}
