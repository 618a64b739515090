package train

import (
	"fmt"
	"strings"

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

// graphFLOPs counts the FLOPs of one run of g; training says whether its stock batch-norm ops
// use batch statistics (8 FLOPs per element) or running statistics (4); the custom ones know
// their mode.
func graphFLOPs(g *G.ExprGraph, training bool) flopCount {
	var f flopCount
	for _, n := range g.AllNodes() {
		op := n.Op()
		if op == nil || n.Shape() == nil {
			continue
		}
		mm, other := nodeFLOPs(n, op, children(g, n), training)
		f.MatMul += mm
		f.Other += other
	}
	return f
}

// nodeFLOPs returns the matrix-product and other FLOPs of one node. The custom ops count
// themselves (ops.FLOPCounter); stock ops are recognised by type.
func nodeFLOPs(n *G.Node, op G.Op, ch []*G.Node, training bool) (matmul, other int64) {
	if c, ok := op.(ops.FLOPCounter); ok {
		return c.FLOPs()
	}
	out := int64(n.Shape().TotalSize())
	kind := fmt.Sprintf("%T", op)
	switch {
	case strings.HasSuffix(kind, "linAlgBinOp"):
		a := int64(ch[0].Shape().TotalSize())
		if n.Shape().Dims() == 2 { // (m×k)·(k×n): 2·k·m·n = 2·|A|·n
			return 2 * a * int64(n.Shape()[1]), 0
		}
		return 2 * a, 0
	case strings.HasSuffix(kind, "BatchNormOp"):
		if training {
			return 0, 8 * out
		}
		return 0, 4 * out
	case strings.HasSuffix(kind, "batchnormDiffOp"):
		return 0, 5 * out
	case strings.HasSuffix(kind, "softmaxOp"), strings.HasSuffix(kind, "softmaxDiffOp"):
		return 0, 4 * out
	case strings.HasSuffix(kind, "sumOp"):
		return 0, int64(ch[0].Shape().TotalSize())
	case strings.HasSuffix(kind, "elemBinOp"), strings.HasSuffix(kind, "elemUnaryOp"):
		return 0, out
	}
	return 0, 0
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
