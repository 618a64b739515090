package main

import (
	"fmt"
	"time"

	"github.com/urfave/cli/v2"

	"evo/cmd/evo/internal/text"
	"evo/population"
)

func controlCommand() *cli.Command {
	return &cli.Command{
		Name:  "control",
		Usage: "change a live run: mutations per child, reset the population's weights, stop, budgets",
		Description: "Every worker picks a change up within seconds, without a restart (the paper's\n" +
			"Figure 4 interventions); on the worker's own host a change arrives at once. Without flags,\n" +
			"prints the control in force. Changes are kept in control.json and apply to later runs too.\n" +
			"  evo control --mutations 5           raise the mutations per child (0 = back to experiment.json)\n" +
			"  evo control --reset-weights         a population reset: every individual alive now is retrained\n" +
			"                                      from fresh weights (same architecture) before tournaments resume\n" +
			"  evo control --stop                  workers abandon their child and exit; --resume undoes it\n" +
			"  evo control --max-individuals 1200  raise (or lower) the experiment's individuals budget\n" +
			"  evo control --max-flops 2e15        the same for the FLOPs budget\n" +
			"  evo control --max-wall 2h           the wall time of each run of `evo run`/`evo worker`\n" +
			"A budget of 0 means no limit; a budget flag left out keeps what is in force; --budgets-from-experiment\n" +
			"goes back to experiment.json's budgets.",
		Flags:  flagsOf("control"),
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
	budget := c.IsSet("max-individuals") || c.IsSet("max-flops") || c.IsSet("max-wall")
	if budget && c.Bool("budgets-from-experiment") {
		return fmt.Errorf("--budgets-from-experiment drops the budgets that --max-individuals, --max-flops and --max-wall set: give one or the others")
	}
	if (c.IsSet("max-individuals") && c.Int("max-individuals") < 0) || (c.IsSet("max-flops") && c.Float64("max-flops") < 0) ||
		(c.IsSet("max-wall") && c.Duration("max-wall") < 0) {
		return fmt.Errorf("budgets must not be negative (--max-individuals %d, --max-flops %g, --max-wall %s): 0 means no limit",
			c.Int("max-individuals"), c.Float64("max-flops"), c.Duration("max-wall"))
	}
	ch := population.ControlChange{ResetWeights: c.Bool("reset-weights"), Stop: c.Bool("stop"), Resume: c.Bool("resume"),
		BudgetsFromExperiment: c.Bool("budgets-from-experiment")}
	if c.IsSet("mutations") {
		n := c.Int("mutations")
		ch.MutationsPerChild = &n
	}
	if c.IsSet("max-individuals") {
		n := c.Int("max-individuals")
		ch.MaxIndividuals = &n
	}
	if c.IsSet("max-flops") {
		f := c.Float64("max-flops")
		ch.MaxFLOPs = &f
	}
	if c.IsSet("max-wall") {
		d := population.Duration(c.Duration("max-wall"))
		ch.MaxWall = &d
	}
	var ctl population.Control
	if ch.Empty() {
		ctl, err = population.ReadControl(e.Store)
	} else {
		now := time.Now()
		ctl, err = population.SetControl(e.Store, now, func(ctl *population.Control) { ch.Apply(ctl, now) })
	}
	if err != nil {
		return err
	}
	if c.Bool("json") {
		return printJSON(c, ctl)
	}
	text.Control(c.App.Writer, ctl, e.Cfg.MutationsPerChild, e.Budgets())
	return nil
}
