package procs

import (
	"os/exec"
	"syscall"
)

// ownChild asks the kernel to send SIGTERM to the worker when the thread that started it ends
// (Go keeps its threads for the life of the process unless a goroutine locked to one exits,
// which evo's do not), so workers stop when `evo run` dies, even by SIGKILL.
func ownChild(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGTERM}
}
