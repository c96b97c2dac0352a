package wixsim

import (
	"bytes"
	"crypto/md5"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Whatever its size, and wherever it is kept, stored content reads back
// byte for byte under its MD5; content over the limit is refused.
func TestBlobsReadBackWhatWasStored(t *testing.T) {
	t.Parallel()
	b := &blobs{dir: t.TempDir()}
	cases := []struct {
		name  string
		size  int
		limit int64
		err   error
	}{
		{"empty", 0, 100, nil},
		{"small", 70, 100 << 20, nil},
		{"exactly a head", headSize, 100 << 20, nil},
		{"a head and a byte", headSize + 1, 100 << 20, nil},
		{"large", 3*headSize + 17, 100 << 20, nil},
		{"at the limit", 100, 100, nil},
		{"a byte over the limit", 101, 100, errTooLarge},
		{"far over the limit", 2 * headSize, headSize, errTooLarge},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			content := bytes.Repeat([]byte(c.name), c.size/len(c.name)+1)[:c.size]
			got, err := b.put(bytes.NewReader(content), c.limit)
			if !errors.Is(err, c.err) {
				t.Fatalf("put = %v, want %v", err, c.err)
			}
			if err != nil {
				return
			}
			if got.hash != md5.Sum(content) || got.size != int64(c.size) {
				t.Errorf("put = hash %x size %d, want %x %d", got.hash, got.size, md5.Sum(content), c.size)
			}
			if want := content[:min(c.size, headSize)]; !bytes.Equal(got.head, want) {
				t.Errorf("head is %d bytes, want the first %d", len(got.head), len(want))
			}
			assertBlob(t, b, got.hash, content)
		})
	}
}

// Small content stays off the disk until the memory budget is spent; the
// rest spills to files, and both read back. Storing content twice keeps one
// copy.
func TestBlobsSpillPastTheMemoryBudget(t *testing.T) {
	t.Parallel()
	const size, budget = 1000, 10 * 1000
	b := &blobs{dir: t.TempDir(), budget: budget}
	n := budget/size + 3
	var hashes [][16]byte
	var contents [][]byte
	for i := range n {
		content := bytes.Repeat([]byte{byte(i), byte(i >> 8), 'x'}, size/3+1)[:size]
		first, err := b.put(bytes.NewReader(content), 100<<20)
		if err != nil {
			t.Fatal(err)
		}
		again, err := b.put(bytes.NewReader(content), 100<<20)
		if err != nil {
			t.Fatal(err)
		}
		if again.hash != first.hash {
			t.Fatalf("the same content stored twice has hashes %x and %x", first.hash, again.hash)
		}
		hashes = append(hashes, first.hash)
		contents = append(contents, content)
	}
	if b.memBytes > budget {
		t.Errorf("%d bytes in memory, budget %d", b.memBytes, budget)
	}
	if len(b.mem) != budget/size {
		t.Errorf("%d blobs in memory, want %d (the budget's worth, each once)", len(b.mem), budget/size)
	}
	files := 0
	filepath.WalkDir(b.dir, func(path string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			if strings.HasPrefix(d.Name(), "in-") {
				t.Errorf("temp file %s left", path)
			}
			files++
		}
		return nil
	})
	if files != 3 {
		t.Errorf("%d files on disk, want the 3 past the budget", files)
	}
	for i, h := range hashes {
		assertBlob(t, b, h, contents[i])
	}
	b.release()
	if _, err := b.open(hashes[0]); err == nil {
		t.Error("a blob kept in memory still opens after release")
	}
}

func assertBlob(t *testing.T, b *blobs, hash [16]byte, want []byte) {
	t.Helper()
	f, err := b.open(hash)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	got, err := io.ReadAll(f)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("blob %x reads back %d bytes, want %d stored", hash, len(got), len(want))
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		t.Errorf("blob %x does not seek: %v", hash, err)
	}
}
