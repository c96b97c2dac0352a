package testenv

import (
	"os"
	"testing"
)

// FullEnv, set to 1, runs the slow end-to-end tests too. `go test ./...`
// leaves them out so that it stays short; .ci/run sets it for a second
// pass, so CI runs every test in full.
const FullEnv = "WIXMIGRATE_TEST_FULL"

// SkipUnlessFull skips a slow end-to-end test unless FullEnv is 1. The
// test names what it checks that faster tests do not (why), so that the
// skip message says what the short run leaves out.
func SkipUnlessFull(t testing.TB, why string) {
	t.Helper()
	if !Full() {
		t.Skipf("slow end-to-end test (%s): runs with %s=1, as .ci/run does", why, FullEnv)
	}
}

// Full tells whether FullEnv asks for the full run: a test whose behaviour
// shows at any size runs small in the short run and at the size its issue
// names in the full one.
func Full() bool { return os.Getenv(FullEnv) == "1" }
