package train

import (
	G "gorgonia.org/gorgonia"

	"evo/train/ops"
)

// Measured FLOP counts. graphFLOPs walks a built graph and counts what each node computes, with
// the conventions of genome's cost model: a multiply or an add is one FLOP (a multiply–add two),
// data movement (im2col, col2im, reshapes, transposes, slices, concatenations, constants and
// inputs) counts zero. The optimiser runs outside the graph and is added by the caller
// (sgdFLOPsPerParam per trainable value).

// sgdFLOPsPerParam is the optimiser's work per trainable value and step: g + λw (2),
// v ← μv + g (2), w ← w − lr·v (2).
const sgdFLOPsPerParam = 6

// flopCount splits a graph's FLOPs into matrix products and the rest.
type flopCount struct {
	MatMul int64 // 2·m·n·k per matrix product (convolutions as im2col GEMMs, the head)
	Other  int64 // batch norm, ReLU, sums, broadcasts, softmax, reductions
}

// Total is MatMul + Other.
func (f flopCount) Total() int64 { return f.MatMul + f.Other }

// graphFLOPs counts the FLOPs of one run of g, a graph of the custom ops: they count
// themselves (ops.FLOPCounter). The only other nodes that compute are gorgonia's element-wise
// sums: of a vertex's inputs, and of the gradients of a value that feeds several nodes.
func graphFLOPs(g *G.ExprGraph) flopCount {
	return sumFLOPs(g, nodeFLOPs)
}

// nodeFLOPs returns the matrix-product and other FLOPs of node n with inputs ch: a custom op's
// own count, one per output element for an element-wise binary op (a binary op whose inputs
// and output all have the same shape), zero for anything else.
func nodeFLOPs(n *G.Node, ch []*G.Node) (matmul, other int64) {
	switch op := n.Op().(type) {
	case ops.FLOPCounter:
		return op.FLOPs()
	case G.BinaryOp:
		if len(ch) == 2 && ch[0].Shape().Eq(n.Shape()) && ch[1].Shape().Eq(n.Shape()) {
			return 0, int64(n.Shape().TotalSize())
		}
	}
	return 0, 0
}

// sumFLOPs adds up count over every node of g that applies an op to inputs of known shape.
func sumFLOPs(g *G.ExprGraph, count func(n *G.Node, ch []*G.Node) (matmul, other int64)) flopCount {
	var f flopCount
	for _, n := range g.AllNodes() {
		if n.Op() == nil || n.Shape() == nil {
			continue
		}
		mm, other := count(n, children(g, n))
		f.MatMul += mm
		f.Other += other
	}
	return f
}

// children returns the inputs of n in order.
func children(g *G.ExprGraph, n *G.Node) []*G.Node {
	var out []*G.Node
	it := g.From(n.ID())
	for it.Next() {
		out = append(out, it.Node().(*G.Node))
	}
	return out
}
