package sgemm

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// naive is the reference: a triple loop accumulating in float64.
func naive(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	for i := 0; i < m; i++ {
		for j := 0; j < n; j++ {
			var s float64
			for p := 0; p < k; p++ {
				ai, bi := i*lda+p, p*ldb+j
				if transA {
					ai = p*lda + i
				}
				if transB {
					bi = j*ldb + p
				}
				av, bv := a[ai], b[bi]
				s += float64(av) * float64(bv)
			}
			v := float64(alpha) * s
			if beta != 0 {
				v += float64(beta) * float64(c[i*ldc+j])
			}
			c[i*ldc+j] = float32(v)
		}
	}
}

type gemmCase struct {
	ta, tb           bool
	m, n, k          int
	padA, padB, padC int
	alpha, beta      float32
}

func (g gemmCase) String() string {
	t := func(b bool) string {
		if b {
			return "T"
		}
		return "N"
	}
	return fmt.Sprintf("%s%s_%dx%dx%d_pad%d,%d,%d_a%g_b%g", t(g.ta), t(g.tb), g.m, g.n, g.k, g.padA, g.padB, g.padC, g.alpha, g.beta)
}

// run checks one case with kernel ker against naive, C starting as NaNs when beta is zero.
func (g gemmCase) run(t *testing.T, ker *kernel, rng *rand.Rand) {
	t.Helper()
	ar, ac := g.m, g.k
	if g.ta {
		ar, ac = g.k, g.m
	}
	br, bc := g.k, g.n
	if g.tb {
		br, bc = g.n, g.k
	}
	lda, ldb, ldc := ac+g.padA, bc+g.padB, g.n+g.padC
	a := randSlice(rng, ar*lda)
	b := randSlice(rng, br*ldb)
	c := randSlice(rng, g.m*ldc)
	if g.beta == 0 {
		for i := range c {
			c[i] = float32(math.NaN())
		}
	}
	want := append([]float32(nil), c...)
	naive(g.ta, g.tb, g.m, g.n, g.k, g.alpha, a, lda, b, ldb, g.beta, want, ldc)
	got := append([]float32(nil), c...)
	sgemm(ker, g.ta, g.tb, g.m, g.n, g.k, g.alpha, a, lda, b, ldb, g.beta, got, ldc)
	tol := 1e-5 * float64(g.k+1)
	for i := 0; i < g.m; i++ {
		for j := 0; j < ldc; j++ {
			w, v := want[i*ldc+j], got[i*ldc+j]
			if j >= g.n { // padding must be untouched (NaN stays NaN)
				if math.Float32bits(w) != math.Float32bits(v) {
					t.Fatalf("%v %s: C[%d][%d] padding changed %g -> %g", g, ker.name, i, j, w, v)
				}
				continue
			}
			if math.IsNaN(float64(v)) || math.Abs(float64(w-v)) > tol*(1+math.Abs(float64(w))) {
				t.Fatalf("%v %s: C[%d][%d] = %g, want %g", g, ker.name, i, j, v, w)
			}
		}
	}
}

func randSlice(rng *rand.Rand, n int) []float32 {
	s := make([]float32, n)
	for i := range s {
		s[i] = rng.Float32()*2 - 1
	}
	return s
}

// testKernels are every kernel this CPU runs, plus the pure-Go kernel with the tile of each
// assembly kernel (so that the packing for each tile shape is checked against portable code).
func testKernels() []*kernel {
	ks := kernels()
	for _, k := range kernels() {
		if k.name != "go" {
			g := goKernel(k.mr, k.nr)
			g.name = "go-" + k.name
			ks = append(ks, g)
		}
	}
	return ks
}

// small blocks force every loop of the blocking to iterate several times on small inputs.
func small(k *kernel) *kernel {
	s := *k
	s.name += "-smallblocks"
	s.kc, s.mc, s.nc = 7, 2*k.mr, 3*k.nr
	return &s
}

func TestSgemm(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	sizes := []int{1, 2, 3, 5, 7, 8, 13, 16, 17, 31, 33, 65}
	defer func(f bool) { fastTranspose = f }(fastTranspose)
	for _, fast := range []bool{fastTranspose, false} {
		fastTranspose = fast
		for _, ker := range testKernels() {
			for _, ker := range []*kernel{ker, small(ker)} {
				t.Run(fmt.Sprintf("%s/fastTranspose=%v", ker.name, fast), func(t *testing.T) {
					for trial := 0; trial < 300; trial++ {
						g := gemmCase{
							ta: rng.IntN(2) == 0, tb: rng.IntN(2) == 0,
							m: sizes[rng.IntN(len(sizes))], n: sizes[rng.IntN(len(sizes))], k: sizes[rng.IntN(len(sizes))],
							padA: rng.IntN(3), padB: rng.IntN(3), padC: rng.IntN(3),
							alpha: []float32{1, -0.5, 2.5}[rng.IntN(3)],
							beta:  []float32{0, 1, -1.5, 0.25}[rng.IntN(4)],
						}
						g.run(t, ker, rng)
					}
				})
			}
		}
	}
}

// TestSgemmShapes covers the conv-shaped products and blocking boundaries with every transpose.
func TestSgemmShapes(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	shapes := [][3]int{{1, 1, 1}, {64, 256, 72}, {12, 32, 1}, {97, 300, 257}, {130, 70, 513}, {14, 4100, 3}}
	if testing.Short() {
		shapes = shapes[:3]
	}
	for _, ker := range kernels() {
		for _, s := range shapes {
			for tt := 0; tt < 4; tt++ {
				g := gemmCase{ta: tt&1 != 0, tb: tt&2 != 0, m: s[0], n: s[1], k: s[2], padA: 1, padC: 3, alpha: 1, beta: float32(tt % 2)}
				t.Run(ker.name+"/"+g.String(), func(t *testing.T) { g.run(t, ker, rng) })
			}
		}
	}
}

func TestSgemmDegenerate(t *testing.T) {
	nan := float32(math.NaN())
	// k = 0 and alpha = 0 scale C by beta without reading A or B; beta = 0 clears NaNs.
	for _, beta := range []float32{0, 2} {
		c := []float32{nan, 1, 2, 3}
		if beta != 0 {
			c[0] = 4
		}
		Sgemm(false, false, 2, 2, 0, 1, nil, 1, nil, 2, beta, c, 2)
		Sgemm(false, false, 2, 2, 3, 0, []float32{nan, nan, nan, nan, nan, nan}, 3, []float32{nan, nan, nan, nan, nan, nan}, 2, 1, c, 2)
		want := []float32{0, 0, 0, 0}
		if beta != 0 {
			want = []float32{8, 2, 4, 6}
		}
		for i := range c {
			if c[i] != want[i] {
				t.Fatalf("beta %g: c = %v, want %v", beta, c, want)
			}
		}
	}
	Sgemm(false, false, 0, 0, 0, 1, nil, 1, nil, 1, 0, nil, 1) // empty: no panic
}

func TestSgemmPanics(t *testing.T) {
	for name, f := range map[string]func(){
		"negative": func() { Sgemm(false, false, -1, 1, 1, 1, nil, 1, nil, 1, 0, nil, 1) },
		"lda": func() {
			Sgemm(false, false, 2, 2, 2, 1, make([]float32, 4), 1, make([]float32, 4), 2, 0, make([]float32, 4), 2)
		},
		"shortC": func() {
			Sgemm(false, false, 2, 2, 2, 1, make([]float32, 4), 2, make([]float32, 4), 2, 0, make([]float32, 3), 2)
		},
	} {
		t.Run(name, func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Fatal("no panic")
				}
			}()
			f()
		})
	}
}

func TestSgemmParallel(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	for tt := 0; tt < 4; tt++ {
		ta, tb := tt&1 != 0, tt&2 != 0
		m, n, k := 37, 301, 45
		ar, ac := m, k
		if ta {
			ar, ac = k, m
		}
		br, bc := k, n
		if tb {
			br, bc = n, k
		}
		a, b := randSlice(rng, ar*ac), randSlice(rng, br*bc)
		want, got := randSlice(rng, m*n), make([]float32, m*n)
		copy(got, want)
		naive(ta, tb, m, n, k, 1.5, a, ac, b, bc, 0.5, want, n)
		SgemmParallel(ta, tb, m, n, k, 1.5, a, ac, b, bc, 0.5, got, n)
		for i := range want {
			if math.Abs(float64(want[i]-got[i])) > 1e-4 {
				t.Fatalf("%v%v: c[%d] = %g, want %g", ta, tb, i, got[i], want[i])
			}
		}
	}
}

func TestSgemmAllocs(t *testing.T) {
	a, b, c := make([]float32, 64*576), make([]float32, 576*256), make([]float32, 64*256)
	Sgemm(false, false, 64, 256, 576, 1, a, 576, b, 256, 0, c, 256)
	if n := testing.AllocsPerRun(10, func() { Sgemm(false, false, 64, 256, 576, 1, a, 576, b, 256, 0, c, 256) }); n > 0.5 {
		t.Errorf("%g allocations per call, want 0", n)
	}
}
