package train

import (
	"bytes"
	"context"
	"math"
	"math/rand/v2"
	randv2 "math/rand/v2"
	"slices"
	"testing"

	"gorgonia.org/tensor"

	"evo/genome"
	"evo/train/checkpoint"
	"evo/train/data"
)

// trainedParent trains g for a few steps through the same path as Train and returns its model.
func trainedParent(t *testing.T, g *genome.Genome, d *data.Dataset, steps int) *model {
	t.Helper()
	specs, _ := g.Tensors()
	c := Config{Steps: steps, BatchSize: 20, Seed: 3, Logger: quiet}.withDefaults()
	rng := rand.New(rand.NewPCG(uint64(c.Seed), 0))
	st, _ := initialState(specs, nil, rng)
	m, err := buildModel(g, buildSpec{batch: c.BatchSize, dtype: tensor.Float32, training: true, bnDecay: c.BNDecay, bnEps: c.BNEpsilon})
	if err != nil {
		t.Fatal(err)
	}
	if err := m.setState(st); err != nil {
		t.Fatal(err)
	}
	res := Result{Status: StatusOK}
	if err := fit(context.Background(), m, g, d, c, rng, &res); err != nil || res.Status != StatusOK {
		t.Fatalf("parent training: %v %+v", err, res)
	}
	return m
}

// evalLoss is the evaluation-mode loss of state st on a fixed batch of d's validation split.
func evalLoss(t *testing.T, g *genome.Genome, st map[string]*checkpoint.Tensor, d *data.Dataset) float64 {
	t.Helper()
	e, err := newEvaluator(g, st, 30, DefaultBNDecay, DefaultBNEpsilon)
	if err != nil {
		t.Fatal(err)
	}
	defer e.m.close()
	idx := make([]int, 30)
	for i := range idx {
		idx[i] = i
	}
	x, y := make([]float32, 30*d.ExampleSize()), make([]int, 30)
	d.Batch(d.Val, idx, false, nil, x, y)
	e.m.setBatch(x, y)
	l, err := e.m.run()
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// roundTrip writes st as a checkpoint and reads it back.
func roundTrip(t *testing.T, st map[string]*checkpoint.Tensor) *checkpoint.Checkpoint {
	t.Helper()
	var buf bytes.Buffer
	if err := checkpoint.Write(&buf, &checkpoint.Checkpoint{Tensors: st, Meta: map[string]string{}}); err != nil {
		t.Fatal(err)
	}
	ck, err := checkpoint.Read(&buf, checkpoint.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	return ck
}

// TestIdentityChildStartsWhereParentEnded: after IDENTITY the child's initial loss on a fixed
// batch equals the parent's final loss, batch-norm running statistics included, and the
// checkpoint round trip is bit-exact.
func TestIdentityChildStartsWhereParentEnded(t *testing.T) {
	d := loadDigits(t)
	g := digitsNet(t)
	m := trainedParent(t, g, d, 30)
	defer m.close()
	final := m.state()
	parentLoss := evalLoss(t, g, final, d)

	ck := roundTrip(t, final)
	for id, want := range final {
		got := ck.Tensors[id]
		if got == nil || !slices.Equal(got.Shape, want.Shape) || len(got.Data) != len(want.Data) {
			t.Fatalf("tensor %s lost in the round trip", id)
		}
		for i := range want.Data {
			if math.Float32bits(got.Data[i]) != math.Float32bits(want.Data[i]) {
				t.Fatalf("tensor %s[%d]: %v after the round trip, %v before", id, i, got.Data[i], want.Data[i])
			}
		}
	}

	child, _, err := genome.KeepTraining(g, randv2.New(randv2.NewPCG(1, 1)))
	if err != nil {
		t.Fatal(err)
	}
	specs, _ := child.Tensors()
	st, rep := initialState(specs, ck, rand.New(rand.NewPCG(99, 0)))
	if len(rep.Reinitialised) != 0 || rep.Fraction != 1 {
		t.Fatalf("identity child re-initialised %v (fraction %v)", rep.Reinitialised, rep.Fraction)
	}
	if childLoss := evalLoss(t, child, st, d); childLoss != parentLoss {
		t.Fatalf("child's initial loss %v, parent's final loss %v", childLoss, parentLoss)
	}
	// The running statistics matter: with fresh ones the loss differs.
	for _, s := range specs {
		if s.Role == genome.BNMean {
			clear(st[s.ID].Data)
		}
	}
	if l := evalLoss(t, child, st, d); l == parentLoss {
		t.Fatalf("loss %v unchanged without the running means: the test cannot see them", l)
	}
}

// TestInsertConvolutionInheritsTheRest: after INSERT-CONVOLUTION every tensor but those of the
// new conv and its vertex is inherited, with the parent's values.
func TestInsertConvolutionInheritsTheRest(t *testing.T) {
	d := loadDigits(t)
	g := digitsNet(t)
	m := trainedParent(t, g, d, 5)
	defer m.close()
	ck := roundTrip(t, m.state())
	old, _ := g.Tensors()
	known := map[string]bool{}
	for _, s := range old {
		known[s.ID] = true
	}
	for seed := int64(0); seed < 6; seed++ {
		child, _, err := genome.InsertConvolution(g, randv2.New(randv2.NewPCG(uint64(seed), 2)))
		if err != nil {
			t.Fatal(err)
		}
		specs, _ := child.Tensors()
		st, rep := initialState(specs, ck, rand.New(rand.NewPCG(uint64(seed), 0)))
		var wantNew []string
		for _, s := range specs {
			if !known[s.ID] {
				wantNew = append(wantNew, s.ID)
			} else if !slices.Equal(st[s.ID].Data, ck.Tensors[s.ID].Data) {
				t.Fatalf("seed %d: %s not inherited", seed, s.ID)
			}
		}
		slices.Sort(wantNew) // checkpoint.Report lists IDs sorted
		if !slices.Equal(rep.Reinitialised, wantNew) || len(wantNew) == 0 {
			t.Fatalf("seed %d: re-initialised %v, want exactly the new conv's %v", seed, rep.Reinitialised, wantNew)
		}
		if rep.Fraction <= 0.5 || rep.Fraction >= 1 {
			t.Fatalf("seed %d: inherited fraction %v", seed, rep.Fraction)
		}
		if _, err := buildModel(child, buildSpec{batch: 2, dtype: tensor.Float32, bnDecay: 0.9, bnEps: 1e-3}); err != nil {
			t.Fatal(err)
		}
	}
}
