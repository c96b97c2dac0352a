package report

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func TestLockIsExclusive(t *testing.T) {
	reportPath := filepath.Join(t.TempDir(), "media.report.csv")
	first, err := Lock(reportPath)
	if err != nil {
		t.Fatal(err)
	}
	_, err = Lock(reportPath)
	var le *LockedError
	if !errors.As(err, &le) || le.PID != os.Getpid() || le.Report != reportPath {
		t.Fatalf("second lock: %v, want a LockedError naming PID %d", err, os.Getpid())
	}
	if msg := err.Error(); !strings.Contains(msg, reportPath) || !strings.Contains(msg, fmt.Sprint(os.Getpid())) {
		t.Errorf("message %q names neither the report nor the PID", msg)
	}
	if _, err := os.Stat(reportPath); !os.IsNotExist(err) {
		t.Errorf("locking wrote the report: %v", err)
	}
	if err := first.Unlock(); err != nil {
		t.Fatal(err)
	}
	again, err := Lock(reportPath)
	if err != nil {
		t.Fatalf("after Unlock: %v", err)
	}
	again.Unlock()
}

// TestLockHelperProcess is not a test: TestKilledRunDoesNotBlock runs the
// test binary as a child that takes the lock and waits to be killed.
func TestLockHelperProcess(t *testing.T) {
	reportPath := os.Getenv("WIXMIGRATE_LOCK_HELPER")
	if reportPath == "" {
		t.Skip("helper process only")
	}
	if _, err := Lock(reportPath); err != nil {
		fmt.Println("error:", err)
		os.Exit(1)
	}
	fmt.Println("locked")
	select {} // until killed
}

func TestKilledRunDoesNotBlock(t *testing.T) {
	reportPath := filepath.Join(t.TempDir(), "media.report.csv")
	child := exec.Command(os.Args[0], "-test.run=^TestLockHelperProcess$")
	child.Env = append(os.Environ(), "WIXMIGRATE_LOCK_HELPER="+reportPath)
	out, err := child.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := child.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { child.Process.Kill(); child.Wait() })
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil || strings.TrimSpace(line) != "locked" {
		t.Fatalf("child: %q %v", line, err)
	}
	_, err = Lock(reportPath)
	var le *LockedError
	if !errors.As(err, &le) || le.PID != child.Process.Pid {
		t.Fatalf("while the child holds it: %v, want a LockedError naming PID %d", err, child.Process.Pid)
	}

	// kill -9: no chance to unlock or clean up.
	if err := child.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	child.Wait()
	if _, err := os.Stat(LockPath(reportPath)); err != nil {
		t.Fatalf("the killed run's lock file: %v", err)
	}
	l, err := Lock(reportPath)
	if err != nil {
		t.Fatalf("a killed run's lock blocks: %v", err)
	}
	l.Unlock()
}
