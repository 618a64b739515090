package main

import (
	"fmt"
	"time"

	"github.com/urfave/cli/v2"

	"evo/population"
)

func controlCommand() *cli.Command {
	return &cli.Command{
		Name:  "control",
		Usage: "change a live run: mutations per child, reset the population's weights, stop",
		Description: "Every worker picks a change up within seconds, without a restart (the paper's\n" +
			"Figure 4 interventions). Without flags, prints the control in force.\n" +
			"  evo control --mutations 5      raise the mutations per child (0 = back to experiment.json)\n" +
			"  evo control --reset-weights    a population reset: every individual alive now is retrained from\n" +
			"                                 fresh weights (same architecture) before tournaments resume\n" +
			"  evo control --stop             workers abandon their child and exit; --resume undoes it",
		Flags: []cli.Flag{dirFlag, jsonFlag, logLevelFlag,
			&cli.IntFlag{Name: "mutations", EnvVars: []string{"EVO_CONTROL_MUTATIONS"}, Usage: "mutations per child (0 = the experiment's setting)"},
			&cli.BoolFlag{Name: "reset-weights", Usage: "reset the weights of the population: start a new reset epoch; every individual alive now is retrained from fresh weights"},
			&cli.BoolFlag{Name: "stop", Usage: "ask every worker to stop"},
			&cli.BoolFlag{Name: "resume", Usage: "clear a stop request so that workers may run again"},
		},
		Action: runControl,
	}
}

func runControl(c *cli.Context) error {
	e, err := openExperiment(c)
	if err != nil {
		return err
	}
	defer e.Close()
	if c.Bool("stop") && c.Bool("resume") {
		return fmt.Errorf("--stop and --resume contradict each other: give one")
	}
	if c.IsSet("mutations") && c.Int("mutations") < 0 {
		return fmt.Errorf("--mutations %d: must be at least 0", c.Int("mutations"))
	}
	var ctl population.Control
	if c.IsSet("mutations") || c.Bool("reset-weights") || c.Bool("stop") || c.Bool("resume") {
		now := time.Now()
		ctl, err = population.SetControl(e.store, now, func(ctl *population.Control) {
			if c.IsSet("mutations") {
				ctl.MutationsPerChild = c.Int("mutations")
			}
			if c.Bool("reset-weights") {
				ctl.ResetEpoch++
				ctl.ResetAt = now.UTC()
			}
			if c.Bool("stop") {
				ctl.Stop = true
			}
			if c.Bool("resume") {
				ctl.Stop = false
			}
		})
	} else {
		ctl, err = population.ReadControl(e.store)
	}
	if err != nil {
		return err
	}
	if c.Bool("json") {
		return printJSON(c, ctl)
	}
	m := "experiment's setting"
	if ctl.MutationsPerChild > 0 {
		m = fmt.Sprint(ctl.MutationsPerChild)
	}
	fmt.Fprintf(c.App.Writer, "mutations per child: %s (experiment.json: %d)\nweight reset at:     %s (reset epoch %d)\nstop requested:      %v\n",
		m, e.cfg.MutationsPerChild, fmtTime(ctl.ResetAt), ctl.ResetEpoch, ctl.Stop)
	return nil
}
