//go:build !unix

package testenv

import "time"

// ProcessCPU is unknown here; the benchmark then reports wall time only.
func ProcessCPU() time.Duration { return 0 }
