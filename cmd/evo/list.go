package main

import (
	"fmt"
	"time"

	"github.com/urfave/cli/v2"

	"evo/cmd/evo/internal/text"
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
	ins, unreadable, err := population.Individuals(e.Store)
	if err != nil {
		return err
	}
	if c.Bool("all") {
		if ins, err = population.WithDead(e.Store, ins); err != nil {
			return err
		}
	}
	if n := c.Int("limit"); n > 0 && n < len(ins) {
		ins = ins[:n]
	}
	r, err := population.NewReplayer(e.Store, nil)
	if err != nil {
		return err
	}
	rows := population.ListRows(ins, r, time.Now())
	if unreadable > 0 {
		fmt.Fprintf(c.App.ErrWriter, "evo: %d alive entries are unreadable and not listed: run `evo check --dir %s`\n", unreadable, e.Root.Dir())
	}
	if c.Bool("json") {
		return printJSON(c, rows)
	}
	return text.List(c.App.Writer, rows)
}

// noArgs refuses arguments to a command that takes none; urfave/cli stops parsing flags at
// the first argument, so a stray word would silently turn the flags after it into arguments.
func noArgs(c *cli.Context) error {
	if c.NArg() > 0 {
		return fmt.Errorf("evo %s takes no arguments, got %q (flags after an argument are not parsed: put every flag first)", c.Command.Name, c.Args().First())
	}
	return nil
}
