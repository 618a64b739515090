//go:build unix

package train

import (
	"runtime"
	"syscall"
	"time"
)

// readUsage reads getrusage(RUSAGE_SELF): user plus system CPU time of the whole process, and
// its peak RSS (the kernel's high-water mark: in KiB on Linux and the BSDs, in bytes on macOS
// and iOS). It returns zeros when the call fails.
func readUsage() usage {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return usage{}
	}
	cpu := time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	unit := int64(1024)
	if runtime.GOOS == "darwin" || runtime.GOOS == "ios" {
		unit = 1
	}
	return usage{cpu: cpu, peakRSS: int64(ru.Maxrss) * unit}
}
