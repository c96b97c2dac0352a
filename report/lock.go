package report

import (
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/gofrs/flock"
)

// RunLock is one run's exclusive hold on a report. It is an OS file lock
// (flock on Unix, LockFileEx on Windows) on LockPath(report), so it dies
// with its process: a run that was killed leaves a file, never a lock. The
// file holds the holder's PID, for the message a second run shows.
type RunLock struct {
	lock *flock.Flock
}

// LockedError says another process holds the lock of a report.
type LockedError struct {
	Report string
	PID    int // the holder's process ID; 0 when it could not be read
}

func (e *LockedError) Error() string {
	holder := "another wixmigrate run"
	if e.PID > 0 {
		holder += fmt.Sprintf(" (PID %d)", e.PID)
	}
	return fmt.Sprintf("%s is using the report %s; wait for it to end (or stop it) before starting another", holder, e.Report)
}

// LockPath is where the lock of a report lives: beside it, like its journal.
func LockPath(reportPath string) string { return reportPath + ".lock" }

// Lock takes the lock of the report at reportPath without waiting: when
// another process holds it, the error is a *LockedError naming it. The
// caller holds the lock until the report is written, then calls Unlock.
func Lock(reportPath string) (*RunLock, error) {
	path := LockPath(reportPath)
	l := flock.New(path)
	ok, err := l.TryLock()
	if err != nil {
		return nil, fmt.Errorf("locking the report %s: %w", reportPath, err)
	}
	if !ok {
		return nil, &LockedError{Report: reportPath, PID: readPID(path)}
	}
	// Best effort: Windows refuses writes to a range another handle locked.
	_ = os.WriteFile(path, []byte(strconv.Itoa(os.Getpid())+"\n"), 0o644)
	return &RunLock{lock: l}, nil
}

// Unlock releases the lock; the file stays (removing it would let a run
// that opened it just before lock a file no other run can see).
func (l *RunLock) Unlock() error {
	_ = os.Truncate(l.lock.Path(), 0) // no PID of a run that ended
	return l.lock.Unlock()
}

// readPID reads the PID a lock holder wrote; 0 when there is none.
func readPID(path string) int {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil || pid <= 0 {
		return 0
	}
	return pid
}
