package genome

import (
	"errors"
	"math"
	"reflect"
	"testing"
)

func TestCostInitial(t *testing.T) {
	g := Initial(Shape{H: 32, W: 32, C: 3}, 10)
	// Hand count: GAP 32·32·3 adds + 3 divides = 3075; FC 2·3·10 + 10 = 70 forward, weight and
	// bias gradients 70 (no input gradient: nothing trainable below the head); softmax-CE
	// 4·10+3 = 43 forward, 2·10+1 = 21 backward; 40 parameters × 6 for the update.
	checkCosts(t, g, 40, 50, 50*(3075+70+43+70+21)+240, 50*(3075+70))
	got, err := g.Cost(100, 50, 1000)
	if want := int64(100*164190 + 1000*3145); err != nil || got != want {
		t.Errorf("Cost = %d, %v; want %d", got, err, want)
	}
}

func TestCostOneConv(t *testing.T) {
	// input 4×4×2 -conv 3×3 /1 → 3-> v4 (bn_relu) -identity-> v1 (linear) -> 2 classes.
	g := &Genome{
		Input: Shape{H: 4, W: 4, C: 2}, Classes: 2, LearningRate: 0.1,
		Vertices: []Vertex{{ID: "v0", Activation: Linear}, {ID: "v4", Activation: BNReLU}, {ID: "v1", Activation: Linear}},
		Edges: []Edge{
			{ID: "e5", From: "v0", To: "v4", Kind: Conv, Channels: 3, HalfH: 1, HalfW: 1},
			{ID: "e2", From: "v4", To: "v1", Kind: Identity},
		},
		HeadID: "h3", NextID: 6,
	}
	// conv: 2·(4·4·3)·(2·3·3) = 1728 forward and weight gradient, no input gradient (the image);
	// batch norm on 48 elements: 8·48 forward, 3·48 + 5·48 backward, 4·48 eval, 10·3 per step;
	// ReLU 48 each way; GAP 48+3 forward, 48 backward; FC 2·3·2+2 = 14 forward, 14 + 12
	// backward; softmax-CE 4·2+3 = 11 and 2·2+1 = 5. Parameters: 54 + 6 + 8 = 68.
	perExample := int64(1728*2 + 384 + 384 + 96 + 51 + 48 + 14 + 26 + 11 + 5)
	checkCosts(t, g, 68, 10, 10*perExample+30+68*6, 10*(1728+192+48+51+14))
}

func TestCostSkipAndFanIn(t *testing.T) {
	// input 4×4×1 -conv 1×1 /1 → 2-> v3 -conv 1×1 /2 → 2-> v4 -identity-> v1, skip e7 v3→v1.
	g := &Genome{
		Input: Shape{H: 4, W: 4, C: 1}, Classes: 2, LearningRate: 0.1,
		Vertices: []Vertex{{ID: "v0", Activation: Linear}, {ID: "v3", Activation: Linear},
			{ID: "v4", Activation: Linear}, {ID: "v1", Activation: Linear}},
		Edges: []Edge{
			{ID: "e5", From: "v0", To: "v3", Kind: Conv, Channels: 2},
			{ID: "e6", From: "v3", To: "v4", Kind: Conv, Channels: 2, StrideScale: 1},
			{ID: "e2", From: "v4", To: "v1", Kind: Identity},
			{ID: "e7", From: "v3", To: "v1", Kind: Identity, Skip: true},
		},
		HeadID: "h8", NextID: 9,
	}
	want := []OpCount{
		{Op: "conv", Owner: "e5", Forward: 64, Backward: 64, Eval: 64},
		{Op: "conv", Owner: "e6", Forward: 32, Backward: 64, Eval: 32},
		{Op: "skip", Owner: "e7", Forward: 8, Backward: 0, Eval: 8}, // downsampling: no adds back
		{Op: "grad_fan_in", Owner: "v3", Backward: 32},              // read by e6 and e7
		{Op: "gap", Owner: "h8", Forward: 10, Backward: 8, Eval: 10},
		{Op: "fc", Owner: "h8", Forward: 10, Backward: 18, Eval: 10},
		{Op: "softmax_ce", Owner: "h8", Forward: 11, Backward: 5},
		{Op: "sgd_update", PerStep: 12 * 6},
	}
	got, err := g.OpCounts()
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("op counts\n got %+v\nwant %+v", got, want)
	}
}

func TestResizeBackward(t *testing.T) {
	cases := []struct {
		from, to Shape
		want     int64
	}{
		{Shape{H: 4, W: 4, C: 2}, Shape{H: 2, W: 2, C: 2}, 0},  // downsample: a scatter
		{Shape{H: 2, W: 2, C: 4}, Shape{H: 4, W: 4, C: 2}, 24}, // upsample ×2: 16−4 adds, 2 channels
		{Shape{H: 1, W: 1, C: 3}, Shape{H: 8, W: 8, C: 5}, 63 * 3},
		{Shape{H: 4, W: 4, C: 1}, Shape{H: 4, W: 4, C: 1}, 0},
	}
	for _, c := range cases {
		if got := resizeBackward(c.from, c.to); got != c.want {
			t.Errorf("resizeBackward(%v → %v) = %d, want %d", c.from, c.to, got, c.want)
		}
	}
}

func TestCostFixtureParams(t *testing.T) {
	// e6 16·3·3·3 = 432, v5 γβ 32, e8 32·16·3·5 = 7680, v7 γβ 64, head 32·10 + 10 = 330.
	n, err := fixture().Params()
	if err != nil || n != 8538 {
		t.Errorf("Params = %d, %v; want 8538", n, err)
	}
}

// TestCostReferenceNet checks the "full" reference net (Reference nets in train's package doc):
// 4 convs 3×3 (3→64, 64→64, 64→128 stride 2, 128→128), BN-ReLU after each, one identity skip,
// GAP, FC, batch 50: 28.8 GFLOP per training step.
func TestCostReferenceNet(t *testing.T) {
	g := &Genome{
		Input: Shape{H: 32, W: 32, C: 3}, Classes: 10, LearningRate: 0.1,
		Vertices: []Vertex{{ID: "v0", Activation: Linear}, {ID: "v1", Activation: BNReLU}, {ID: "v2", Activation: BNReLU},
			{ID: "v3", Activation: BNReLU}, {ID: "v4", Activation: BNReLU}},
		Edges: []Edge{
			{ID: "e5", From: "v0", To: "v1", Kind: Conv, Channels: 64, HalfH: 1, HalfW: 1},
			{ID: "e6", From: "v1", To: "v2", Kind: Conv, Channels: 64, HalfH: 1, HalfW: 1},
			{ID: "e7", From: "v2", To: "v3", Kind: Conv, Channels: 128, HalfH: 1, HalfW: 1, StrideScale: 1},
			{ID: "e8", From: "v3", To: "v4", Kind: Conv, Channels: 128, HalfH: 1, HalfW: 1},
			{ID: "e9", From: "v2", To: "v4", Kind: Identity, Skip: true},
		},
		HeadID: "h10", NextID: 11,
	}
	ft, err := g.TrainStepFLOPs(50)
	if err != nil {
		t.Fatal(err)
	}
	fv, _ := g.EvalBatchFLOPs(50)
	t.Logf("reference net: %.4g FLOPs per training step, %.4g per evaluation batch of 50", float64(ft), float64(fv))
	if math.Abs(float64(ft)/28.8e9-1) > 0.01 {
		t.Errorf("training step %.4g FLOPs, want 28.8e9 within 1%%", float64(ft))
	}
}

func TestCostOverflowAndBadInput(t *testing.T) {
	g := oneConv(0)
	g.Input = Shape{H: MaxInputSide, W: MaxInputSide, C: MaxChannels}
	g.Edges[0].Channels, g.Edges[0].HalfH, g.Edges[0].HalfW = MaxChannels, MaxHalf, MaxHalf
	if _, err := g.TrainStepFLOPs(50); !errors.Is(err, ErrOverflow) {
		t.Errorf("huge genome: %v, want ErrOverflow", err)
	}
	if _, err := g.Cost(10, 50, 10); !errors.Is(err, ErrOverflow) {
		t.Errorf("huge genome cost: %v, want ErrOverflow", err)
	}
	f := fixture()
	for name, err := range map[string]error{
		"batch 0":         second(f.TrainStepFLOPs(0)),
		"eval batch 0":    second(f.EvalBatchFLOPs(0)),
		"negative steps":  second(f.Cost(-1, 50, 10)),
		"negative eval":   second(f.Cost(1, 50, -10)),
		"invalid params":  second((&Genome{}).Params()),
		"invalid flops":   second((&Genome{}).TrainStepFLOPs(50)),
		"invalid opcount": second2((&Genome{}).OpCounts()),
	} {
		if err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

func second(_ int64, err error) error      { return err }
func second2(_ []OpCount, err error) error { return err }

// checkCosts checks Params, TrainStepFLOPs, EvalBatchFLOPs and their linearity in the batch.
func checkCosts(t *testing.T, g *Genome, params int64, batch int, train, eval int64) {
	t.Helper()
	if n, err := g.Params(); err != nil || n != params {
		t.Errorf("Params = %d, %v; want %d", n, err, params)
	}
	if f, err := g.TrainStepFLOPs(batch); err != nil || f != train {
		t.Errorf("TrainStepFLOPs(%d) = %d, %v; want %d", batch, f, err, train)
	}
	if f, err := g.EvalBatchFLOPs(batch); err != nil || f != eval {
		t.Errorf("EvalBatchFLOPs(%d) = %d, %v; want %d", batch, f, err, eval)
	}
	one, _ := g.EvalBatchFLOPs(1)
	if one*int64(batch) != eval {
		t.Errorf("evaluation FLOPs not linear in the batch: %d × %d ≠ %d", one, batch, eval)
	}
	t1, _ := g.TrainStepFLOPs(1)
	t2, _ := g.TrainStepFLOPs(2)
	if perExample := t2 - t1; t1+perExample*int64(batch-1) != train {
		t.Errorf("training FLOPs not affine in the batch")
	}
}
