//go:build !unix

package conformance

import "testing"

// lockDir is a no-op where flock is not available.
func lockDir(t *testing.T, path string) {}
