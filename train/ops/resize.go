package ops

import (
	"fmt"
	"hash"

	"github.com/chewxy/hm"
	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// ResizePadOp resizes a skip input (B,Ci,Hi,Wi) to (B,Co,Ho,Wo): nearest-neighbour in space, and
// the first min(Ci,Co) channels kept, the rest truncated (Ci > Co) or zero (Ci < Co).
//
// Spatially, each axis keeps every f-th row (column) starting from the first, f being the
// smallest power of two with ceil(in/f) = out: the positions a stride-f SAME convolution centres
// on, which is how the backbone shrinks (7 → 4 keeps rows 0, 2, 4, 6). An axis that no power of
// two maps that way (enlarging, which evo's genomes never do) takes source floor(o·in/out).
type ResizePadOp struct {
	b, ci, hi, wi int
	co, ho, wo    int
	id            uint64
	rows, cols    []int // source row of each output row, source column of each output column
	out, dx       slot
}

// ResizePad resizes x (B,Ci,Hi,Wi) to (B,co,ho,wo) as ResizePadOp describes.
func ResizePad(x *gorgonia.Node, co, ho, wo int) (*gorgonia.Node, error) {
	xs := x.Shape()
	if xs.Dims() != 4 {
		return nil, fmt.Errorf("resize pad: input shape %v: want 4-D NCHW: %w", xs, ErrShape)
	}
	if co < 1 || ho < 1 || wo < 1 {
		return nil, fmt.Errorf("resize pad: target (%d,%d,%d): every dimension must be at least 1: %w", co, ho, wo, ErrShape)
	}
	op := &ResizePadOp{b: xs[0], ci: xs[1], hi: xs[2], wi: xs[3], co: co, ho: ho, wo: wo, id: nextInstance()}
	op.rows, op.cols = Nearest(op.hi, ho), Nearest(op.wi, wo)
	n, err := gorgonia.ApplyOp(op, x)
	if err != nil {
		return nil, fmt.Errorf("resize pad: %w", err)
	}
	return n, nil
}

// Nearest maps each of out positions to its source among in when an axis of length in is
// resized to out: o·f for the smallest power of two f with ceil(in/f) = out (the positions a
// stride-f SAME convolution centres on), and floor(o·in/out) when there is none. ResizePad
// picks rows and columns with it; train/onnx's export gathers the same indices.
func Nearest(in, out int) []int {
	m := make([]int, out)
	f := 1
	for f < in && (in+f-1)/f > out {
		f *= 2
	}
	for o := range m {
		if (in+f-1)/f == out {
			m[o] = o * f
		} else {
			m[o] = o * in / out
		}
	}
	return m
}

// Arity is 1.
func (op *ResizePadOp) Arity() int { return 1 }

// Type is Tensor-4 a → Tensor-4 a.
func (op *ResizePadOp) Type() hm.Type { return hm.NewFnType(tensorType(4), tensorType(4)) }

// InferShape returns (B, Co, Ho, Wo).
func (op *ResizePadOp) InferShape(...gorgonia.DimSizer) (tensor.Shape, error) {
	return tensor.Shape{op.b, op.co, op.ho, op.wo}, nil
}

// Do resizes into the op's output buffer.
func (op *ResizePadOp) Do(vs ...gorgonia.Value) (gorgonia.Value, error) {
	if len(vs) != 1 {
		return nil, fmt.Errorf("resize pad: %d inputs, want 1: %w", len(vs), ErrShape)
	}
	dt, err := dtypeOf("resize pad", vs[0])
	if err != nil {
		return nil, err
	}
	if dt == tensor.Float32 {
		return resizeForward[float32](op, vs[0])
	}
	return resizeForward[float64](op, vs[0])
}

func resizeForward[T float](op *ResizePadOp, xv gorgonia.Value) (gorgonia.Value, error) {
	x, err := data[T]("resize pad", xv, op.b*op.ci*op.hi*op.wi)
	if err != nil {
		return nil, err
	}
	y := get[T](&op.out, op.b*op.co*op.ho*op.wo)
	keep := min(op.ci, op.co)
	for b := 0; b < op.b; b++ {
		for c := 0; c < op.co; c++ {
			dst := y[((b*op.co)+c)*op.ho*op.wo:][:op.ho*op.wo]
			if c >= keep {
				clear(dst)
				continue
			}
			src := x[((b*op.ci)+c)*op.hi*op.wi:][:op.hi*op.wi]
			for oh, ih := range op.rows {
				row, out := src[ih*op.wi:(ih+1)*op.wi], dst[oh*op.wo:(oh+1)*op.wo]
				for ow, iw := range op.cols {
					out[ow] = row[iw]
				}
			}
		}
	}
	return wrap(y, op.b, op.co, op.ho, op.wo), nil
}

// FLOPs is zero: a gather and zero padding are data movement.
func (op *ResizePadOp) FLOPs() (matmul, other int64) { return 0, 0 }

// ReturnsPtr is true: the result is the op's own reused buffer.
func (op *ResizePadOp) ReturnsPtr() bool { return true }

// CallsExtern is false.
func (op *ResizePadOp) CallsExtern() bool { return false }

// OverwritesInput is -1.
func (op *ResizePadOp) OverwritesInput() int { return -1 }

// WriteHash writes the shapes and instance number.
func (op *ResizePadOp) WriteHash(h hash.Hash) { fmt.Fprintf(h, "%v#%d", op, op.id) }

// Hashcode hashes WriteHash.
func (op *ResizePadOp) Hashcode() uint32 { return opHash(op) }

// String describes the op.
func (op *ResizePadOp) String() string {
	return fmt.Sprintf("ResizePad(%dx%dx%dx%d→%dx%dx%d)", op.b, op.ci, op.hi, op.wi, op.co, op.ho, op.wo)
}

// DiffWRT: the input.
func (op *ResizePadOp) DiffWRT(int) []bool { return []bool{true} }

// SymDiff returns dx: dy scatter-added back to the source pixels, zero for truncated channels.
func (op *ResizePadOp) SymDiff(inputs gorgonia.Nodes, output, grad *gorgonia.Node) (gorgonia.Nodes, error) {
	dx, err := gorgonia.ApplyOp(&resizeGradOp{op}, grad)
	if err != nil {
		return nil, fmt.Errorf("resize pad grad: %w", err)
	}
	return gorgonia.Nodes{dx}, nil
}

// resizeGradOp scatter-adds dy (B,Co,Ho,Wo) into dx (B,Ci,Hi,Wi).
type resizeGradOp struct{ op *ResizePadOp }

func (g *resizeGradOp) Arity() int    { return 1 }
func (g *resizeGradOp) Type() hm.Type { return hm.NewFnType(tensorType(4), tensorType(4)) }
func (g *resizeGradOp) InferShape(...gorgonia.DimSizer) (tensor.Shape, error) {
	return tensor.Shape{g.op.b, g.op.ci, g.op.hi, g.op.wi}, nil
}
func (g *resizeGradOp) Do(vs ...gorgonia.Value) (gorgonia.Value, error) {
	if len(vs) != 1 {
		return nil, fmt.Errorf("resize pad grad: %d inputs, want 1: %w", len(vs), ErrShape)
	}
	dt, err := dtypeOf("resize pad grad", vs[0])
	if err != nil {
		return nil, err
	}
	if dt == tensor.Float32 {
		return resizeBackward[float32](g.op, vs[0])
	}
	return resizeBackward[float64](g.op, vs[0])
}

func resizeBackward[T float](op *ResizePadOp, dyv gorgonia.Value) (gorgonia.Value, error) {
	dy, err := data[T]("resize pad grad", dyv, op.b*op.co*op.ho*op.wo)
	if err != nil {
		return nil, err
	}
	dx := get[T](&op.dx, op.b*op.ci*op.hi*op.wi)
	clear(dx)
	keep := min(op.ci, op.co)
	for b := 0; b < op.b; b++ {
		for c := 0; c < keep; c++ {
			src := dy[((b*op.co)+c)*op.ho*op.wo:][:op.ho*op.wo]
			dst := dx[((b*op.ci)+c)*op.hi*op.wi:][:op.hi*op.wi]
			for oh, ih := range op.rows {
				row, in := dst[ih*op.wi:(ih+1)*op.wi], src[oh*op.wo:(oh+1)*op.wo]
				for ow, iw := range op.cols {
					row[iw] += in[ow]
				}
			}
		}
	}
	return wrap(dx, op.b, op.ci, op.hi, op.wi), nil
}

// FLOPs counts the adds of the scatter: one per output whose source already received a value,
// over the kept channels.
func (g *resizeGradOp) FLOPs() (matmul, other int64) {
	op := g.op
	distinct := func(m []int) int {
		n := 0
		for i, v := range m {
			if i == 0 || v != m[i-1] {
				n++
			}
		}
		return n
	}
	dup := op.ho*op.wo - distinct(op.rows)*distinct(op.cols)
	return 0, int64(op.b * dup * min(op.ci, op.co))
}

func (g *resizeGradOp) ReturnsPtr() bool      { return true }
func (g *resizeGradOp) CallsExtern() bool     { return false }
func (g *resizeGradOp) OverwritesInput() int  { return -1 }
func (g *resizeGradOp) WriteHash(h hash.Hash) { fmt.Fprintf(h, "Grad%v#%d", g.op, g.op.id) }
func (g *resizeGradOp) Hashcode() uint32      { return opHash(g) }
func (g *resizeGradOp) String() string        { return "Grad" + g.op.String() }
