package main

import (
	"fmt"
	"time"

	"github.com/urfave/cli/v2"

	"evo/cmd/evo/internal/experiment"
	"evo/cmd/evo/internal/runner"
	"evo/cmd/evo/internal/text"
	"evo/population"
	"evo/storage"
)

func gcCommand() *cli.Command {
	return &cli.Command{
		Name:  "gc",
		Usage: "reclaim killed individuals and the leftovers of dead workers (never touches the population)",
		Description: "Removes graveyard entries older than --grace (and, over --max-graveyard-bytes, the oldest\n" +
			"ones) and the staging leftovers and lock files of workers proven dead. A worker is dead once\n" +
			"this process has watched its heartbeat unchanged for --stale-staging, or when its lock is\n" +
			"free in a lock domain this process shares (same kernel and mount); so a single pass reclaims\n" +
			"less than --loop, which keeps watching. Every removal is first recorded in a GC history log,\n" +
			"so lineage and cost accounting survive. Safe to run on several hosts at once. --loop keeps\n" +
			"collecting every --every; a failed pass (a full disk, a lost mount) is logged and retried.\n" +
			"Then it rewrites history.index (what status, lineage and plot read instead of the whole history)\n" +
			"when it is missing or more than 2 MiB of history were appended since.",
		Flags:  flagsOf("gc"),
		Action: runGC,
	}
}

func gcOptions(c *cli.Context) storage.GCOptions {
	o := storage.GCOptions{Grace: c.Duration("grace"), StaleStaging: c.Duration("stale-staging"),
		MaxGraveyardBytes: c.Int64("max-graveyard-bytes"), DryRun: c.Bool("dry-run")}
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
	if !c.Bool("loop") {
		return gcPass(c, e, opts)
	}
	runner.Repeat(c.Context, c.Duration("every"), func() error { return gcPass(c, e, opts) }, func(err error) {
		// One failed pass (ENOSPC on the GC log, an unreachable mount) must not end the
		// collector: the next pass retries, and the graveyard only grows meanwhile.
		e.Log.Warn("gc pass failed; retrying", "every", c.Duration("every"), "err", err)
	})
	return nil
}

// gcPass plans and executes one collection and prints what it did.
func gcPass(c *cli.Context, e *experiment.Experiment, opts storage.GCOptions) error {
	col, err := population.Collect(c.Context, e.Root, opts, c.Bool("reindex"), time.Now())
	if err != nil {
		return err
	}
	plan, res, ix := col.Plan, col.Result, col.Index
	if c.Bool("json") {
		if err := printJSON(c, map[string]any{"plan": plan.Items, "result": res, "unproven": plan.Unproven, "index": ix}); err != nil {
			return err
		}
	} else {
		text.GCPass(c.App.Writer, opts, plan, res, c.Duration("stale-staging"))
		if ix.Written {
			fmt.Fprintf(c.App.Writer, "gc: history index written (%d individuals)\n", ix.Individuals)
		}
	}
	if res.Failed > 0 {
		return fmt.Errorf("gc: %d removals failed (see the warnings above); the next collection retries them", res.Failed)
	}
	return nil
}
