//go:build unix

package content

import (
	"syscall"
	"time"
)

// processCPU is the CPU time the process has used (user and system, all
// threads): on a shared machine it measures work where wall time measures
// the neighbours too.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
