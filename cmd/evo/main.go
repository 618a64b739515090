// Command evo runs and inspects evolutionary architecture searches (Real et al., ICML 2017):
// many identical workers share one population in a directory on local or shared storage.
//
// Every command has --help; every flag can also be set from an EVO_* environment variable.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"syscall"

	"github.com/urfave/cli/v2"

	"evo/cmd/evo/internal/procs"
)

func main() {
	ctx, stop := procs.NotifySignals(context.Background(), os.Interrupt, syscall.SIGTERM)
	app := newApp(os.Stdout, os.Stderr)
	err := app.RunContext(ctx, flagsFirst(app, os.Args))
	stop()
	var ec *exitCodeError
	switch {
	case errors.As(err, &ec) && ec.err == nil:
		os.Exit(ec.code)
	case err != nil:
		fmt.Fprintf(os.Stderr, "evo: %v\n", err)
		if ec != nil {
			os.Exit(ec.code)
		}
		os.Exit(1)
	}
}

// Exit codes of evo worker, for controllers that restart processes (Slurm, Kubernetes,
// systemd): 0 means the experiment is finished and nothing should be restarted; anything
// else means the worker should be started again (after the cause is fixed for exitCannotStart).
const (
	exitError       = 1   // an error while running
	exitCannotStart = 2   // bad flags, not an experiment, missing data, name in use
	exitSignalBase  = 128 // killed by signal n: 128+n (SIGTERM: 143, SIGINT: 130)
)

// exitCodeError makes main exit with code; err (if any) is printed first.
type exitCodeError struct {
	code int
	err  error
}

func (e *exitCodeError) Error() string {
	if e.err == nil {
		return fmt.Sprintf("exit status %d", e.code)
	}
	return e.err.Error()
}

func (e *exitCodeError) Unwrap() error { return e.err }

// withExitCode attaches an exit code to err (nil err: exit quietly with code).
func withExitCode(code int, err error) error { return &exitCodeError{code: code, err: err} }

// newApp builds the command tree; tests run it in-process with their own writers.
func newApp(stdout, stderr io.Writer) *cli.App {
	return &cli.App{
		Name:  "evo",
		Usage: "large-scale evolution of image classifiers, on one machine or a cluster",
		Description: "evo evolves neural network architectures as in Real et al. (ICML 2017). Workers share\n" +
			"a population stored as plain directories; there is no master. Start with `evo run`.",
		Writer:               stdout,
		ErrWriter:            stderr,
		HideHelpCommand:      true,
		EnableBashCompletion: true,
		// Errors are printed once, by main, as one line.
		ExitErrHandler: func(*cli.Context, error) {},
		Commands: []*cli.Command{
			runCommand(),
			initCommand(),
			workerCommand(),
			gcCommand(),
			statusCommand(),
			listCommand(),
			showCommand(),
			lineageCommand(),
			plotCommand(),
			drawCommand(),
			evalCommand(),
			ensembleCommand(),
			checkCommand(),
			exportCommand(),
			controlCommand(),
			compareCommand(),
			statsCommand(),
			dataCommand(),
			serveCommand(),
		},
	}
}
