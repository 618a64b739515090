package main

import (
	"fmt"
	"io"
	"text/tabwriter"
	"time"

	"github.com/urfave/cli/v2"

	"evo/population"
)

func listCommand() *cli.Command {
	return &cli.Command{
		Name:  "list",
		Usage: "list the alive individuals, fittest first (--all: dead ones too)",
		Description: "Columns: id, validation accuracy, status, parameters, convolutions and depth (backbone\n" +
			"edges), learning rate, generation, and age (time since birth; for a dead individual, the\n" +
			"time it lived). --all adds the dead individuals from the history; their architecture is\n" +
			"replayed from their lineage (see `evo show`).",
		Flags:  flagsOf("list"),
		Action: runList,
	}
}

func runList(c *cli.Context) error {
	if err := noArgs(c); err != nil {
		return err
	}
	if c.Int("limit") < 0 {
		return fmt.Errorf("--limit %d: must be at least 0 (0 = all)", c.Int("limit"))
	}
	e, err := openExperiment(c)
	if err != nil {
		return err
	}
	defer e.Close()
	ins, unreadable, err := population.Individuals(e.store)
	if err != nil {
		return err
	}
	if c.Bool("all") {
		if ins, err = population.WithDead(e.store, ins); err != nil {
			return err
		}
	}
	if n := c.Int("limit"); n > 0 && n < len(ins) {
		ins = ins[:n]
	}
	r, err := population.NewReplayer(e.store, nil)
	if err != nil {
		return err
	}
	rows := population.ListRows(ins, r, time.Now())
	if unreadable > 0 {
		fmt.Fprintf(c.App.ErrWriter, "evo: %d alive entries are unreadable and not listed: run `evo check --dir %s`\n", unreadable, e.root.Dir())
	}
	if c.Bool("json") {
		return printJSON(c, rows)
	}
	return printList(c.App.Writer, rows)
}

// noArgs refuses arguments to a command that takes none; urfave/cli stops parsing flags at
// the first argument, so a stray word would silently turn the flags after it into arguments.
func noArgs(c *cli.Context) error {
	if c.NArg() > 0 {
		return fmt.Errorf("evo %s takes no arguments, got %q (flags after an argument are not parsed: put every flag first)", c.Command.Name, c.Args().First())
	}
	return nil
}

func printList(w io.Writer, rows []population.ListRow) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tFITNESS\tSTATUS\tPARAMS\tCONVS/DEPTH\tLR\tGEN\tAGE")
	for _, r := range rows {
		status := r.Status
		if !r.Alive {
			status += " (dead)"
		}
		arch := "?"
		if r.Convs != nil {
			arch = fmt.Sprintf("%d/%d", *r.Convs, *r.Depth)
		}
		age := "-"
		if r.AgeSeconds != nil {
			age = human(secs(*r.AgeSeconds))
		}
		fmt.Fprintf(tw, "%s\t%.4f\t%s\t%s\t%s\t%.3g\t%d\t%s\n", r.ID, r.Fitness, status, si(float64(r.Params)), arch, r.LearningRate, r.Generation, age)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if len(rows) == 0 {
		fmt.Fprintln(w, "(no individuals yet: start workers with `evo run` or `evo worker`)")
	}
	return nil
}
