package genome

import (
	"math"
	"math/rand/v2"
)

// pickConv draws a conv edge uniformly and returns its position in c.Edges, or -1 if c has none.
func pickConv(c *Genome, rng *rand.Rand) int {
	convs := c.convEdges()
	if len(convs) == 0 {
		return -1
	}
	return convs[rng.IntN(len(convs))]
}

// AlterStride is the paper's ALTER-STRIDE on a conv edge drawn uniformly. Strides are powers of
// two, so the mutation works on the stride scale s (stride 2^s) and moves it one step on the
// log2 scale: s+1 or s−1 with equal chance. Our choice: s = 0 always moves to 1 (a stride below
// 1 does not exist), and s = MaxStrideScale always moves down. It does not apply when the genome
// has no conv.
func AlterStride(g *Genome, rng *rand.Rand) (*Genome, Record, error) {
	const name = "alter-stride"
	c, err := start(name, g, rng)
	if err != nil {
		return nil, Record{Name: name}, err
	}
	i := pickConv(c, rng)
	if i < 0 {
		return notApplied(name, c, "no conv edge")
	}
	e := &c.Edges[i]
	old := e.StrideScale
	switch {
	case old == 0:
		e.StrideScale = 1
	case old == MaxStrideScale:
		e.StrideScale = old - 1
	case rng.IntN(2) == 0:
		e.StrideScale = old - 1
	default:
		e.StrideScale = old + 1
	}
	return applied(name, c, "%s %d→%d", e.ID, 1<<old, e.Stride())
}

// AlterChannels is the paper's ALTER-NUMBER-OF-CHANNELS on a conv edge drawn uniformly: the new
// count is round(old × f) with f uniform in [0.5, 2], at least 1 and at most MaxChannels. The
// count may come out unchanged for small counts (e.g. 1 → 1); the mutation still counts as
// applied, as in the paper. It does not apply when the genome has no conv.
func AlterChannels(g *Genome, rng *rand.Rand) (*Genome, Record, error) {
	const name = "alter-channels"
	c, err := start(name, g, rng)
	if err != nil {
		return nil, Record{Name: name}, err
	}
	i := pickConv(c, rng)
	if i < 0 {
		return notApplied(name, c, "no conv edge")
	}
	e := &c.Edges[i]
	old := e.Channels
	f := 0.5 + 1.5*rng.Float64()
	e.Channels = min(max(int(math.Round(float64(old)*f)), 1), MaxChannels)
	return applied(name, c, "%s %d→%d", e.ID, old, e.Channels)
}

// AlterFilterSize is the paper's FILTER-SIZE on a conv edge drawn uniformly, on its height or
// its width with equal chance. Filter sizes stay odd because the mutation works on the half-size
// h (size 2h+1): the new h is drawn uniformly from the integers in [⌊h/2⌋, 2h] other than h,
// capped at MaxHalf ("half to double"). From h = 0 (a 1-wide filter, which the paper allows) it
// moves to 1. It does not apply when the genome has no conv.
func AlterFilterSize(g *Genome, rng *rand.Rand) (*Genome, Record, error) {
	const name = "alter-filter-size"
	c, err := start(name, g, rng)
	if err != nil {
		return nil, Record{Name: name}, err
	}
	i := pickConv(c, rng)
	if i < 0 {
		return notApplied(name, c, "no conv edge")
	}
	e := &c.Edges[i]
	half, dir := &e.HalfH, "height"
	if rng.IntN(2) == 1 {
		half, dir = &e.HalfW, "width"
	}
	old := *half
	*half = newHalf(old, rng)
	return applied(name, c, "%s %s %d→%d", e.ID, dir, 2*old+1, 2**half+1)
}

// newHalf draws a half-size uniformly from [⌊h/2⌋, min(2h, MaxHalf)] without h; from 0 it
// returns 1. The range always holds a value other than h for 0 ≤ h ≤ MaxHalf.
func newHalf(h int, rng *rand.Rand) int {
	if h == 0 {
		return 1
	}
	lo, hi := h/2, min(2*h, MaxHalf)
	n := rng.IntN(hi - lo) // hi−lo+1 values, h excluded
	if lo+n >= h {
		return lo + n + 1
	}
	return lo + n
}
