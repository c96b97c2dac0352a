//go:build !unix

package conformance

// lockDir is a no-op where flock is not available.
func lockDir(path string) error { return nil }
