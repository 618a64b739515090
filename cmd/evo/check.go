package main

import (
	"fmt"

	"github.com/urfave/cli/v2"

	"evo/cmd/evo/internal/text"
)

func checkCommand() *cli.Command {
	return &cli.Command{
		Name:  "check",
		Usage: "list every problem in an experiment directory; --repair moves bad entries to quarantine/",
		Description: "Finds torn or unrecorded individuals, checksum mismatches, ids both alive and dead,\n" +
			"staging leaks and foreign files. It reads every file of every alive individual. --repair\n" +
			"never deletes: it moves bad entries into quarantine/ for you to inspect.\n" +
			"Exit status: 0 when clean (or repaired), 1 when problems remain.",
		Flags:  flagsOf("check"),
		Action: runCheck,
	}
}

func runCheck(c *cli.Context) error {
	e, err := openExperiment(c)
	if err != nil {
		return err
	}
	defer e.Close()
	problems, err := e.Root.Check(c.Context)
	if err != nil {
		return err
	}
	repaired := false
	if c.Bool("repair") && len(problems) > 0 {
		if err := e.Root.Repair(c.Context, problems); err != nil {
			return fmt.Errorf("repair: %w", err)
		}
		repaired = true
	}
	if c.Bool("json") {
		if err := printJSON(c, map[string]any{"problems": problems, "repaired": repaired}); err != nil {
			return err
		}
	} else {
		text.Check(c.App.Writer, e.Root.Dir(), problems, repaired)
	}
	if len(problems) > 0 && !repaired {
		return fmt.Errorf("%d problems in %s: `evo check --repair` moves the bad entries to quarantine/", len(problems), e.Root.Dir())
	}
	return nil
}
