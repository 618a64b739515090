package train

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"testing"

	"gorgonia.org/tensor"

	"evo/genome"
	"evo/train/checkpoint"
	"evo/train/data"
)

func TestTrainBadInputs(t *testing.T) {
	d := data.Synthetic(40, 6, 6, 1, 3, 1)
	good := buildGenome(t, genome.Shape{H: 6, W: 6, C: 1}, 3, 0.1, []layer{conv3(2, genome.BNReLU)}, nil)
	invalid := good.Clone()
	invalid.Edges[0].Channels = 0
	wrongShape := buildGenome(t, genome.Shape{H: 5, W: 6, C: 1}, 3, 0.1, []layer{{act: genome.Linear}}, nil)
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	cases := []struct {
		name string
		ctx  context.Context
		g    *genome.Genome
		d    *data.Dataset
		cfg  Config
		want error
	}{
		{"nil genome", context.Background(), nil, d, Config{}, ErrInput},
		{"invalid genome", context.Background(), invalid, d, Config{}, genome.ErrInvalid},
		{"nil data", context.Background(), good, nil, Config{}, ErrInput},
		{"shape mismatch", context.Background(), wrongShape, d, Config{}, ErrInput},
		{"bad config", context.Background(), good, d, Config{BNDecay: 1.5}, ErrConfig},
		{"negative steps", context.Background(), good, d, Config{Steps: -1}, ErrConfig},
		{"cancelled", cancelled, good, d, Config{Steps: 5}, context.Canceled},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			c.cfg.Logger = quiet
			res, err := Train(c.ctx, c.g, nil, c.d, c.cfg, io.Discard)
			if !errors.Is(err, c.want) {
				t.Fatalf("error %v, want %v", err, c.want)
			}
			if math.IsNaN(res.Fitness) || res.Fitness != 0 {
				t.Fatalf("fitness %v on error", res.Fitness)
			}
		})
	}
}

// stepCtx reports cancellation from its cancelAt+1-th Err call on; Train checks ctx once
// before it starts and once before every step.
type stepCtx struct {
	context.Context
	calls, cancelAt int
}

func (c *stepCtx) Err() error {
	c.calls++
	if c.calls > c.cancelAt {
		return context.Canceled
	}
	return nil
}

func TestTrainCancelWithinOneStep(t *testing.T) {
	d := data.Synthetic(40, 6, 6, 1, 3, 1)
	g := buildGenome(t, genome.Shape{H: 6, W: 6, C: 1}, 3, 0.1, []layer{conv3(2, genome.BNReLU)}, nil)
	ctx := &stepCtx{Context: context.Background(), cancelAt: 4}
	res, err := Train(ctx, g, nil, d, Config{Steps: 100, BatchSize: 5, Logger: quiet}, io.Discard)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("error %v, want context.Canceled", err)
	}
	if res.Steps != 3 {
		t.Fatalf("ran %d steps after cancellation at the 4th check, want 3", res.Steps)
	}
}

func TestTrainTooLarge(t *testing.T) {
	d := data.Synthetic(40, 6, 6, 1, 3, 1)
	g := buildGenome(t, genome.Shape{H: 6, W: 6, C: 1}, 3, 0.1, []layer{conv3(64, genome.BNReLU)}, nil)
	for _, cfg := range []Config{{MaxParams: 100}, {MaxStepFLOPs: 1000}} {
		cfg.Logger = quiet
		var out bytes.Buffer
		res, err := Train(context.Background(), g, nil, d, cfg, &out)
		if err != nil {
			t.Fatal(err)
		}
		if res.Status != StatusTooLarge || res.Fitness != 0 || res.Reason == "" || res.Steps != 0 || out.Len() != 0 {
			t.Fatalf("%+v: got %+v, %d bytes written; want too-large, nothing trained or written", cfg, res, out.Len())
		}
	}
}

func TestTrainDiverges(t *testing.T) {
	d := data.Synthetic(40, 6, 6, 1, 3, 1)
	g := buildGenome(t, genome.Shape{H: 6, W: 6, C: 1}, 3, 1e12, []layer{conv3(4, genome.Linear), conv3(4, genome.Linear)}, nil)
	var out bytes.Buffer
	res, err := Train(context.Background(), g, nil, d, Config{Steps: 50, BatchSize: 8, Logger: quiet}, &out)
	if err != nil {
		t.Fatal(err)
	}
	if res.Status != StatusDiverged || res.Fitness != 0 || math.IsNaN(res.FinalLoss) || res.Reason == "" {
		t.Fatalf("got %+v, want diverged with fitness 0 and a reason", res)
	}
	ck, err := checkpoint.Read(&out, checkpoint.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	for id, tt := range ck.Tensors {
		for _, v := range tt.Data {
			if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
				t.Fatalf("diverged checkpoint holds non-finite %s", id)
			}
		}
	}
	t.Logf("reason: %s", res.Reason)
}

// TestFLOPsMatchGenome: the matrix-product FLOPs counted on the built graph equal genome's conv
// and head counts exactly (plus the image gradient the stock conv computes), and the totals agree
// within 10% (the rest is elementwise work that gorgonia splits into different ops), for the
// custom ops and for the stock blocks.
func TestFLOPsMatchGenome(t *testing.T) {
	cases := map[string]*genome.Genome{
		"full": fullNet(t, 0.1),
		"skips": buildGenome(t, genome.Shape{H: 16, W: 16, C: 3}, 10, 0.1, []layer{
			conv3(16, genome.BNReLU), {ch: 32, halfH: 1, halfW: 2, strideScale: 1, act: genome.BNReLU}, conv3(24, genome.Linear)}, [][2]int{{1, 3}}),
	}
	for name, g := range cases {
		for _, stock := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/stock=%v", name, stock), func(t *testing.T) {
				testFLOPsMatchGenome(t, g, stock)
			})
		}
	}
}

func testFLOPsMatchGenome(t *testing.T, g *genome.Genome, stock bool) {
	const b = 50
	m, err := buildModel(g, buildSpec{batch: b, dtype: tensor.Float32, training: true, bnDecay: 0.9, bnEps: 1e-3, blocks: blocksFor(stock)})
	if err == nil {
		defer m.close()
	}
	if err != nil {
		t.Fatal(err)
	}
	ops, err := g.OpCounts()
	if err != nil {
		t.Fatal(err)
	}
	var wantMM int64
	for _, op := range ops {
		if op.Op == "conv" {
			wantMM += b * (op.Forward + op.Backward)
		}
	}
	// The stock conv also computes the gradient of the loss with respect to the input
	// image through the first conv (genome rightly leaves it out, and so does the
	// custom conv): one more forward's worth.
	if e, _ := g.PrimaryIn(g.Vertices[1].ID); e.Kind == genome.Conv && stock {
		wantMM += b * ops[0].Forward
	}
	shapes, _ := g.Shapes()
	c := int64(shapes[g.OutputVertex().ID].C)
	wantMM += b * 2 * c * int64(g.Classes) * 3 // forward, weight gradient, input gradient
	f := graphFLOPs(m.g)
	if stock {
		f = stockGraphFLOPs(t, m.g, true)
	}
	if f.MatMul != wantMM {
		t.Fatalf("graph matrix-product FLOPs %d, genome's conv+fc %d", f.MatMul, wantMM)
	}
	params, _ := g.Params()
	got := f.Total() + sgdFLOPsPerParam*params
	want, _ := g.TrainStepFLOPs(b)
	if r := float64(got) / float64(want); r < 0.9 || r > 1.1 {
		t.Fatalf("measured step FLOPs %d, genome %d (ratio %.3f)", got, want, r)
	}
	t.Logf("step FLOPs measured %d, genome %d", got, want)
}

// fullNet is the reference net "full" (package doc): 4 convs 3×3 (3→64, 64→64, 64→128 stride 2,
// 128→128), BN-ReLU after each, one identity skip, GAP, FC.
func fullNet(t testing.TB, lr float64) *genome.Genome {
	return buildGenome(t, genome.Shape{H: 32, W: 32, C: 3}, 10, lr, []layer{
		conv3(64, genome.BNReLU), conv3(64, genome.BNReLU),
		{ch: 128, halfH: 1, halfW: 1, strideScale: 1, act: genome.BNReLU}, conv3(128, genome.BNReLU),
	}, [][2]int{{2, 4}})
}
