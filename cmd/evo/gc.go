package main

import (
	"fmt"
	"time"

	"github.com/urfave/cli/v2"

	"evo/population"
	"evo/storage"
)

func gcCommand() *cli.Command {
	return &cli.Command{
		Name:  "gc",
		Usage: "reclaim killed individuals and the leftovers of dead workers (never touches the population)",
		Description: "Removes graveyard entries older than --grace and staging leftovers of dead workers.\n" +
			"Every removal is first recorded in a GC history log, so lineage and cost accounting survive.\n" +
			"Then it rewrites history.index (what status, lineage and plot read instead of the whole history)\n" +
			"when it is missing or more than 2 MiB of history were appended since. Safe to run on several\n" +
			"hosts at once. --loop keeps collecting every --every.",
		Flags: []cli.Flag{dirFlag, jsonFlag, logLevelFlag,
			&cli.DurationFlag{Name: "grace", Value: storage.DefaultGrace, EnvVars: []string{"EVO_GC_GRACE"},
				Usage: "minimum age of a killed individual before removal (covers NFS attribute caches and slow readers)"},
			&cli.DurationFlag{Name: "stale-staging", Value: storage.DefaultStaleStaging, EnvVars: []string{"EVO_GC_STALE_STAGING"},
				Usage: "age after which a staging leftover of a worker on another host is removed"},
			&cli.BoolFlag{Name: "dry-run", Aliases: []string{"n"}, EnvVars: []string{"EVO_GC_DRY_RUN"}, Usage: "print the plan, remove nothing"},
			&cli.BoolFlag{Name: "loop", EnvVars: []string{"EVO_GC_LOOP"}, Usage: "keep collecting until interrupted"},
			&cli.DurationFlag{Name: "every", Value: time.Minute, EnvVars: []string{"EVO_GC_EVERY"}, Usage: "interval of --loop"},
			&cli.BoolFlag{Name: "reindex", EnvVars: []string{"EVO_GC_REINDEX"}, Usage: "rewrite the history index even if it is recent"},
		},
		Action: runGC,
	}
}

func gcOptions(c *cli.Context) storage.GCOptions {
	o := storage.GCOptions{Grace: c.Duration("grace"), StaleStaging: c.Duration("stale-staging"), DryRun: c.Bool("dry-run")}
	if o.Grace == 0 {
		o.Grace = storage.NoGrace
	}
	if o.StaleStaging == 0 {
		o.StaleStaging = storage.NoGrace
	}
	return o
}

func runGC(c *cli.Context) error {
	e, err := openExperiment(c)
	if err != nil {
		return err
	}
	defer e.Close()
	opts := gcOptions(c)
	if err := opts.Validate(); err != nil {
		return err
	}
	for {
		plan, err := e.root.PlanGC(c.Context, opts)
		if err != nil {
			return err
		}
		res, err := e.root.ExecuteGC(c.Context, plan)
		if err != nil {
			return err
		}
		var ix population.IndexResult
		if !opts.DryRun {
			if ix, err = population.UpdateIndex(e.store, c.Bool("reindex"), time.Now()); err != nil {
				return err
			}
		}
		if c.Bool("json") {
			if err := printJSON(c, map[string]any{"plan": plan.Items, "result": res, "index": ix}); err != nil {
				return err
			}
		} else {
			for _, it := range plan.Items {
				fmt.Fprintf(c.App.Writer, "%s %s (%s)\n", verb(opts.DryRun), it.Path, it.Reason)
			}
			fmt.Fprintf(c.App.Writer, "gc: %d planned, %d removed, %d already gone, %d failed\n", len(plan.Items), res.Removed, res.Missing, res.Failed)
			if ix.Written {
				fmt.Fprintf(c.App.Writer, "gc: history index written (%d individuals)\n", ix.Individuals)
			}
		}
		if !c.Bool("loop") {
			return nil
		}
		select {
		case <-c.Context.Done():
			return nil
		case <-time.After(c.Duration("every")):
		}
	}
}

func verb(dry bool) string {
	if dry {
		return "would remove"
	}
	return "removed"
}
