//go:build unix

package conformance

import (
	"os"
	"syscall"
	"testing"
)

// lockDir serializes conformance runs of concurrent go test processes on
// this checkout, which share node_modules: npm ci replaces it.
func lockDir(t *testing.T, path string) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
		f.Close()
		t.Fatal(err)
	}
	t.Cleanup(func() {
		syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		f.Close()
	})
}
