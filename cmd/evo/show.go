package main

import (
	"errors"
	"fmt"
	"strings"

	"github.com/urfave/cli/v2"

	"evo/cmd/evo/internal/text"
	"evo/genome"
	"evo/population"
	"evo/storage"
)

func showCommand() *cli.Command {
	return &cli.Command{
		Name:      "show",
		Usage:     "show one individual: its record, its architecture, where its files are",
		ArgsUsage: "ID|best",
		Description: "ID is an individual's id (from `evo list`, alive or dead) or `best`, the fittest alive one.\n" +
			"A dead individual is shown from the history; its genome is read from its grave while the\n" +
			"garbage collector keeps it, and replayed from its lineage after that (checked against the\n" +
			"architecture hash of its record).",
		Flags:  flagsOf("show"),
		Action: runShow,
	}
}

func runShow(c *cli.Context) error {
	e, err := openExperiment(c)
	if err != nil {
		return err
	}
	defer e.Close()
	in, err := e.individualArg(c, "")
	if err != nil {
		return err
	}
	g, source, err := e.genomeOf(in)
	if err != nil {
		return err
	}
	if c.Bool("genome") {
		b, err := genome.Encode(g)
		if err != nil {
			return err
		}
		_, err = c.App.Writer.Write(b)
		return err
	}
	arch, err := population.ArchitectureOf(g)
	if err != nil {
		return err
	}
	r := population.ShowReport{Individual: in, GenomeSource: source, Architecture: arch}
	r.Dir, r.Files = e.filesOf(in)
	if c.Bool("json") {
		return printJSON(c, r)
	}
	return text.Show(c.App.Writer, r)
}

// individualArg resolves the command's one ID|best argument (def when none is given).
func (e *experiment) individualArg(c *cli.Context, def string) (population.Individual, error) {
	args := c.Args().Slice()
	for _, a := range args {
		if strings.HasPrefix(a, "-") {
			return population.Individual{}, fmt.Errorf("flag %s after the id: flags go before it, as in `evo %s --dir DIR [flags] ID`", a, c.Command.Name)
		}
	}
	if len(args) > 1 {
		return population.Individual{}, fmt.Errorf("evo %s takes one individual (an id or best), got %d: %s", c.Command.Name, len(args), strings.Join(args, " "))
	}
	arg := def
	if len(args) == 1 {
		arg = args[0]
	}
	return e.individual(arg)
}

// individual resolves an ID|best argument to an individual, alive or dead.
func (e *experiment) individual(arg string) (population.Individual, error) {
	id, err := e.resolveID(arg)
	if err != nil {
		return population.Individual{}, err
	}
	if !storage.ValidName(id) {
		return population.Individual{}, fmt.Errorf("%q is not an individual id: ids look like 20260105T101530.123456789Z-0123456789ab (see `evo list --dir %s --all`)", id, e.root.Dir())
	}
	in, err := population.Show(e.store, id)
	if errors.Is(err, population.ErrUnknown) {
		return population.Individual{}, fmt.Errorf("individual %s is neither alive nor in the history of %s: `evo list --dir %s --all` shows every id", id, e.root.Dir(), e.root.Dir())
	}
	if err != nil {
		return population.Individual{}, err
	}
	return in, nil
}

// filesOf returns the directory of in (alive, or its grave while it exists) and its files,
// as absolute paths a person can ls. Both are empty when the grave was collected.
func (e *experiment) filesOf(in population.Individual) (string, []string) {
	return e.root.Files(in.Meta.ID, in.Alive)
}
