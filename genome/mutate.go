package genome

import (
	"fmt"
	"math/rand/v2"
)

// Record says what one mutation did, for the child's record and the lineage history.
type Record struct {
	// Name is the stable mutation name (see Mutations), e.g. "alter-stride".
	Name string `json:"name"`
	// Detail is a short human-readable account, e.g. "alter-stride e12 1→2", or why the
	// mutation did not apply.
	Detail string `json:"detail"`
	// Applied is false when the mutation did not apply to the genome (e.g. remove-skip on a
	// genome without skips); the returned genome is then an unchanged copy.
	Applied bool `json:"applied"`
}

// MutationFunc is one mutation (see Mutations in the package doc). It never modifies g: it
// returns a changed copy (or an unchanged copy and Applied == false when it does not apply). It
// fails only when g is not valid. All randomness comes from rng.
type MutationFunc func(g *Genome, rng *rand.Rand) (*Genome, Record, error)

// Mutation is a named mutation.
type Mutation struct {
	// Name is stable: it appears in records and histories.
	Name string
	// Apply performs the mutation.
	Apply MutationFunc
}

// Mutations lists the eleven mutations of the paper in the paper's order (the package doc says
// what each does, and what is ours). Mutate draws from it uniformly.
var Mutations = []Mutation{
	{"alter-learning-rate", AlterLearningRate},
	{"identity", KeepTraining},
	{"reset-weights", ResetWeights},
	{"insert-convolution", InsertConvolution},
	{"remove-convolution", RemoveConvolution},
	{"alter-stride", AlterStride},
	{"alter-channels", AlterChannels},
	{"alter-filter-size", AlterFilterSize},
	{"insert-one-to-one", InsertOneToOne},
	{"add-skip", AddSkip},
	{"remove-skip", RemoveSkip},
}

// maxRedraws bounds the redraws of Mutate. IDENTITY always applies and is drawn with
// probability 1/11, so reaching the bound by chance has probability (10/11)^10000 ≈ 0.
const maxRedraws = 10000

// Mutate applies n mutations to a copy of g, each drawn uniformly from Mutations; a mutation
// that does not apply is redrawn (IDENTITY always applies). It returns the child and one Record
// per applied mutation. n = 0 returns an unchanged copy. g is never modified.
func Mutate(g *Genome, rng *rand.Rand, n int) (*Genome, []Record, error) {
	if n < 0 {
		return nil, nil, fmt.Errorf("genome: mutate: count %d must be at least 0", n)
	}
	if rng == nil {
		return nil, nil, fmt.Errorf("genome: mutate: nil random source")
	}
	if err := g.Validate(); err != nil {
		return nil, nil, fmt.Errorf("genome: mutate parent: %w", err)
	}
	child := g.Clone()
	records := make([]Record, 0, n)
	for len(records) < n {
		applied := false
		for try := 0; try < maxRedraws && !applied; try++ {
			m := Mutations[rng.IntN(len(Mutations))]
			next, rec, err := m.Apply(child, rng)
			if err != nil {
				return nil, nil, fmt.Errorf("genome: mutate: %s: %w", m.Name, err)
			}
			if rec.Applied {
				child, applied = next, true
				records = append(records, rec)
			}
		}
		if !applied {
			return nil, nil, fmt.Errorf("genome: mutate: no applicable mutation in %d draws", maxRedraws)
		}
	}
	// Every mutation keeps the genome valid; this check turns a bug into an error, not a
	// corrupt individual.
	if err := child.Validate(); err != nil {
		return nil, nil, fmt.Errorf("genome: mutate produced an invalid child (a bug; records %v): %w", records, err)
	}
	return child, records, nil
}

// start validates g for a mutation and returns its working copy.
func start(name string, g *Genome, rng *rand.Rand) (*Genome, error) {
	if rng == nil {
		return nil, fmt.Errorf("genome: %s: nil random source", name)
	}
	if err := g.Validate(); err != nil {
		return nil, fmt.Errorf("genome: %s: %w", name, err)
	}
	return g.Clone(), nil
}

// notApplied is the result of a mutation that does not apply to g.
func notApplied(name string, g *Genome, why string) (*Genome, Record, error) {
	return g, Record{Name: name, Detail: name + ": " + why}, nil
}

// applied is the result of a mutation that changed g.
func applied(name string, g *Genome, format string, args ...any) (*Genome, Record, error) {
	return g, Record{Name: name, Detail: name + " " + fmt.Sprintf(format, args...), Applied: true}, nil
}

// edgeIndex returns the position of edge id in g.Edges, or -1.
func (g *Genome) edgeIndex(id string) int {
	for i, e := range g.Edges {
		if e.ID == id {
			return i
		}
	}
	return -1
}

// vertexIndex returns the position of vertex id in g.Vertices, or -1.
func (g *Genome) vertexIndex(id string) int {
	for i, v := range g.Vertices {
		if v.ID == id {
			return i
		}
	}
	return -1
}

// convEdges returns the positions in g.Edges of every conv edge (all of them primary).
func (g *Genome) convEdges() []int {
	var out []int
	for i, e := range g.Edges {
		if e.Kind == Conv {
			out = append(out, i)
		}
	}
	return out
}

// randomActivation draws bn_relu or linear with equal chance.
func randomActivation(rng *rand.Rand) Activation {
	if rng.IntN(2) == 0 {
		return BNReLU
	}
	return Linear
}
