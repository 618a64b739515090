package train

import (
	"math"
	"math/rand/v2"

	"evo/genome"
	"evo/train/checkpoint"
)

// freshTensor returns the fresh initial value of one tensor (Settings in the package doc):
//   - conv kernels "<edge>.w" [Cout, Cin, kh, kw]: He-normal, N(0, 2/fan_in), fan_in = Cin·kh·kw;
//   - batch norm: gamma 1, beta 0, running mean 0, running variance 1;
//   - head weights "<head>.w" [C, K]: N(0, 1/C) [ours: LeCun normal, since no ReLU follows];
//   - head bias "<head>.b": 0.
func freshTensor(s genome.TensorSpec, rng *rand.Rand) *checkpoint.Tensor {
	n := 1
	for _, d := range s.Shape {
		n *= d
	}
	t := &checkpoint.Tensor{Shape: append([]int(nil), s.Shape...), Data: make([]float32, n)}
	switch s.Role {
	case genome.BNGamma, genome.BNVar:
		for i := range t.Data {
			t.Data[i] = 1
		}
	case genome.ConvKernel:
		normal(t.Data, math.Sqrt(2/float64(s.Shape[1]*s.Shape[2]*s.Shape[3])), rng)
	case genome.HeadWeight:
		normal(t.Data, math.Sqrt(1/float64(s.Shape[0])), rng)
	}
	return t
}

// normal fills x with N(0, std²) draws from rng.
func normal(x []float32, std float64, rng *rand.Rand) {
	for i := range x {
		x[i] = float32(rng.NormFloat64() * std)
	}
}

// initialState returns the starting tensors of a genome: the parent's where checkpoint.Inherit
// matches them by stable ID and shape, fresh values for the rest. Fresh values are drawn for
// every tensor in Tensors order, inherited or not, so that a tensor's fresh value depends only on
// the seed and the architecture, not on what happened to be inherited.
func initialState(specs []genome.TensorSpec, parent *checkpoint.Checkpoint, rng *rand.Rand) (map[string]*checkpoint.Tensor, checkpoint.Report) {
	st := make(map[string]*checkpoint.Tensor, len(specs))
	for _, s := range specs {
		st[s.ID] = freshTensor(s, rng)
	}
	if parent == nil {
		parent = &checkpoint.Checkpoint{Tensors: map[string]*checkpoint.Tensor{}}
	}
	inherited, rep := checkpoint.Inherit(specs, parent)
	for id, t := range inherited {
		st[id] = &checkpoint.Tensor{Shape: append([]int(nil), t.Shape...), Data: append([]float32(nil), t.Data...)}
	}
	return st, rep
}
