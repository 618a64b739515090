package onnx_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"evo/genome"
	"evo/train"
	"evo/train/checkpoint"
	"evo/train/data"
	"evo/train/onnx"
)

// The comparison with onnxruntime runs only with EVO_ONNX=1 (scripts/ci/onnx.sh sets it up):
// it needs Node with scripts/onnxcheck's dependencies installed (npm ci), Debian's python3-onnx
// and the CIFAR-10 binary set under $EVO_DATA.

const (
	ortExamples = 200  // test images per network
	ortMaxDiff  = 1e-4 // largest allowed |evo logit − onnxruntime logit|
	evolvedNets = 20
)

// ortNet is one network to compare: its genome, trained weights, the data set it reads and
// whether the exported graph includes the input normalisation.
type ortNet struct {
	name      string
	g         *genome.Genome
	ck        *checkpoint.Checkpoint
	d         *data.Dataset
	normalise bool
}

func TestONNXRuntimeMatchesEvo(t *testing.T) {
	if os.Getenv("EVO_ONNX") == "" {
		t.Skip("set EVO_ONNX=1 to compare exported models with onnxruntime (scripts/ci/onnx.sh)")
	}
	script, err := filepath.Abs("../../scripts/onnxcheck/run.js")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(filepath.Dir(script), "node_modules", "onnxruntime-node")); err != nil {
		t.Fatalf("onnxruntime-node is not installed: run `cd scripts/onnxcheck && ONNXRUNTIME_NODE_INSTALL=skip npm ci` (%v)", err)
	}
	python := os.Getenv("EVO_PYTHON")
	if python == "" {
		python = "/usr/bin/python3" // Debian's, where apt-get install python3-onnx puts onnx
	}
	ctx := context.Background()
	digits, err := data.Load(ctx, "digits", data.Options{})
	if err != nil {
		t.Fatal(err)
	}
	cifar, err := data.Load(ctx, "cifar10", data.Options{})
	if err != nil {
		t.Fatalf("the comparison runs on CIFAR-10 test images: set EVO_DATA to a directory holding cifar-10-batches-bin: %v", err)
	}
	nets := referenceNets(t, cifar)
	nets = append(nets, evolved(t, digits, cifar)...)

	dir := t.TempDir()
	type job struct {
		Model  string `json:"model"`
		Input  string `json:"input"`
		Dims   []int  `json:"dims"`
		Output string `json:"output"`
	}
	var jobs []job
	var models []string
	want := make([][]float32, len(nets))
	for i, n := range nets {
		var o onnx.Options
		if n.normalise {
			o.Mean, o.Std = n.d.Mean, n.d.Std
		}
		model := filepath.Join(dir, n.name+".onnx")
		var buf bytes.Buffer
		if err := onnx.Export(&buf, n.g, n.ck, o); err != nil {
			t.Fatalf("%s: %v", n.name, err)
		}
		if err := os.WriteFile(model, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		evoIn, ortIn := inputs(n)
		if want[i], err = train.Logits(ctx, n.g, n.ck, evoIn, ortExamples, 0); err != nil {
			t.Fatalf("%s: evo logits: %v", n.name, err)
		}
		writeF32(t, filepath.Join(dir, n.name+".in"), ortIn)
		jobs = append(jobs, job{Model: n.name + ".onnx", Input: n.name + ".in", Output: n.name + ".out",
			Dims: []int{ortExamples, n.g.Input.C, n.g.Input.H, n.g.Input.W}})
		models = append(models, model)
	}
	b, _ := json.Marshal(jobs)
	if err := os.WriteFile(filepath.Join(dir, "jobs.json"), b, 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command("node", script, filepath.Join(dir, "jobs.json")).CombinedOutput(); err != nil {
		t.Fatalf("node %s: %v\n%s", script, err, out)
	}
	check := "import onnx, sys\nfor p in sys.argv[1:]:\n    onnx.checker.check_model(onnx.load(p), full_check=True)\nprint('onnx', onnx.__version__, 'checked', len(sys.argv) - 1, 'models')"
	out, err := exec.Command(python, append([]string{"-c", check}, models...)...).CombinedOutput()
	if err != nil {
		t.Fatalf("the onnx checker (%s; apt-get install python3-onnx) refused a model: %v\n%s", python, err, out)
	}
	t.Logf("%s", strings.TrimSpace(string(out)))

	worst := 0.0
	for i, n := range nets {
		got := readF32(t, filepath.Join(dir, n.name+".out"))
		if len(got) != len(want[i]) {
			t.Fatalf("%s: onnxruntime gave %d logits, evo %d", n.name, len(got), len(want[i]))
		}
		diff, scale := 0.0, 0.0
		for j := range got {
			diff = max(diff, math.Abs(float64(got[j])-float64(want[i][j])))
			scale = max(scale, math.Abs(float64(want[i][j])))
		}
		k := n.g.Classes
		same := 0
		for e := range ortExamples {
			if argmax(got[e*k:(e+1)*k]) == argmax(want[i][e*k:(e+1)*k]) {
				same++
			}
		}
		worst = max(worst, diff)
		t.Logf("%-12s %-28s max |Δlogit| %.2e (logits up to %.3g), same prediction %d/%d", n.name, describe(n.g), diff, scale, same, ortExamples)
		if diff > ortMaxDiff || same != ortExamples {
			t.Errorf("%s: max difference %.3g (allowed %g), %d of %d predictions agree", n.name, diff, ortMaxDiff, same, ortExamples)
		}
	}
	t.Logf("%d networks, largest difference %.2e", len(nets), worst)
}

// referenceNets are the reference nets of train's tests (tiny, mid, full, odd-skips), trained
// a few steps: tiny, mid and full on CIFAR-10, odd-skips (7×7×2, non-square filters, 7→4
// resize, channel padding) on a synthetic set of its shape.
func referenceNets(t *testing.T, cifar *data.Dataset) []ortNet {
	bn, lin := genome.BNReLU, genome.Linear
	in := genome.Shape{H: 32, W: 32, C: 3}
	mid := chain(t, in, 10, []layer{{16, 1, 1, 0, bn}, {32, 1, 1, 1, bn}, {32, 1, 1, 0, bn}}, nil)
	full := chain(t, in, 10, []layer{{64, 1, 1, 0, bn}, {64, 1, 1, 0, bn}, {128, 1, 1, 1, bn}, {128, 1, 1, 0, bn}}, [][2]int{{2, 4}})
	odd := chain(t, genome.Shape{H: 7, W: 7, C: 2}, 4, []layer{{3, 1, 2, 0, bn}, {5, 1, 1, 1, bn}, {4, 0, 1, 0, lin}}, [][2]int{{0, 3}, {1, 3}})
	synth := data.Synthetic(400, 7, 7, 2, 4, 7)
	return []ortNet{
		trained(t, "tiny", genome.Initial(in, 10), cifar, 1, 0),
		trained(t, "mid", mid, cifar, 2, 0),
		trained(t, "full", full, cifar, 3, 0),
		trained(t, "odd-skips", odd, synth, 4, 0),
	}
}

// evolved returns evolvedNets genomes grown from the initial individual by random mutation
// chains, half on digits (8×8) and half on CIFAR-10, each trained a few steps. Together they
// must hold skips, non-square filters, stride-2 convolutions and channel truncation and padding.
func evolved(t *testing.T, digits, cifar *data.Dataset) []ortNet {
	rng := rand.New(rand.NewPCG(13, 17))
	var out []ortNet
	var skips, nonSquare, strided, truncated, padded int
	for len(out) < evolvedNets {
		d := digits
		if len(out)%2 == 1 {
			d = cifar
		}
		g := genome.Initial(genome.Shape{H: d.H, W: d.W, C: d.C}, d.Classes)
		g, _, err := genome.Mutate(g, rng, 10+rng.IntN(25))
		if err != nil {
			t.Fatal(err)
		}
		n := trained(t, fmt.Sprintf("evolved-%02d", len(out)), g, d, int64(100+len(out)), 4e9)
		if n.ck == nil {
			continue // too large for a quick test: draw another
		}
		n.normalise = true
		shapes, err := g.Shapes()
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range g.Edges {
			if e.Skip && shapes[e.From].C > shapes[e.To].C {
				truncated++
			}
			if e.Skip && shapes[e.From].C < shapes[e.To].C {
				padded++
			}
			if e.Skip {
				skips++
			}
			if e.Kind == genome.Conv && e.HalfH != e.HalfW {
				nonSquare++
			}
			if e.Kind == genome.Conv && e.StrideScale > 0 {
				strided++
			}
		}
		out = append(out, n)
	}
	if skips == 0 || nonSquare == 0 || strided == 0 || truncated == 0 || padded == 0 {
		t.Fatalf("the evolved genomes hold %d skips (%d truncating, %d padding channels), %d non-square and %d strided convolutions: change the seed so that each appears",
			skips, truncated, padded, nonSquare, strided)
	}
	t.Logf("evolved genomes: %d skips (%d truncating, %d padding channels), %d non-square filters, %d strided convolutions",
		skips, truncated, padded, nonSquare, strided)
	return out
}

// trained trains g for a few steps from scratch on d and returns it with its weights; ck is nil
// when a training step of g would cost more than maxStepFLOPs (0: no cap).
func trained(t *testing.T, name string, g *genome.Genome, d *data.Dataset, seed, maxStepFLOPs int64) ortNet {
	t.Helper()
	var w bytes.Buffer
	res, err := train.Train(context.Background(), g, nil, d, train.Config{
		Steps: 12, BatchSize: 16, MaxEvalExamples: 16, MaxStepFLOPs: maxStepFLOPs, Seed: seed,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
	}, &w)
	if err != nil {
		t.Fatalf("%s: train: %v", name, err)
	}
	if res.Status == train.StatusTooLarge {
		return ortNet{name: name, g: g, d: d}
	}
	if res.Status != train.StatusOK {
		t.Fatalf("%s: training %s: %s", name, res.Status, res.Reason)
	}
	ck, err := checkpoint.Read(&w, checkpoint.Limits{})
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return ortNet{name: name, g: g, ck: ck, d: d}
}

// inputs returns the first ortExamples test images of n's data set as evo reads them
// (normalised) and as the exported model reads them (normalised too, or pixels/255 when the
// graph normalises).
func inputs(n ortNet) (evoIn, ortIn []float32) {
	d, s := n.d, n.d.Test
	size := d.ExampleSize()
	evoIn = make([]float32, ortExamples*size)
	idx := make([]int, ortExamples)
	for i := range idx {
		idx[i] = i % s.Len()
	}
	d.Batch(s, idx, false, nil, evoIn, make([]int, ortExamples))
	if !n.normalise {
		return evoIn, evoIn
	}
	ortIn = make([]float32, 0, len(evoIn))
	for _, i := range idx {
		for _, p := range s.Image(i) {
			ortIn = append(ortIn, float32(p)/255)
		}
	}
	return evoIn, ortIn
}

// layer is one backbone step of chain: a conv (ch > 0) or identity, then the activation.
type layer struct {
	ch, halfH, halfW, strideScale int
	act                           genome.Activation
}

// chain builds input → layers… with the given skips (pairs of backbone indices).
func chain(t *testing.T, in genome.Shape, classes int, layers []layer, skips [][2]int) *genome.Genome {
	t.Helper()
	g := &genome.Genome{Input: in, Classes: classes, LearningRate: 0.01}
	next := 0
	id := func(p string) string { next++; return fmt.Sprintf("%s%d", p, next-1) }
	g.Vertices = append(g.Vertices, genome.Vertex{ID: id("v"), Activation: genome.Linear})
	for _, l := range layers {
		v := genome.Vertex{ID: id("v"), Activation: l.act}
		e := genome.Edge{ID: id("e"), From: g.Vertices[len(g.Vertices)-1].ID, To: v.ID, Kind: genome.Identity}
		if l.ch > 0 {
			e.Kind, e.Channels, e.HalfH, e.HalfW, e.StrideScale = genome.Conv, l.ch, l.halfH, l.halfW, l.strideScale
		}
		g.Vertices = append(g.Vertices, v)
		g.Edges = append(g.Edges, e)
	}
	for _, s := range skips {
		g.Edges = append(g.Edges, genome.Edge{ID: id("e"), From: g.Vertices[s[0]].ID, To: g.Vertices[s[1]].ID, Kind: genome.Identity, Skip: true})
	}
	g.HeadID = id("h")
	g.NextID = next
	if err := g.Validate(); err != nil {
		t.Fatal(err)
	}
	return g
}

// describe summarises a genome: vertices, convolutions (with strided and non-square ones), skips.
func describe(g *genome.Genome) string {
	var conv, skip int
	for _, e := range g.Edges {
		if e.Skip {
			skip++
		} else if e.Kind == genome.Conv {
			conv++
		}
	}
	return fmt.Sprintf("%dx%dx%d %d vertices %d convs %d skips", g.Input.H, g.Input.W, g.Input.C, len(g.Vertices), conv, skip)
}

func argmax(v []float32) int {
	best := 0
	for i, x := range v {
		if x > v[best] {
			best = i
		}
	}
	return best
}

func writeF32(t *testing.T, path string, v []float32) {
	b := make([]byte, 4*len(v))
	for i, x := range v {
		binary.LittleEndian.PutUint32(b[4*i:], math.Float32bits(x))
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

func readF32(t *testing.T, path string) []float32 {
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	v := make([]float32, len(b)/4)
	for i := range v {
		v[i] = math.Float32frombits(binary.LittleEndian.Uint32(b[4*i:]))
	}
	return v
}
