package main

import (
	"fmt"
	"io"
	"sort"
	"text/tabwriter"
	"time"

	"github.com/urfave/cli/v2"

	"evo/genome"
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
		Flags: []cli.Flag{dirFlag, jsonFlag, logLevelFlag,
			&cli.BoolFlag{Name: "all", Aliases: []string{"a"}, EnvVars: []string{"EVO_LIST_ALL"}, Usage: "include dead individuals from the history"},
			&cli.IntFlag{Name: "limit", Aliases: []string{"n"}, EnvVars: []string{"EVO_LIST_LIMIT"}, Usage: "print at most this many (0 = all)"},
		},
		Action: runList,
	}
}

// listRow is one line of `evo list` (and one element of its --json array).
type listRow struct {
	ID           string    `json:"id"`
	Fitness      float64   `json:"fitness"`
	Status       string    `json:"status"`
	Alive        bool      `json:"alive"`
	Params       int64     `json:"params"`
	Convs        *int      `json:"convs"`
	Depth        *int      `json:"depth"`
	LearningRate float64   `json:"learning_rate"`
	Generation   int       `json:"generation"`
	Parent       string    `json:"parent,omitempty"`
	Born         time.Time `json:"born"`
	Died         time.Time `json:"died,omitzero"`
	// AgeSeconds is the time since birth, or for a dead individual the time it lived; null
	// when its death was not recorded.
	AgeSeconds *float64 `json:"age_seconds"`
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
		if ins, err = e.withDead(ins); err != nil {
			return err
		}
	}
	if n := c.Int("limit"); n > 0 && n < len(ins) {
		ins = ins[:n]
	}
	r, err := e.newReplayer(false)
	if err != nil {
		return err
	}
	now := time.Now()
	rows := make([]listRow, 0, len(ins))
	for _, in := range ins {
		rows = append(rows, newListRow(in, r, now))
	}
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

// withDead adds every dead individual of the history to the alive ones, and sorts the whole
// list fittest first (ties: older first).
func (e *experiment) withDead(alive []population.Individual) ([]population.Individual, error) {
	ids, err := e.root.List()
	if err != nil {
		return nil, err
	}
	present := make(map[string]bool, len(ids))
	for _, id := range ids {
		present[id] = true
	}
	births := map[string]*population.Meta{}
	kills := map[string]population.Event{}
	if _, err := population.ReadEvents(e.store, func(ev population.Event) error {
		switch {
		case ev.Event == population.EventBirth && ev.Meta != nil && births[ev.Meta.ID] == nil:
			births[ev.Meta.ID] = ev.Meta
		case ev.Event == population.EventKill:
			if _, dup := kills[ev.ID]; !dup {
				kills[ev.ID] = ev
			}
		}
		return nil
	}); err != nil {
		return nil, err
	}
	all := append([]population.Individual(nil), alive...)
	for id, m := range births {
		if present[id] {
			continue
		}
		in := population.Individual{Meta: *m}
		if k, ok := kills[id]; ok {
			in.Died, in.Killer = k.Time, k.Worker
		}
		all = append(all, in)
	}
	sort.SliceStable(all, func(i, j int) bool {
		a, b := all[i].Meta, all[j].Meta
		if a.Fitness != b.Fitness {
			return a.Fitness > b.Fitness
		}
		return a.Born.Before(b.Born)
	})
	return all, nil
}

func newListRow(in population.Individual, r *replayer, now time.Time) listRow {
	m := in.Meta
	row := listRow{ID: m.ID, Fitness: m.Fitness, Status: m.Status, Alive: in.Alive, Params: m.Params,
		LearningRate: m.LearningRate, Generation: m.Generation, Parent: m.Parent, Born: m.Born, Died: in.Died}
	switch {
	case in.Alive:
		age := now.Sub(m.Born).Seconds()
		row.AgeSeconds = &age
	case !in.Died.IsZero():
		age := in.Died.Sub(m.Born).Seconds()
		row.AgeSeconds = &age
	}
	if r.meta(m.ID) == nil {
		r.metas[m.ID] = &in.Meta
	}
	if g, _, err := r.genome(m.ID); err == nil {
		convs, depth := countConvs(g), len(g.Vertices)-1
		row.Convs, row.Depth = &convs, &depth
	}
	return row
}

func countConvs(g *genome.Genome) int {
	n := 0
	for _, e := range g.Edges {
		if e.Kind == genome.Conv {
			n++
		}
	}
	return n
}

func printList(w io.Writer, rows []listRow) error {
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
