package genome

import (
	"math"
	"math/rand/v2"
	"sort"
)

// AlterLearningRate is the paper's ALTER-LEARNING-RATE: the learning rate is multiplied by
// 2^u with u drawn uniformly from [−1, 1], so the factor lies in [0.5, 2] and is log-uniform.
// It does not apply in the (practically unreachable) case that the product is not a finite
// number > 0.
func AlterLearningRate(g *Genome, rng *rand.Rand) (*Genome, Record, error) {
	const name = "alter-learning-rate"
	c, err := start(name, g, rng)
	if err != nil {
		return nil, Record{Name: name}, err
	}
	factor := math.Exp2(2*rng.Float64() - 1)
	lr := c.LearningRate * factor
	if math.IsInf(lr, 0) || lr <= 0 {
		return notApplied(name, c, "the learning rate would leave the float64 range")
	}
	old := c.LearningRate
	c.LearningRate = lr
	return applied(name, c, "%.4g→%.4g (×%.4f)", old, lr, factor)
}

// KeepTraining is the paper's IDENTITY mutation: the child is an unchanged copy of the parent
// and simply trains for T more steps, inheriting every weight. It always applies.
func KeepTraining(g *Genome, rng *rand.Rand) (*Genome, Record, error) {
	const name = "identity"
	c, err := start(name, g, rng)
	if err != nil {
		return nil, Record{Name: name}, err
	}
	return c, Record{Name: name, Detail: name, Applied: true}, nil
}

// ResetWeights is the paper's RESET-WEIGHTS: the child inherits no weights. Design decision:
// weight inheritance keys on tensor IDs (see Tensors), so the child gets a fresh ID for every
// vertex, edge and the head, drawn from NextID; structure and every value stay as they were,
// and no tensor ID of the child can match one of the parent. Fresh IDs are assigned in backbone
// order to vertices, then to edges in ID order, then to the head, so the result depends only on
// g (rng is not used). It applies unless NextID is too close to the int range to grow.
func ResetWeights(g *Genome, rng *rand.Rand) (*Genome, Record, error) {
	const name = "reset-weights"
	c, err := start(name, g, rng)
	if err != nil {
		return nil, Record{Name: name}, err
	}
	if !c.canDraw(len(c.Vertices) + len(c.Edges) + 1) {
		return notApplied(name, c, "next_id is too large to draw fresh IDs")
	}
	first := c.NextID
	renamed := make(map[string]string, len(c.Vertices))
	for i := range c.Vertices {
		id := c.freshID(vertexPrefix)
		renamed[c.Vertices[i].ID] = id
		c.Vertices[i].ID = id
	}
	order := make([]int, len(c.Edges))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return lessID(c.Edges[order[a]].ID, c.Edges[order[b]].ID) })
	for _, i := range order {
		e := &c.Edges[i]
		e.ID = c.freshID(edgePrefix)
		e.From, e.To = renamed[e.From], renamed[e.To]
	}
	c.HeadID = c.freshID(headPrefix)
	return applied(name, c, "%d ids renewed (%d to %d)", c.NextID-first, first, c.NextID-1)
}
