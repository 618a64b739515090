package train

import (
	"bytes"
	"maps"
	"math"
	"os"
	"slices"
	"testing"

	"gorgonia.org/tensor"

	"evo/genome"
	"evo/train/checkpoint"
)

// TestOldCheckpointLoads: a checkpoint written before tensors had typed roles (testdata/v1.*:
// the golden genome after 3 SGD steps, running statistics perturbed, written by commit 95d5382)
// still loads. Its tensor names are exactly the genome's tensor IDs, the model takes every
// tensor, hands each back bit for bit, a child inherits all of it, and the evaluation logits on
// a fixed batch are the ones that commit computed (and the naive implementation's).
func TestOldCheckpointLoads(t *testing.T) {
	gb, err := os.ReadFile("testdata/v1.genome.json")
	if err != nil {
		t.Fatal(err)
	}
	g, err := genome.Decode(gb)
	if err != nil {
		t.Fatal(err)
	}
	cb, err := os.ReadFile("testdata/v1.safetensors")
	if err != nil {
		t.Fatal(err)
	}
	ck, err := checkpoint.Read(bytes.NewReader(cb), checkpoint.Limits{})
	if err != nil {
		t.Fatal(err)
	}

	wantIDs := []string{"e6.w", "e8.w", "h3.b", "h3.w", "v5.bn.beta", "v5.bn.gamma", "v5.bn.mean",
		"v5.bn.var", "v7.bn.beta", "v7.bn.gamma", "v7.bn.mean", "v7.bn.var"}
	if got := slices.Sorted(maps.Keys(ck.Tensors)); !slices.Equal(got, wantIDs) {
		t.Fatalf("checkpoint tensors %v, want %v", got, wantIDs)
	}
	specs, err := g.Tensors()
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, s := range specs {
		ids = append(ids, s.ID)
	}
	if slices.Sort(ids); !slices.Equal(ids, wantIDs) {
		t.Fatalf("genome tensor IDs %v, the checkpoint's %v", ids, wantIDs)
	}

	_, rep := checkpoint.Inherit(specs, ck)
	if len(rep.Reinitialised) != 0 || rep.Fraction != 1 {
		t.Fatalf("re-initialised %v (fraction %v) from the old checkpoint", rep.Reinitialised, rep.Fraction)
	}

	m, err := buildModel(g, buildSpec{batch: 2, dtype: tensor.Float64, bnDecay: 0.9, bnEps: 1e-3})
	if err != nil {
		t.Fatal(err)
	}
	defer m.close()
	for _, s := range m.stats {
		if err := s.setTraining(false); err != nil {
			t.Fatal(err)
		}
	}
	if err := m.setState(ck.Tensors); err != nil {
		t.Fatal(err)
	}
	back := m.state()
	for _, id := range wantIDs {
		a, b := ck.Tensors[id], back[id]
		if b == nil || !slices.Equal(a.Shape, b.Shape) || !slices.EqualFunc(a.Data, b.Data, func(x, y float32) bool {
			return math.Float32bits(x) == math.Float32bits(y)
		}) {
			t.Fatalf("tensor %s did not come back unchanged from the model", id)
		}
	}

	x, y := fixedBatch(g, 2)
	m.setBatch(x, y)
	if _, err := m.run(); err != nil {
		t.Fatal(err)
	}
	// Computed by commit 95d5382 from this checkpoint and batch.
	want := []float64{
		0.152828878214, 1.9339054072, -3.26975314863, -3.08485392934, 0.208864304487,
		0.933821589333, 0.139147575148, -1.2372588756, -0.544227707159, 1.07605213465,
		0.148595644451, 1.93872667107, -3.26383481849, -3.08330287949, 0.205424810931,
		0.930783103455, 0.129045245266, -1.22538042653, -0.553210205026, 1.07926817333,
	}
	naive := naiveLogits(g, ck.Tensors, x, 2, false, 1e-3)
	logits := m.out.logits.(tensor.Tensor)
	for j, w := range want {
		if v := at(logits, j); !closeEnough(v, w, 1e-9, 1e-9) || !closeEnough(v, naive[j], 1e-9, 1e-9) {
			t.Fatalf("logit %d = %v, %v before typed roles, %v naive", j, v, w, naive[j])
		}
	}
}

// fixedBatch is a batch that depends on no random generator, so that logits computed by an older
// commit stay comparable when the generator's streams change.
func fixedBatch(g *genome.Genome, b int) ([]float32, []int) {
	x := make([]float32, b*g.Input.H*g.Input.W*g.Input.C)
	for i := range x {
		x[i] = float32(1.5 * math.Sin(0.7*float64(i)+0.3))
	}
	y := make([]int, b)
	for i := range y {
		y[i] = (3*i + 1) % g.Classes
	}
	return x, y
}
