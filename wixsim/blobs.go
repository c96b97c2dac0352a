package wixsim

import (
	"bytes"
	"crypto/md5"
	"encoding/hex"
	"errors"
	"io"
	"os"
	"path/filepath"
	"sync"
)

// blobs stores file contents addressed by their MD5, deduplicated. Content
// that fits in a head (64 KiB) stays in memory while the in-memory total is
// under memoryBudget: creating a file costs more than the import it serves
// when sources are small, as a demo's and the tests' are. Everything else
// goes to a temp directory removed on Close; keeping large and excess bytes
// off the heap is what lets a million-file run fit in memory.
type blobs struct {
	dir    string
	budget int64 // bytes kept in memory at most; 0 is memoryBudget

	mu        sync.Mutex
	mem       map[[16]byte][]byte
	memBytes  int64
	shardDirs map[string]bool // shard directories already created
}

// headSize is how much of a blob is kept in memory for sniffing, and the
// largest blob kept only in memory.
const headSize = 64 << 10

// memoryBudget bounds the bytes of blobs kept in memory by default.
const memoryBudget = 32 << 20

var errTooLarge = errors.New("content exceeds the size limit")

// blob is what put learned about stored content.
type blob struct {
	hash [16]byte
	size int64
	head []byte
}

// put stores r's content, reading at most limit bytes; more is errTooLarge.
func (b *blobs) put(r io.Reader, limit int64) (blob, error) {
	// A byte past a head tells whether the content fits in one.
	size := int64(headSize) + 1
	if limit < headSize {
		size = limit + 1 // enough to tell content over the limit
	}
	r = io.LimitReader(r, limit+1)
	buf, err := io.ReadAll(io.LimitReader(r, size))
	if err != nil {
		return blob{}, err
	}
	n := len(buf)
	if int64(n) > limit {
		return blob{}, errTooLarge
	}
	if n <= headSize {
		content := buf[:n:n]
		out := blob{hash: md5.Sum(content), size: int64(n), head: content}
		if b.keep(out.hash, content) {
			return out, nil
		}
		return out, b.write(out.hash, content)
	}
	return b.spill(buf[:n], r, limit)
}

// keep holds content in memory if it is there already or fits the budget.
func (b *blobs) keep(hash [16]byte, content []byte) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	if _, ok := b.mem[hash]; ok {
		return true
	}
	budget := b.budget
	if budget == 0 {
		budget = memoryBudget
	}
	if b.memBytes+int64(len(content)) > budget {
		return false
	}
	if b.mem == nil {
		b.mem = map[[16]byte][]byte{}
	}
	b.mem[hash] = bytes.Clone(content) // no spare capacity held
	b.memBytes += int64(len(content))
	return true
}

// spill stores content longer than a head on disk: read, its first bytes,
// then the rest of r, hashed as it is written.
func (b *blobs) spill(read []byte, r io.Reader, limit int64) (blob, error) {
	tmp, err := os.CreateTemp(b.dir, "in-*")
	if err != nil {
		return blob{}, err
	}
	defer os.Remove(tmp.Name()) // a no-op once renamed
	h := md5.New()
	n, err := io.Copy(io.MultiWriter(tmp, h), io.MultiReader(bytes.NewReader(read), r))
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return blob{}, err
	}
	if n > limit {
		return blob{}, errTooLarge
	}
	out := blob{size: n, head: read[:headSize:headSize]}
	copy(out.hash[:], h.Sum(nil))
	return out, b.place(tmp.Name(), out.hash)
}

// write stores content on disk under hash, unless it is there already.
func (b *blobs) write(hash [16]byte, content []byte) error {
	if _, err := os.Stat(b.path(hash)); err == nil {
		return nil
	}
	tmp, err := os.CreateTemp(b.dir, "in-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	_, err = tmp.Write(content)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	return b.place(tmp.Name(), hash)
}

// place renames a complete temp file to hash's path, so that no reader
// sees a blob half written.
func (b *blobs) place(tmp string, hash [16]byte) error {
	dst := b.path(hash)
	shard := filepath.Dir(dst)
	b.mu.Lock()
	made := b.shardDirs[shard]
	b.mu.Unlock()
	if !made {
		if err := os.MkdirAll(shard, 0o755); err != nil {
			return err
		}
		b.mu.Lock()
		if b.shardDirs == nil {
			b.shardDirs = map[string]bool{}
		}
		b.shardDirs[shard] = true
		b.mu.Unlock()
	}
	return os.Rename(tmp, dst)
}

func (b *blobs) path(hash [16]byte) string {
	x := hex.EncodeToString(hash[:])
	return filepath.Join(b.dir, x[:2], x)
}

// open reads the content stored under hash.
func (b *blobs) open(hash [16]byte) (io.ReadSeekCloser, error) {
	b.mu.Lock()
	content, ok := b.mem[hash]
	b.mu.Unlock()
	if ok {
		return nopCloser{bytes.NewReader(content)}, nil
	}
	return os.Open(b.path(hash))
}

// release drops the blobs kept in memory (the simulator's Close).
func (b *blobs) release() {
	b.mu.Lock()
	b.mem, b.memBytes = nil, 0
	b.mu.Unlock()
}

type nopCloser struct{ *bytes.Reader }

func (nopCloser) Close() error { return nil }
