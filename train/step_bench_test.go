package train

import (
	"testing"

	"gorgonia.org/tensor"

	"evo/genome"
)

// BenchmarkStep times whole training steps (batch load, forward, backward, SGD update) of the
// reference nets at batch 50 on 32×32×3 inputs, with the custom ops and with the stock blocks.
// Profile one with, e.g.:
//
//	go test -run '^$' -bench 'Step/full/custom' -benchtime 20x -cpuprofile cpu.out ./train/
func BenchmarkStep(b *testing.B) {
	in, bn := genome.Shape{H: 32, W: 32, C: 3}, genome.BNReLU
	nets := []struct {
		name string
		g    *genome.Genome
	}{
		{"tiny", genome.Initial(in, 10)},
		{"mid", buildGenome(b, in, 10, 0.01, []layer{conv3(16, bn), {ch: 32, halfH: 1, halfW: 1, strideScale: 1, act: bn}, conv3(32, bn)}, nil)},
		{"full", fullNet(b, 0.01)},
	}
	for _, n := range nets {
		for _, stock := range []bool{false, true} {
			name := n.name + "/custom"
			if stock {
				name = n.name + "/stock"
			}
			b.Run(name, func(b *testing.B) { benchStep(b, n.g, 50, stock) })
		}
	}
}

func benchStep(b *testing.B, g *genome.Genome, batch int, stock bool) {
	m, err := buildModel(g, buildSpec{batch: batch, dtype: tensor.Float32, training: true, bnDecay: 0.9, bnEps: 1e-3, blocks: blocksFor(stock)})
	if err != nil {
		b.Fatal(err)
	}
	defer m.close()
	if err := m.setState(randomState(b, g, 1)); err != nil {
		b.Fatal(err)
	}
	x, y := randomBatch(g, batch, 2)
	opt := &sgd{lr: 0.01, momentum: 0.9, decay: 1e-4}
	step := func() {
		m.setBatch(x, y)
		if _, err := m.run(); err != nil {
			b.Fatal(err)
		}
		if err := opt.step(m.params); err != nil {
			b.Fatal(err)
		}
	}
	step()
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		step()
	}
}
