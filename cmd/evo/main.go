// Command evo runs and inspects evolutionary architecture searches (Real et al., ICML 2017):
// many identical workers share one population in a directory on local or shared storage.
//
// Every command has --help; every flag can also be set from an EVO_* environment variable.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/urfave/cli/v2"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	app := newApp(os.Stdout, os.Stderr)
	err := app.RunContext(ctx, flagsFirst(app, os.Args))
	stop()
	if err != nil {
		fmt.Fprintf(os.Stderr, "evo: %v\n", err)
		os.Exit(1)
	}
}

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
		},
	}
}
