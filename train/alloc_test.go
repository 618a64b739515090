package train

import (
	"math"
	"runtime"
	"testing"

	"gorgonia.org/tensor"
)

// TestStepAllocations runs whole training steps (load a batch, forward, backward, SGD update)
// of the reference nets and checks that a step allocates almost nothing: no activation- or
// gradient-sized buffer, only small headers and gorgonia's per-run bookkeeping.
func TestStepAllocations(t *testing.T) {
	for _, c := range referenceNets(t) {
		t.Run(c.name, func(t *testing.T) {
			m, err := buildModel(c.g, buildSpec{batch: c.batch, dtype: tensor.Float32, training: true, bnDecay: 0.9, bnEps: 1e-3})
			if err != nil {
				t.Fatal(err)
			}
			defer m.close()
			if err := m.setState(randomState(t, c.g, 1)); err != nil {
				t.Fatal(err)
			}
			x, y := randomBatch(c.g, c.batch, 2)
			opt := &sgd{lr: 0.01, momentum: 0.9, decay: 1e-4}
			step := func() {
				m.setBatch(x, y)
				if _, err := m.run(); err != nil {
					t.Fatal(err)
				}
				if err := opt.step(m.params); err != nil {
					t.Fatal(err)
				}
			}
			for range 3 {
				step()
			}
			// The least of three windows: a GC inside one empties the sync.Pool of GEMM scratch,
			// and the next steps would count refilling it. (No runtime.GC() for the same reason.)
			const steps = 10
			bytes, mallocs := uint64(math.MaxUint64), uint64(0)
			for range 3 {
				var before, after runtime.MemStats
				runtime.ReadMemStats(&before)
				for range steps {
					step()
				}
				runtime.ReadMemStats(&after)
				if b := (after.TotalAlloc - before.TotalAlloc) / steps; b < bytes {
					bytes, mallocs = b, (after.Mallocs-before.Mallocs)/steps
				}
			}
			in := c.g.Input
			input := uint64(c.batch * in.H * in.W * in.C * 4)
			t.Logf("per step: %d bytes in %d allocations (the input batch is %d bytes)", bytes, mallocs, input)
			if limit := max(input/4, 64<<10); bytes > limit {
				t.Errorf("a step allocates %d bytes, want at most %d", bytes, limit)
			}
		})
	}
}
