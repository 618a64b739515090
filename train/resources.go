package train

import (
	"syscall"
	"time"
)

// usage is a snapshot of the process's CPU time and peak resident set size.
type usage struct {
	cpu     time.Duration
	peakRSS int64 // bytes
}

// readUsage reads getrusage(RUSAGE_SELF): user plus system CPU time of the whole process, and
// its peak RSS (the kernel's high-water mark, in KiB on Linux). It returns zeros when the call
// fails, which only an unsupported platform does.
func readUsage() usage {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return usage{}
	}
	cpu := time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	return usage{cpu: cpu, peakRSS: int64(ru.Maxrss) * 1024}
}
