//go:build unix

package testenv

import (
	"os"
	"runtime"
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

// PeakRSS is the largest resident set size, in bytes, of an ended child
// process; ok is false where the system does not say.
func PeakRSS(ps *os.ProcessState) (bytes int64, ok bool) {
	ru, ok := ps.SysUsage().(*syscall.Rusage)
	if !ok {
		return 0, false
	}
	if runtime.GOOS == "darwin" || runtime.GOOS == "ios" {
		return ru.Maxrss, true // in bytes there
	}
	return ru.Maxrss << 10, true // in KiB on Linux and the BSDs
}
