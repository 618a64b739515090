package vec

import (
	"math"
	"math/rand/v2"
	"testing"
)

// lengths covers the empty slice, tails only, exact multiples of 8 and 16 and 32, and tails after
// each unrolled loop.
var lengths = []int{0, 1, 7, 8, 9, 15, 16, 17, 31, 32, 33, 47, 64, 100, 1023, 1024, 4099}

func randSlice(rng *rand.Rand, n int) []float32 {
	x := make([]float32, n)
	for i := range x {
		x[i] = float32(rng.NormFloat64())
	}
	return x
}

// withGo runs f with the assembly switched off.
func withGo(f func()) {
	saved := fast
	fast = false
	defer func() { fast = saved }()
	f()
}

// near reports whether a and b agree to a relative tolerance tol (sums in a different order).
func near(a, b, tol float64) bool {
	return math.Abs(a-b) <= tol*(1+math.Max(math.Abs(a), math.Abs(b)))
}

func TestAgainstGo(t *testing.T) {
	if !fast {
		t.Log("no AVX2+FMA on this CPU: the Go loops are compared with themselves")
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for _, n := range lengths {
		// Offsets of 0..3 floats start the slices at every alignment.
		for off := 0; off < 4; off++ {
			x := randSlice(rng, n+off)[off:]
			y := randSlice(rng, n+off)[off:]
			dy := randSlice(rng, n+off)[off:]

			a, b := append([]float32(nil), y...), append([]float32(nil), y...)
			Add(a, x)
			withGo(func() { Add(b, x) })
			for i := range a {
				if a[i] != b[i] || a[i] != y[i]+x[i] {
					t.Fatalf("Add n=%d off=%d: [%d] = %v, Go %v, want %v", n, off, i, a[i], b[i], y[i]+x[i])
				}
			}

			var want float64
			for _, v := range x {
				want += float64(v)
			}
			if s := Sum(x); !near(float64(s), want, 1e-5) {
				t.Fatalf("Sum n=%d: %v, want %v", n, s, want)
			}

			var s1, q1, s2, q2 float64
			Moments(x, 0.25, &s1, &q1)
			withGo(func() { Moments(x, 0.25, &s2, &q2) })
			if !near(s1, s2, 1e-12) || !near(q1, q2, 1e-12) {
				t.Fatalf("Moments n=%d: (%v, %v), Go (%v, %v)", n, s1, q1, s2, q2)
			}

			ga, gb := make([]float32, n), make([]float32, n)
			var sg1, sgx1, sg2, sgx2 float64
			GradSums(ga, x, dy, 1.5, -0.2, 0.1, &sg1, &sgx1)
			withGo(func() { GradSums(gb, x, dy, 1.5, -0.2, 0.1, &sg2, &sgx2) })
			for i := range ga {
				// FMA in the assembly may round a·x+s differently right at zero; the values here
				// are random normals, so an exact tie would be a bug.
				if ga[i] != gb[i] {
					t.Fatalf("GradSums n=%d: g[%d] = %v, Go %v", n, i, ga[i], gb[i])
				}
				if m := 1.5*x[i] - 0.2; (m > 0) != (ga[i] == dy[i]) && dy[i] != 0 {
					t.Fatalf("GradSums n=%d: mask at %d wrong (a·x+s = %v, g %v, dy %v)", n, i, m, ga[i], dy[i])
				}
			}
			// The assembly sums blocks in float32: compare on the scale of the absolute terms.
			var absG, absGX float64
			for i := range gb {
				absG += math.Abs(float64(gb[i]))
				absGX += math.Abs(float64(gb[i]) * (float64(x[i]) - 0.1))
			}
			if math.Abs(sg1-sg2) > 1e-6*(1+absG) || math.Abs(sgx1-sgx2) > 1e-6*(1+absGX) {
				t.Fatalf("GradSums n=%d: sums (%v, %v), Go (%v, %v)", n, sg1, sgx1, sg2, sgx2)
			}

			ra, rb := make([]float32, n), make([]float32, n)
			ScaleShiftReLU(ra, x, 0.7, 0.1)
			withGo(func() { ScaleShiftReLU(rb, x, 0.7, 0.1) })
			for i := range ra {
				want := max(float64(0.7*x[i]+0.1), 0)
				if !near(float64(ra[i]), want, 1e-6) || !near(float64(rb[i]), want, 1e-6) || ra[i] < 0 {
					t.Fatalf("ScaleShiftReLU n=%d: [%d] = %v, Go %v, want %v", n, i, ra[i], rb[i], want)
				}
			}

			fa, fb := append([]float32(nil), y...), append([]float32(nil), y...)
			AffineSub(fa, x, 0.9, 0.3, -0.05)
			withGo(func() { AffineSub(fb, x, 0.9, 0.3, -0.05) })
			for i := range fa {
				want := 0.9*float64(y[i]) - (0.3*float64(x[i]) - 0.05)
				if !near(float64(fa[i]), want, 1e-6) || !near(float64(fb[i]), want, 1e-6) {
					t.Fatalf("AffineSub n=%d: [%d] = %v, Go %v, want %v", n, i, fa[i], fb[i], want)
				}
			}
		}
	}
}

// TestBytes: the assembly and ByteValue agree bit for bit on every byte, for the normalisations
// of the data sets evo reads and for random ones, at every length.
func TestBytes(t *testing.T) {
	type norm struct{ mean, std float64 }
	norms := []norm{{0.4914, 0.2470}, {0.4822, 0.2435}, {0.4465, 0.2616}, {0.1307, 0.3081}, {0.2860, 0.3530}, {0, 1}, {0.5, 1}}
	rng := rand.New(rand.NewPCG(5, 6))
	for range 50 {
		norms = append(norms, norm{rng.Float64(), 0.01 + rng.Float64()})
	}
	all := make([]uint8, 256+7)
	for i := range all {
		all[i] = uint8(i)
	}
	for _, nm := range norms {
		a, b := float32(1/(255*nm.std)), float32(-nm.mean/nm.std)
		dst := make([]float32, len(all))
		Bytes(dst, all, a, b)
		for i, v := range all {
			if want := ByteValue(v, a, b); dst[i] != want {
				t.Fatalf("mean %v std %v: byte %d → %v, ByteValue %v", nm.mean, nm.std, v, dst[i], want)
			}
			// a and b are rounded to float32: the error scales with the terms, not their sum.
			exact := float64(v)/(255*nm.std) - nm.mean/nm.std
			if scale := 1 + float64(v)/(255*nm.std) + nm.mean/nm.std; math.Abs(float64(dst[i])-exact) > 1e-6*scale {
				t.Fatalf("mean %v std %v: byte %d → %v, want %v", nm.mean, nm.std, v, dst[i], exact)
			}
		}
	}
	for _, n := range lengths {
		src := make([]uint8, n)
		for i := range src {
			src[i] = uint8(rng.IntN(256))
		}
		dst := make([]float32, n+1)
		dst[n] = 7
		Bytes(dst[:n], src, 0.01, -0.5)
		for i := range src {
			if dst[i] != ByteValue(src[i], 0.01, -0.5) {
				t.Fatalf("n=%d: [%d] = %v, want %v", n, i, dst[i], ByteValue(src[i], 0.01, -0.5))
			}
		}
		if dst[n] != 7 {
			t.Fatalf("n=%d: wrote past dst", n)
		}
	}
}

// TestReLUSpecialValues: the sign bit decides, in the assembly and in Go alike.
func TestReLUSpecialValues(t *testing.T) {
	nan, negNaN := float32(math.NaN()), math.Float32frombits(math.Float32bits(float32(math.NaN()))|1<<31)
	in := []float32{float32(math.Inf(-1)), float32(math.Copysign(0, -1)), -1, 0, 1, float32(math.Inf(1)), nan, negNaN}
	src := append(append([]float32(nil), in...), in...) // 16: the assembly takes all of it
	for _, impl := range []string{"asm", "go"} {
		dst := make([]float32, len(src))
		run := func() { ScaleShiftReLU(dst, src, 1, 0) }
		if impl == "go" {
			withGo(run)
		} else {
			run()
		}
		for i, v := range dst {
			x := src[i]
			switch {
			case math.Float32bits(x)>>31 != 0:
				if math.Float32bits(v) != 0 {
					t.Errorf("%s: relu(%v) = %v, want +0", impl, x, v)
				}
			case x != x:
				if v == v {
					t.Errorf("%s: relu(NaN) = %v, want NaN", impl, v)
				}
			case v != x:
				t.Errorf("%s: relu(%v) = %v", impl, x, v)
			}
		}
	}
}

func benchN(b *testing.B, f func(x, y, z []float32)) {
	const n = 16 * 16 * 32
	rng := rand.New(rand.NewPCG(1, 2))
	x, y, z := randSlice(rng, n), randSlice(rng, n), randSlice(rng, n)
	b.SetBytes(4 * n)
	for b.Loop() {
		f(x, y, z)
	}
}

func BenchmarkAdd(b *testing.B) { benchN(b, func(x, y, _ []float32) { Add(y, x) }) }
func BenchmarkSum(b *testing.B) { benchN(b, func(x, _, _ []float32) { Sum(x) }) }
func BenchmarkReLU(b *testing.B) {
	benchN(b, func(x, y, _ []float32) { ScaleShiftReLU(y, x, 1.1, 0.1) })
}
func BenchmarkGradSums(b *testing.B) {
	benchN(b, func(x, y, z []float32) { var s, q float64; GradSums(z, x, y, 1.1, 0.1, 0, &s, &q) })
}
func BenchmarkMoments(b *testing.B) {
	benchN(b, func(x, _, _ []float32) { var s, q float64; Moments(x, 0, &s, &q) })
}
