//go:build unix

package conformance

import (
	"os"
	"syscall"
)

// lockDir serializes conformance runs of concurrent go test processes on
// this checkout, which share node_modules: npm ci replaces it. The lock is
// held until the process exits (the kernel releases it then), since every
// test of this process uses node_modules.
func lockDir(path string) error {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return err
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
		f.Close()
		return err
	}
	lockFile = f // kept open: closing it would release the lock
	return nil
}

var lockFile *os.File
