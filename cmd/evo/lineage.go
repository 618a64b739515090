package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"

	"github.com/urfave/cli/v2"

	"evo/genome"
	"evo/population"
	"evo/train/checkpoint"
)

func lineageCommand() *cli.Command {
	return &cli.Command{
		Name:      "lineage",
		Usage:     "the ancestors of an individual back to an initial one, with the mutations on each edge",
		ArgsUsage: "ID|best",
		Description: "Reads the history, so dead ancestors are included even after garbage collection. The\n" +
			"chain is printed oldest first: each line is a child of the line above, with the mutations\n" +
			"that made it. --dot prints the chain as a Graphviz digraph (render with `dot -Tsvg`).",
		Flags: []cli.Flag{dirFlag, jsonFlag, logLevelFlag,
			&cli.BoolFlag{Name: "dot", EnvVars: []string{"EVO_LINEAGE_DOT"}, Usage: "print a Graphviz DOT digraph of the chain"},
		},
		Action: runLineage,
	}
}

func runLineage(c *cli.Context) error {
	if c.Bool("dot") && c.Bool("json") {
		return fmt.Errorf("--dot and --json contradict each other: give one")
	}
	e, err := openExperiment(c)
	if err != nil {
		return err
	}
	defer e.Close()
	in, err := e.individualArg(c, "")
	if err != nil {
		return err
	}
	l, err := population.LineageOf(e.store, in.Meta.ID)
	if err != nil {
		return err
	}
	switch {
	case c.Bool("json"):
		return printJSON(c, l)
	case c.Bool("dot"):
		_, err := io.WriteString(c.App.Writer, lineageDOT(l))
		return err
	}
	return printLineage(c.App.Writer, l)
}

// printLineage writes the chain oldest first, one individual a line.
func printLineage(w io.Writer, l population.Lineage) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "GEN\tID\tFITNESS\tSTATE\tMUTATIONS FROM THE LINE ABOVE")
	for i := len(l.Chain) - 1; i >= 0; i-- {
		in := l.Chain[i]
		m := in.Meta
		muts := mutationsText(m)
		if m.Parent == "" {
			muts = "(initial individual)"
		} else if i == len(l.Chain)-1 {
			muts = fmt.Sprintf("(parent %s is missing from the history) %s", m.Parent, muts)
		}
		fmt.Fprintf(tw, "%d\t%s\t%.4f\t%s\t%s\n", m.Generation, m.ID, m.Fitness, stateText(in), muts)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if !l.Complete {
		fmt.Fprintln(w, "warning: the chain does not reach an initial individual: a history log is missing or damaged (`evo check`)")
	}
	return nil
}

// mutationsText joins an individual's mutation records; a child of the weight-reset control
// is marked (its records start with the reset).
func mutationsText(m population.Meta) string {
	var parts []string
	for _, r := range m.Mutations {
		parts = append(parts, mutationText(r))
	}
	s := strings.Join(parts, "; ")
	if m.Reset {
		s += " (retrained after a population reset)"
	}
	return s
}

func stateText(in population.Individual) string {
	switch {
	case in.Alive:
		return "alive"
	case in.Meta.Status != population.StatusOK:
		return "dead (" + in.Meta.Status + ")"
	}
	return "dead"
}

// lineageDOT is the chain as a Graphviz digraph, oldest at the top, mutations on the edges.
func lineageDOT(l population.Lineage) string {
	var b strings.Builder
	b.WriteString("digraph lineage {\n  rankdir=TB;\n  node [shape=box, fontname=\"sans-serif\"];\n  edge [fontname=\"sans-serif\", fontsize=10];\n")
	for i := len(l.Chain) - 1; i >= 0; i-- {
		in := l.Chain[i]
		m := in.Meta
		style := ""
		if in.Alive {
			style = `, style=filled, fillcolor="#dbe8ff"`
		}
		fmt.Fprintf(&b, "  %q [label=%q%s];\n", m.ID,
			fmt.Sprintf("%s\ngeneration %d, fitness %.4f\n%s", m.ID, m.Generation, m.Fitness, stateText(in)), style)
	}
	for i := len(l.Chain) - 2; i >= 0; i-- {
		m := l.Chain[i].Meta
		fmt.Fprintf(&b, "  %q -> %q [label=%q];\n", l.Chain[i+1].Meta.ID, m.ID, mutationsText(m))
	}
	b.WriteString("}\n")
	return b.String()
}

// A dead individual's files live in its grave until the garbage collector removes it; after
// that its genome is rebuilt from the history: every child's genome is
// population.Reproduce(parent genome, seed, mutations, reset), recorded in its birth event,
// and an initial individual's is genome.Initial. Each replayed genome is checked against the
// architecture hash and learning rate of its record, so a replay never passes off a wrong
// architecture.

// genomeOf returns in's genome and where it came from: "population", "graveyard" or "replay".
func (e *experiment) genomeOf(in population.Individual) (*genome.Genome, string, error) {
	if in.Alive {
		g, err := e.loadGenome(in.Meta.ID)
		return g, "population", err
	}
	r, err := e.newReplayer(true)
	if err != nil {
		return nil, "", err
	}
	return r.genome(in.Meta.ID)
}

// weightsOf returns in's checkpoint: alive, or dead while its grave exists.
func (e *experiment) weightsOf(in population.Individual) (*checkpoint.Checkpoint, error) {
	id := in.Meta.ID
	if in.Alive {
		return e.loadWeights(id)
	}
	b, path, err := e.readGraveFile(id, population.WeightsFile, maxWeightsBytes)
	if err != nil {
		return nil, fmt.Errorf("the weights of %s are gone: it was killed and its grave garbage-collected (only alive individuals, and dead ones for a grace period, keep weights): %w", id, err)
	}
	ck, err := checkpoint.Read(bytes.NewReader(b), checkpoint.Limits{})
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return ck, nil
}

// readGraveFile reads file name of the killed individual id from its grave and verifies it
// against the grave's record (size and SHA-256), as storage does for alive individuals.
func (e *experiment) readGraveFile(id, name string, max int64) ([]byte, string, error) {
	rec, err := e.root.DeadRecord(id)
	if err != nil {
		return nil, "", err
	}
	dir := e.graveOf(id)
	want, ok := rec.Files[name]
	if dir == "" || !ok {
		return nil, "", fmt.Errorf("%s: no %s in the grave of %s", e.root.Dir(), name, id)
	}
	path := filepath.Join(dir, name)
	if want.Size > max {
		return nil, path, fmt.Errorf("%s: %d bytes, above the limit of %d", path, want.Size, max)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, path, err
	}
	sum := sha256.Sum256(b)
	if int64(len(b)) != want.Size || hex.EncodeToString(sum[:]) != want.SHA256 {
		return nil, path, fmt.Errorf("%s: size or checksum differs from record.json: the file is damaged", path)
	}
	return b, path, nil
}

// replayer rebuilds genomes from the history, memoising each one.
type replayer struct {
	e      *experiment
	births *population.Births
	metas  map[string]*population.Meta // births' metadata read so far
	alive  map[string]bool
	memo   map[string]*genome.Genome
	// graves: read a dead individual's genome from its grave before replaying it.
	graves bool
	frame  *genome.Genome // any genome of the experiment: its input shape and classes
}

func (e *experiment) newReplayer(graves bool) (*replayer, error) {
	births, err := population.ReadBirths(e.store)
	if err != nil {
		return nil, err
	}
	r := &replayer{e: e, births: births, metas: map[string]*population.Meta{}, alive: map[string]bool{},
		memo: map[string]*genome.Genome{}, graves: graves}
	ids, err := e.root.List()
	if err != nil {
		return nil, err
	}
	for _, id := range ids {
		r.alive[id] = true
	}
	return r, nil
}

// meta returns the metadata id was born with (nil if the history has no birth of id).
func (r *replayer) meta(id string) *population.Meta {
	if m, ok := r.metas[id]; ok {
		return m
	}
	m := r.births.Meta(id)
	if m != nil {
		r.metas[id] = m
	}
	return m
}

// stored returns id's genome from its directory, alive or (with r.graves) dead.
func (r *replayer) stored(id string) (*genome.Genome, string, bool) {
	if r.alive[id] {
		if g, err := r.e.loadGenome(id); err == nil {
			return g, "population", true
		}
	}
	if r.graves && !r.alive[id] {
		if b, _, err := r.e.readGraveFile(id, population.GenomeFile, maxGenomeBytes); err == nil {
			if g, err := genome.Decode(b); err == nil {
				return g, "graveyard", true
			}
		}
	}
	return nil, "", false
}

// genome returns id's genome: stored if its files exist, else replayed from the nearest
// ancestor whose genome is known (or from the initial genome).
func (r *replayer) genome(id string) (*genome.Genome, string, error) {
	var path []string // individuals to replay, the youngest first
	source := "replay"
	var base *genome.Genome
	for cur := id; base == nil; {
		if g, ok := r.memo[cur]; ok {
			base = g
			break
		}
		if g, src, ok := r.stored(cur); ok {
			if cur == id {
				source = src
			}
			r.memo[cur], base = g, g
			break
		}
		m := r.meta(cur)
		if m == nil {
			return nil, "", fmt.Errorf("cannot rebuild the genome of %s: ancestor %s has neither files nor a birth in the history (`evo check --dir %s`)", id, cur, r.e.root.Dir())
		}
		if m.Parent == "" {
			g, err := r.initial(m)
			if err != nil {
				return nil, "", fmt.Errorf("cannot rebuild the genome of %s: %w", id, err)
			}
			r.memo[cur], base = g, g
			break
		}
		path = append(path, cur)
		if len(path) > r.births.Len() {
			return nil, "", fmt.Errorf("cannot rebuild the genome of %s: the history has a parent cycle at %s", id, cur)
		}
		cur = m.Parent
	}
	for i := len(path) - 1; i >= 0; i-- {
		m := r.meta(path[i])
		child, _, err := population.Reproduce(base, m.Seed, m.MutationCount(), m.Reset)
		if err != nil {
			return nil, "", fmt.Errorf("replay %s: %w", m.ID, err)
		}
		if base, err = r.check(child, m); err != nil {
			return nil, "", err
		}
		r.memo[m.ID] = base
	}
	return base, source, nil
}

// initial is the genome of the initial individual m, rebuilt from the experiment's frame.
func (r *replayer) initial(m *population.Meta) (*genome.Genome, error) {
	if r.frame == nil {
		for id := range r.alive {
			if g, err := r.e.loadGenome(id); err == nil {
				r.frame = g
				break
			}
		}
	}
	for _, g := range r.memo { // every genome of an experiment has the same input and classes
		if r.frame != nil {
			break
		}
		r.frame = g
	}
	if r.frame == nil {
		return nil, fmt.Errorf("no genome is left in %s to learn the input shape from", r.e.root.Dir())
	}
	return r.check(genome.Initial(r.frame.Input, r.frame.Classes), m)
}

// check round-trips g through its file format, as a worker reads a parent from genome.json,
// and compares it with m's record.
func (r *replayer) check(g *genome.Genome, m *population.Meta) (*genome.Genome, error) {
	b, err := genome.Encode(g)
	if err != nil {
		return nil, fmt.Errorf("replay %s: %w", m.ID, err)
	}
	if g, err = genome.Decode(b); err != nil {
		return nil, fmt.Errorf("replay %s: %w", m.ID, err)
	}
	if h := genome.ArchHash(g); h != m.ArchHash || g.LearningRate != m.LearningRate {
		return nil, fmt.Errorf("replaying %s gives architecture %.12s with learning rate %g, but its record says %.12s and %g: the history was written by another version of evo",
			m.ID, h, g.LearningRate, m.ArchHash, m.LearningRate)
	}
	return g, nil
}
