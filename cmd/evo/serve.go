package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"sort"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"evo/cmd/evo/internal/dashboard"
	"evo/cmd/evo/internal/settings"
	"evo/genome"
	"evo/population"
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
		Main:        e.dashboardExperiment(""),
		Individuals: servedIndividuals{e},
		Every:       time.Second,
		Logger:      e.log,
	}
	for _, arg := range c.StringSlice("compare") {
		dir, label, _ := strings.Cut(arg, "=")
		x, err := openCompared(c, dir)
		if err != nil {
			return err
		}
		defer x.Close()
		opts.Compare = append(opts.Compare, x.dashboardExperiment(label))
	}
	ctx, cancel := context.WithCancel(c.Context)
	defer cancel()
	opts.Wake = e.root.Watch(ctx, c.Duration("every"))
	ln, err := net.Listen("tcp", c.String("addr"))
	if err != nil {
		return fmt.Errorf("--addr %s: cannot listen there (another dashboard on that port? choose one with --addr 127.0.0.1:PORT): %w", c.String("addr"), err)
	}
	opts.LoopbackOnly = loopback(ln.Addr())
	srv, err := dashboard.New(opts)
	if err != nil {
		ln.Close()
		return err
	}
	if !opts.LoopbackOnly {
		fmt.Fprintf(c.App.ErrWriter, "evo: warning: %s is reachable from the network and the dashboard has no login; bind 127.0.0.1 and use an SSH tunnel instead\n", ln.Addr())
	}
	fmt.Fprintf(c.App.ErrWriter, "evo: dashboard of %s at http://%s/ (Ctrl-C stops it)\n", e.root.Dir(), ln.Addr())
	go srv.Run(ctx)
	hs := &http.Server{Handler: srv, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		<-ctx.Done()
		sctx, scancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer scancel()
		hs.Shutdown(sctx)
	}()
	if err := hs.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// loopback is true when addr is on a loopback interface only.
func loopback(addr net.Addr) bool {
	ta, ok := addr.(*net.TCPAddr)
	return ok && ta.IP.IsLoopback()
}

// dashboardExperiment is e as the dashboard reads it.
func (e *experiment) dashboardExperiment(label string) dashboard.Experiment {
	return dashboard.Experiment{
		Label: label, Dir: e.root.Dir(), Store: e.store, Config: e.root.Config(),
		Budgets: e.populationConfigFromFile(), Graveyard: e.root.GraveyardUsage,
	}
}

// openCompared opens another experiment directory for the compare page.
func openCompared(c *cli.Context, dir string) (*experiment, error) {
	root, err := storage.Open(dir, storage.Options{Logger: newLogger(c)})
	if err != nil {
		if errors.Is(err, storage.ErrNotExperiment) {
			return nil, fmt.Errorf("--compare %s is not an experiment directory (no experiment.json): give directories made by `evo run` or `evo init`", dir)
		}
		return nil, err
	}
	cfg, err := settings.Decode(root.Config())
	if err != nil {
		root.Close()
		return nil, fmt.Errorf("%s/%w", dir, err)
	}
	return &experiment{root: root, store: population.FromStorage(root), cfg: cfg, log: newLogger(c)}, nil
}

// servedIndividuals gives the dashboard the genomes and files of e's individuals, alive or dead,
// through the same readers as `evo show` and `evo lineage`.
type servedIndividuals struct{ e *experiment }

func (s servedIndividuals) Genome(id string) (*genome.Genome, error) {
	in, err := s.e.individual(id)
	if err != nil {
		return nil, err
	}
	g, _, err := s.e.genomeOf(in)
	return g, err
}

// Files lists the files the record of id names: the alive individual's, or its grave's.
func (s servedIndividuals) Files(id string) ([]dashboard.File, error) {
	rec, err := s.e.root.Record(id)
	if err != nil {
		if rec, err = s.e.root.DeadRecord(id); err != nil {
			return nil, err
		}
	}
	var out []dashboard.File
	for name, fi := range rec.Files {
		out = append(out, dashboard.File{Name: name, Size: fi.Size})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

// Open reads file name of id through storage (alive: streamed and verified) or from its grave
// (verified against the grave's record); a symbolic link in the grave is refused.
func (s servedIndividuals) Open(id, name string) (io.ReadCloser, error) {
	if rc, err := s.e.root.OpenFile(id, name); err == nil {
		return rc, nil
	}
	b, err := s.e.root.ReadDeadFile(id, name, maxWeightsBytes)
	if err != nil {
		return nil, err
	}
	return io.NopCloser(bytes.NewReader(b)), nil
}
