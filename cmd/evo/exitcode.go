package main

import (
	"errors"
	"fmt"

	"github.com/urfave/cli/v2"

	"evo/cmd/evo/internal/procs"
	"evo/storage"
)

// workerExitCodes is the exit-code contract of `evo worker`, shown in its --help and the README.
const workerExitCodes = "Exit status (for Slurm, Kubernetes, systemd and other controllers):\n" +
	"   0        the experiment is finished (a budget was reached, or `evo control --stop`):\n" +
	"            do not restart; a new worker would exit 0 at once\n" +
	"   1        an error while running: restart (after a look at the log)\n" +
	"   2        cannot start: bad flags, not an experiment, data missing, worker name in use\n" +
	"   128+n    stopped by signal n (SIGTERM: 143, SIGINT: 130) after a clean shutdown: the run\n" +
	"            is not over, so an evicted or preempted worker should be started again"

// runWorkerExit runs the worker and maps its outcome to the exit-code contract above.
func runWorkerExit(c *cli.Context) error {
	err := runWorker(c)
	var ec *exitCodeError
	switch {
	case errors.As(err, &ec):
		return err
	case errors.Is(err, storage.ErrWorkerRunning):
		return withExitCode(exitCannotStart, err)
	case err == nil || interrupted(err):
		// runWorker returns nil both when the run is over and when a signal stopped it; the
		// signal decides. Without one (a cancelled context in an in-process test) it is 0.
		if n := procs.CaughtSignal.Load(); n != 0 {
			return withExitCode(exitSignalBase+int(n), nil)
		}
		return nil
	}
	return withExitCode(exitError, err)
}

// usageExit makes a flag error of `evo worker` exit with exitCannotStart.
func usageExit(c *cli.Context, err error, _ bool) error {
	return withExitCode(exitCannotStart, fmt.Errorf("%w (see `evo %s --help`)", err, c.Command.Name))
}
