//go:build unix

package testenv

import (
	"syscall"
	"time"
)

// ProcessCPU is the CPU time the process has used (user and system, all
// threads): on a shared machine it measures work where wall time measures
// the neighbours too.
func ProcessCPU() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
