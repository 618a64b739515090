package ops

import (
	"fmt"
	"hash"
	"math"
	"unsafe"

	"github.com/chewxy/hm"
	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"evo/train/internal/vec"
)

// DiffWRT: x, gamma and beta.
func (op *BNReLUOp) DiffWRT(int) []bool { return []bool{true, true, true} }

// SymDiff returns dx, dgamma and dbeta. One op computes dx and, as a side product, the two
// parameter gradients; two small ops that depend on dx hand those out.
func (op *BNReLUOp) SymDiff(inputs gorgonia.Nodes, output, grad *gorgonia.Node) (gorgonia.Nodes, error) {
	if len(inputs) != 3 {
		return nil, fmt.Errorf("bnrelu symdiff: %d inputs, want 3: %w", len(inputs), ErrShape)
	}
	dx, err := gorgonia.ApplyOp(&bnGradOp{op}, inputs[0], inputs[1], inputs[2], grad)
	if err != nil {
		return nil, fmt.Errorf("bnrelu grad: %w", err)
	}
	dg, err := gorgonia.ApplyOp(&bnParamGradOp{op: op, beta: false}, dx)
	if err != nil {
		return nil, fmt.Errorf("bnrelu grad gamma: %w", err)
	}
	db, err := gorgonia.ApplyOp(&bnParamGradOp{op: op, beta: true}, dx)
	if err != nil {
		return nil, fmt.Errorf("bnrelu grad beta: %w", err)
	}
	return gorgonia.Nodes{dx, dg, db}, nil
}

// FLOPs counts one forward pass in the current mode: with batch statistics 8 per element for
// the normalisation (mean 1, variance 3, normalise 2, scale and shift 2) and 10 per channel
// (statistics and running updates), with running statistics 4 per element; the ReLU adds 1.
func (op *BNReLUOp) FLOPs() (matmul, other int64) {
	n := int64(op.b * op.c * op.hw)
	if op.training {
		return 0, 9*n + 10*int64(op.c)
	}
	return 0, 5 * n
}

// ReturnsPtr is true: the result is the op's own reused buffer.
func (op *BNReLUOp) ReturnsPtr() bool { return true }

// CallsExtern is false.
func (op *BNReLUOp) CallsExtern() bool { return false }

// OverwritesInput is -1: the input is kept for the backward pass.
func (op *BNReLUOp) OverwritesInput() int { return -1 }

// WriteHash writes the shape, parameters and instance number.
func (op *BNReLUOp) WriteHash(h hash.Hash) { fmt.Fprintf(h, "%v#%d", op, op.id) }

// Hashcode hashes WriteHash.
func (op *BNReLUOp) Hashcode() uint32 { return opHash(op) }

// String describes the op.
func (op *BNReLUOp) String() string {
	return fmt.Sprintf("BNReLU(%dx%dx%dx%d, decay %g, eps %g)", op.b, op.c, op.h, op.w, op.cfg.Decay, op.cfg.Epsilon)
}

// bnGradOp computes dx from (x, gamma, beta, dy) and stores dgamma and dbeta in the BNReLUOp.
// The ReLU mask is recomputed from x as scale·x + shift > 0, exactly as in the forward pass.
type bnGradOp struct{ op *BNReLUOp }

func (g *bnGradOp) Arity() int { return 4 }
func (g *bnGradOp) Type() hm.Type {
	return hm.NewFnType(tensorType(4), tensorType(1), tensorType(1), tensorType(4), tensorType(4))
}
func (g *bnGradOp) InferShape(...gorgonia.DimSizer) (tensor.Shape, error) {
	return tensor.Shape{g.op.b, g.op.c, g.op.h, g.op.w}, nil
}
func (g *bnGradOp) Do(vs ...gorgonia.Value) (gorgonia.Value, error) {
	if len(vs) != 4 {
		return nil, fmt.Errorf("bnrelu grad: %d inputs, want 4: %w", len(vs), ErrShape)
	}
	dt, err := dtypeOf("bnrelu grad", vs[0])
	if err != nil {
		return nil, err
	}
	if dt == tensor.Float32 {
		return bnBackward[float32](g.op, vs[0], vs[3])
	}
	return bnBackward[float64](g.op, vs[0], vs[3])
}

func bnBackward[T float](op *BNReLUOp, xv, dyv gorgonia.Value) (gorgonia.Value, error) {
	size := op.b * op.c * op.hw
	x, err := data[T]("bnrelu grad x", xv, size)
	if err != nil {
		return nil, err
	}
	dy, err := data[T]("bnrelu grad dy", dyv, size)
	if err != nil {
		return nil, err
	}
	dx := get[T](&op.dx, size)
	n := float64(op.b * op.hw)
	parallel(op.c, func(_, lo, hi int) {
		for c := lo; c < hi; c++ {
			a, s := T(op.scale[c]), T(op.shift[c])
			mean, inv := op.mean[c], op.invStd[c]
			sg, sgx := gradSums(dx, x, dy, c, op.c, op.b, op.hw, a, s, mean) // dx holds g for now
			op.dBetaAcc[c], op.dGammaAcc[c] = sg, sgx*inv
			k := op.scale[c] // γ/σ: dx = k·(g − Σg/n − x̂·Σg·x̂/n) in training, k·g in evaluation
			var cm, cx, c0 T
			if op.fwdTraining {
				cx = T(k * inv * inv * sgx / n)
				c0 = T(k*sg/n - k*inv*inv*sgx/n*mean)
			}
			cm = T(k)
			for b := 0; b < op.b; b++ {
				off := (b*op.c + c) * op.hw
				affineSub(dx[off:off+op.hw], x[off:off+op.hw], cm, cx, c0)
			}
		}
	})
	return wrap(dx, op.b, op.c, op.h, op.w), nil
}

// FLOPs counts the ReLU mask (1 per element), the parameter gradients (3) and dx (5).
func (g *bnGradOp) FLOPs() (matmul, other int64) { return 0, 9 * int64(g.op.b*g.op.c*g.op.hw) }

// gradSums writes into g, over channel c, dy masked by the ReLU (scale·x + shift > 0) and returns
// Σg and Σg·(x−mean), with four independent pairs of float64 accumulators. float32 runs in vector
// assembly (vec.GradSums), which sums blocks of 256 values in float32 and the blocks in float64.
func gradSums[T float](g, x, dy []T, c, channels, batch, hw int, scale, shift T, mean float64) (sg, sgx float64) {
	if g32, ok := any(g).([]float32); ok {
		x32, dy32 := any(x).([]float32), any(dy).([]float32)
		for b := 0; b < batch; b++ {
			off := (b*channels + c) * hw
			vec.GradSums(g32[off:off+hw], x32[off:off+hw], dy32[off:off+hw], float32(scale), float32(shift), mean, &sg, &sgx)
		}
		return sg, sgx
	}
	var g0, g1, g2, g3, h0, h1, h2, h3 float64
	for b := 0; b < batch; b++ {
		off := (b*channels + c) * hw
		xs, dys, gs := x[off:off+hw], dy[off:off+hw], g[off:off+hw]
		dys, gs = dys[:len(xs)], gs[:len(xs)]
		i := 0
		for ; i+4 <= len(xs); i += 4 {
			v, d, o := xs[i:i+4:i+4], dys[i:i+4:i+4], gs[i:i+4:i+4]
			o[0] = d[0] * positive(scale*v[0]+shift)
			o[1] = d[1] * positive(scale*v[1]+shift)
			o[2] = d[2] * positive(scale*v[2]+shift)
			o[3] = d[3] * positive(scale*v[3]+shift)
			e0, e1, e2, e3 := float64(o[0]), float64(o[1]), float64(o[2]), float64(o[3])
			g0, g1, g2, g3 = g0+e0, g1+e1, g2+e2, g3+e3
			h0 += e0 * (float64(v[0]) - mean)
			h1 += e1 * (float64(v[1]) - mean)
			h2 += e2 * (float64(v[2]) - mean)
			h3 += e3 * (float64(v[3]) - mean)
		}
		for ; i < len(xs); i++ {
			gs[i] = dys[i] * positive(scale*xs[i]+shift)
			e := float64(gs[i])
			g0 += e
			h0 += e * (float64(xs[i]) - mean)
		}
	}
	return (g0 + g1) + (g2 + g3), (h0 + h1) + (h2 + h3)
}

func (g *bnGradOp) ReturnsPtr() bool      { return true }
func (g *bnGradOp) CallsExtern() bool     { return false }
func (g *bnGradOp) OverwritesInput() int  { return -1 }
func (g *bnGradOp) WriteHash(h hash.Hash) { fmt.Fprintf(h, "Grad%v#%d", g.op, g.op.id) }
func (g *bnGradOp) Hashcode() uint32      { return opHash(g) }
func (g *bnGradOp) String() string        { return "Grad" + g.op.String() }

// bnParamGradOp hands out dgamma (beta false) or dbeta (beta true), computed by bnGradOp; it takes
// the dx node as input only to run after it.
type bnParamGradOp struct {
	op   *BNReLUOp
	beta bool
}

func (g *bnParamGradOp) Arity() int    { return 1 }
func (g *bnParamGradOp) Type() hm.Type { return hm.NewFnType(tensorType(4), tensorType(1)) }
func (g *bnParamGradOp) InferShape(...gorgonia.DimSizer) (tensor.Shape, error) {
	return tensor.Shape{g.op.c}, nil
}
func (g *bnParamGradOp) Do(vs ...gorgonia.Value) (gorgonia.Value, error) {
	if len(vs) != 1 {
		return nil, fmt.Errorf("%v: %d inputs, want 1: %w", g, len(vs), ErrShape)
	}
	dt, err := dtypeOf("bnrelu param grad", vs[0])
	if err != nil {
		return nil, err
	}
	src, dst := g.op.dGammaAcc, &g.op.dg
	if g.beta {
		src, dst = g.op.dBetaAcc, &g.op.db
	}
	if dt == tensor.Float32 {
		return paramOut[float32](src, dst), nil
	}
	return paramOut[float64](src, dst), nil
}

func paramOut[T float](src []float64, dst *slot) gorgonia.Value {
	out := get[T](dst, len(src))
	for i, v := range src {
		out[i] = T(v)
	}
	return wrap(out, len(out))
}

// FLOPs is zero: bnGradOp computed the values, this op hands them out.
func (g *bnParamGradOp) FLOPs() (matmul, other int64) { return 0, 0 }

func (g *bnParamGradOp) ReturnsPtr() bool      { return true }
func (g *bnParamGradOp) CallsExtern() bool     { return false }
func (g *bnParamGradOp) OverwritesInput() int  { return -1 }
func (g *bnParamGradOp) WriteHash(h hash.Hash) { fmt.Fprintf(h, "%v#%d", g, g.op.id) }
func (g *bnParamGradOp) Hashcode() uint32      { return opHash(g) }
func (g *bnParamGradOp) String() string {
	if g.beta {
		return "GradBeta" + g.op.String()
	}
	return "GradGamma" + g.op.String()
}

// positive is 1 when m > 0 and 0 otherwise (−0 and negative values included), computed from the
// sign and magnitude bits without a branch: the ReLU mask is random, so a branch mispredicts about
// half the time and dominated the backward pass.
func positive[T float](m T) T {
	if unsafe.Sizeof(m) == 4 {
		k := *(*int32)(unsafe.Pointer(&m))
		return T((uint32(-k) >> 31) & (^uint32(k) >> 31))
	}
	k := *(*int64)(unsafe.Pointer(&m))
	return T((uint64(-k) >> 63) & (^uint64(k) >> 63))
}

// scaleShiftReLU sets dst[i] = max(a·src[i] + s, 0) without a branch (the sign is random: a
// branch mispredicts about half the time) and without the NaN and signed-zero handling of the
// builtin max: a set sign bit clears every bit, so negative values, −0 and −Inf give +0.
func scaleShiftReLU[T float](dst, src []T, a, s T) {
	switch d := any(dst).(type) {
	case []float32:
		vec.ScaleShiftReLU(d, any(src).([]float32), float32(a), float32(s))
	case []float64:
		x, a64, s64 := any(src).([]float64), float64(a), float64(s)
		d = d[:len(x)]
		for i, v := range x {
			k := math.Float64bits(a64*v + s64)
			d[i] = math.Float64frombits(k &^ uint64(int64(k)>>63))
		}
	}
}

// affineSub sets dst[i] = cm·dst[i] − (cx·x[i] + c0): in vector assembly for float32.
func affineSub[T float](dst, x []T, cm, cx, c0 T) {
	if d, ok := any(dst).([]float32); ok {
		vec.AffineSub(d, any(x).([]float32), float32(cm), float32(cx), float32(c0))
		return
	}
	dst = dst[:len(x)]
	for i, v := range x {
		dst[i] = cm*dst[i] - (cx*v + c0)
	}
}
