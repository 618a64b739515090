// Package procs ties the worker processes of `evo run` to it: each worker is a child process
// of the same binary, restarted after a crash, with its output in a log file, and it stops
// when its parent ends however the parent ends (on Linux by the kernel's parent-death signal,
// everywhere by a pipe whose write end only the parent holds).
package procs

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strconv"
	"sync/atomic"
	"syscall"
	"time"

	"evo/storage"
)

// ParentPipeEnv names the file descriptor of a pipe whose write end the parent `evo run`
// holds: when the parent dies, however it dies, the worker reads EOF and stops cleanly.
const ParentPipeEnv = "EVO_PARENT_PIPE"

// Restart policy of crashed workers: a worker that exits with an error before the budget is
// reached is restarted after restartDelay, up to maxRestarts times per slot.
const (
	restartDelay = 2 * time.Second
	maxRestarts  = 5
	// stopGrace is how long a worker may take to exit after SIGTERM before it is killed.
	stopGrace = 30 * time.Second
)

// Supervise runs `evo worker` number i as a child process of this evo binary, with the
// arguments args gives for its name, until it exits cleanly (the budget was reached or a stop
// was requested) or ctx ends, restarting it after a crash. Its output goes to
// logDir/<name>.log.
// Each worker gets the run's start as its wall-time start (so a restarted worker does not get
// a fresh budget) and is tied to this process: on Linux the kernel sends it SIGTERM when this
// process dies (ownChild), and everywhere it watches a pipe whose write end only this process
// holds, and stops cleanly when the pipe reaches EOF.
func Supervise(ctx context.Context, log *slog.Logger, i int, logDir string, args func(name string) []string) error {
	self, err := os.Executable()
	if err != nil {
		return fmt.Errorf("find the evo binary to start workers: %w", err)
	}
	host := storage.HostName()
	for restart := 0; ; restart++ {
		name := fmt.Sprintf("run-%s-%d-w%d-%d", host, os.Getpid(), i, restart)
		logPath := filepath.Join(logDir, name+".log")
		logf, err := os.OpenFile(logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
		if err != nil {
			return fmt.Errorf("worker log %s: %w", logPath, err)
		}
		cmd := exec.CommandContext(ctx, self, args(name)...)
		cmd.Stdout, cmd.Stderr = logf, logf
		cmd.Cancel = func() error { return cmd.Process.Signal(syscall.SIGTERM) }
		cmd.WaitDelay = stopGrace
		err = RunOwned(cmd)
		logf.Close()
		if err == nil || ctx.Err() != nil {
			return nil
		}
		log.Warn("worker exited with an error", "worker", name, "err", err, "log", logPath)
		if restart >= maxRestarts {
			return fmt.Errorf("worker %d failed %d times, last: %v (see %s)", i, restart+1, err, logPath)
		}
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(restartDelay):
		}
	}
}

// RunOwned runs cmd as a worker tied to this process (see Supervise): the read end of a
// pipe is its fd 3, named by EVO_PARENT_PIPE; the write end stays here, open until cmd ends,
// and the kernel closes it when this process dies.
func RunOwned(cmd *exec.Cmd) error {
	r, w, err := os.Pipe()
	if err != nil {
		return fmt.Errorf("pipe to a worker: %w", err)
	}
	defer w.Close()
	cmd.ExtraFiles = []*os.File{r}
	cmd.Env = append(os.Environ(), ParentPipeEnv+"=3")
	ownChild(cmd)
	err = cmd.Start()
	r.Close()
	if err != nil {
		return err
	}
	return cmd.Wait()
}

// WatchParent cancels the worker when the pipe named by EVO_PARENT_PIPE reaches EOF: its
// parent `evo run` ended, however it ended (the kernel closes the write end). Nothing is
// written to the pipe; anything that is is ignored.
func WatchParent(ctx context.Context, cancel context.CancelFunc) error {
	v := os.Getenv(ParentPipeEnv)
	if v == "" {
		return nil
	}
	fd, err := strconv.Atoi(v)
	if err != nil || fd < 3 {
		return fmt.Errorf("%s=%q: want the number of an inherited file descriptor (3 or more)", ParentPipeEnv, v)
	}
	f := os.NewFile(uintptr(fd), "parent-pipe")
	if f == nil {
		return fmt.Errorf("%s=%d: no such file descriptor", ParentPipeEnv, fd)
	}
	go func() {
		defer f.Close()
		io.Copy(io.Discard, f)
		if ctx.Err() == nil {
			cancel()
		}
	}()
	return nil
}

// CaughtSignal is the number of the first signal NotifySignals received (0: none).
var CaughtSignal atomic.Int32

// NotifySignals is signal.NotifyContext that also records which signal arrived first, so
// that a worker stopped by a signal can exit with 128+n like a process killed by it.
func NotifySignals(parent context.Context, sigs ...os.Signal) (context.Context, func()) {
	ctx, cancel := context.WithCancel(parent)
	ch := make(chan os.Signal, 1)
	signal.Notify(ch, sigs...)
	done := make(chan struct{})
	go func() {
		select {
		case s := <-ch:
			if n, ok := s.(syscall.Signal); ok {
				CaughtSignal.CompareAndSwap(0, int32(n))
			}
			cancel()
		case <-done:
		}
	}()
	return ctx, func() {
		signal.Stop(ch)
		close(done)
		cancel()
	}
}
