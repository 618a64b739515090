package train

import (
	"bytes"
	"context"
	"runtime"
	"testing"
	"weak"

	"gorgonia.org/tensor"

	"evo/train/checkpoint"
)

// TestModelsAreCollected: every model that Train and Evaluate build (a training and an
// evaluation graph each) is garbage once they return. gorgonia sets a finalizer on its tape
// machine, and Go never frees a reference cycle that contains an object with a finalizer: a
// pointer from the machine's graph back into the model (the value readers once pointed at
// model fields) would keep every model of a worker alive. Models are watched through weak
// pointers, which do not keep them alive; a test model that is not closed must go too.
func TestModelsAreCollected(t *testing.T) {
	d := loadDigits(t)
	g := digitsNet(t)
	var built []weak.Pointer[model]
	testHookBuilt = func(m *model) { built = append(built, weak.Make(m)) }
	defer func() { testHookBuilt = nil }()

	var ck bytes.Buffer
	res, err := Train(context.Background(), g, nil, d, Config{Steps: 5, BatchSize: 20, Seed: 1, Logger: quiet}, &ck)
	if err != nil || res.Status != StatusOK {
		t.Fatalf("train: %v (status %q, reason %q)", err, res.Status, res.Reason)
	}
	c, err := checkpoint.Read(&ck, checkpoint.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := Evaluate(context.Background(), g, c, d, d.Val, 50); err != nil {
		t.Fatal(err)
	}
	// A model that is run but never closed.
	m, err := buildModel(g, buildSpec{batch: 4, dtype: tensor.Float32, training: true})
	if err != nil {
		t.Fatal(err)
	}
	x, y := randomBatch(g, 4, 1)
	m.setBatch(x, y)
	if _, err := m.run(); err != nil {
		t.Fatal(err)
	}
	if len(built) != 4 {
		t.Fatalf("%d models built, want 4 (training and evaluation in Train, one in Evaluate, one here)", len(built))
	}
	runtime.KeepAlive(m)
	m = nil

	// The machine's finalizer runs in one cycle and its referents go in a later one.
	for range 4 {
		runtime.GC()
	}
	for i, w := range built {
		if w.Value() != nil {
			t.Errorf("model %d of %d (train's training and evaluation models, Evaluate's, an unclosed one) is still alive after 4 collections", i+1, len(built))
		}
	}
}
