//go:build !unix

package testenv

import (
	"os"
	"time"
)

// ProcessCPU is unknown here; the benchmark then reports wall time only.
func ProcessCPU() time.Duration { return 0 }

// PeakRSS is unknown here.
func PeakRSS(*os.ProcessState) (bytes int64, ok bool) { return 0, false }
