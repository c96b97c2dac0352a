// Package testmain is the TestMain of every package's tests: it runs them
// and exits without the race detector's pause.
//
// Under -race a Go program that exits with status 0 first sleeps for
// GORACE's atexit_sleep_ms (1 s by default), so that goroutines still
// running can report races. A test binary has nothing left to check by
// then: testing fails a test that raced, and a run with a race outside
// any test. The pause cost a second per package and per command a test
// runs as a process: about 8 s of the 2-core machine's
// `go test -race ./...`, and more in tests that run commands.
package testmain

import (
	"os"
	"strings"
	"syscall"
	"testing"
)

// Run runs m's tests, then each of after, and exits with the tests'
// status, as a TestMain must. Commands the tests run as processes (built
// with -race too) inherit GORACE with no exit pause; they keep the race
// detector's exit status (66 after a race), which their tests check.
func Run(m *testing.M, after ...func()) {
	if raceEnabled {
		noExitPause()
	}
	code := m.Run()
	for _, f := range after {
		f()
	}
	exit(code)
}

// exit ends the test binary with code. A passing run under the race
// detector ends at once; anything else exits as os.Exit does (a failure
// keeps the detector's report; coverage is written by then either way).
func exit(code int) {
	if code == 0 && raceEnabled {
		syscall.Exit(0)
	}
	os.Exit(code)
}

// noExitPause sets atexit_sleep_ms=0 in GORACE for child processes. This
// process read GORACE when it started and is not affected.
func noExitPause() {
	v := os.Getenv("GORACE")
	if strings.Contains(v, "atexit_sleep_ms=") {
		return // the user's choice
	}
	os.Setenv("GORACE", strings.TrimSpace(v+" atexit_sleep_ms=0"))
}
