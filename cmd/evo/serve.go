package main

import (
	"context"
	"fmt"
	"net"
	"time"

	"github.com/urfave/cli/v2"

	"evo/cmd/evo/internal/dashboard"
	"evo/cmd/evo/internal/experiment"
	"evo/storage"
)

func serveCommand() *cli.Command {
	return &cli.Command{
		Name:  "serve",
		Usage: "a live, read-only web dashboard of an experiment (open the address it prints in a browser)",
		Description: "Serves the overview (settings, counts, budgets, validation accuracy over time), the\n" +
			"workers, a sortable leaderboard, every individual (record, architecture, lineage, files)\n" +
			"and a comparison with other experiments (--compare). Pages update live. It never writes to\n" +
			"the experiment and binds 127.0.0.1 by default: from a laptop, tunnel to it with\n" +
			"`ssh -L 8080:127.0.0.1:8080 HOST` and open http://127.0.0.1:8080.",
		Flags: []cli.Flag{dirFlag, logLevelFlag,
			&cli.StringFlag{Name: "addr", Value: "127.0.0.1:8080", EnvVars: []string{"EVO_SERVE_ADDR"},
				Usage: "address to listen on (host:port; port 0 picks a free one); anything but a loopback host exposes the dashboard to the network"},
			&cli.StringSliceFlag{Name: "compare", EnvVars: []string{"EVO_SERVE_COMPARE"},
				Usage: "another experiment DIR[=LABEL] for the compare page (repeat it)"},
			&cli.DurationFlag{Name: "every", Value: 5 * time.Second, EnvVars: []string{"EVO_SERVE_EVERY"},
				Usage: "how often to list the experiment for changes made on other hosts (changes on this host show at once, at most every second)"},
		},
		Action: runServe,
	}
}

func runServe(c *cli.Context) error {
	if err := noArgs(c); err != nil {
		return err
	}
	e, err := openExperiment(c)
	if err != nil {
		return err
	}
	defer e.Close()
	opts := dashboard.Options{
		Main:        e.Dashboard(""),
		Individuals: experiment.Served{E: e},
		Every:       time.Second,
		Logger:      e.Log,
	}
	compared, err := experiment.ParseDirLabels(c.StringSlice("compare"), nil)
	if err != nil {
		return err
	}
	for _, a := range compared {
		x, err := experiment.Open(a.Dir, storage.Options{Logger: newLogger(c)},
			fmt.Sprintf("--compare %s is not an experiment directory (no experiment.json): give directories made by `evo run` or `evo init`", a.Dir))
		if err != nil {
			return err
		}
		defer x.Close()
		opts.Compare = append(opts.Compare, x.Dashboard(a.Label))
	}
	ctx, cancel := context.WithCancel(c.Context)
	defer cancel()
	opts.Wake = e.Root.Watch(ctx, c.Duration("every"))
	ln, err := net.Listen("tcp", c.String("addr"))
	if err != nil {
		return fmt.Errorf("--addr %s: cannot listen there (another dashboard on that port? choose one with --addr 127.0.0.1:PORT): %w", c.String("addr"), err)
	}
	opts.LoopbackOnly = dashboard.Loopback(ln.Addr())
	srv, err := dashboard.New(opts)
	if err != nil {
		ln.Close()
		return err
	}
	if !opts.LoopbackOnly {
		fmt.Fprintf(c.App.ErrWriter, "evo: warning: %s is reachable from the network and the dashboard has no login; bind 127.0.0.1 and use an SSH tunnel instead\n", ln.Addr())
	}
	fmt.Fprintf(c.App.ErrWriter, "evo: dashboard of %s at http://%s/ (Ctrl-C stops it)\n", e.Root.Dir(), ln.Addr())
	return srv.Serve(ctx, ln)
}
