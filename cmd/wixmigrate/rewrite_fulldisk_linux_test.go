package main

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

// TestRewriteOntoAFullDisk writes --out onto a 256 KiB tmpfs: a real full
// disk (ENOSPC). It needs to mount one, so it runs as root (CI's
// container) and is skipped otherwise; TestRewriteOutputThatCannotBeWritten
// covers the same path everywhere.
func TestRewriteOntoAFullDisk(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("mounting a small tmpfs needs root")
	}
	t.Parallel()
	for _, kind := range []string{"text", "binary"} {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			report, in := rewriteFiles(t, 512<<10) // twice the disk
			out := t.TempDir()
			if err := syscall.Mount("tmpfs", out, "tmpfs", 0, "size=256k"); err != nil {
				t.Skipf("cannot mount a tmpfs: %v", err)
			}
			t.Cleanup(func() {
				if err := syscall.Unmount(out, 0); err != nil {
					t.Errorf("unmounting %s: %v", out, err)
				}
			})
			checkOutputFailure(t, report, filepath.Join(in, kind), out, "no space left on device")
			if leftovers, _ := filepath.Glob(filepath.Join(out, ".*.tmp-*")); len(leftovers) > 0 {
				t.Errorf("temporary files left on the full disk: %q", leftovers)
			}
		})
	}
}
