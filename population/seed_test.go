package population

import (
	"bytes"
	"testing"

	"evo/genome"
)

func TestChildSeed(t *testing.T) {
	seen := map[int64]string{}
	for _, exp := range []int64{0, 1, -1, 1 << 62} {
		for _, key := range []string{"w/1", "w/2", "v/1", ""} {
			s := ChildSeed(exp, key)
			if s != ChildSeed(exp, key) {
				t.Fatalf("ChildSeed(%d, %q) is not deterministic", exp, key)
			}
			if s < 0 || s > seedMask {
				t.Errorf("ChildSeed(%d, %q) = %d, not in [0, 2^53)", exp, key, s)
			}
			if prev, dup := seen[s]; dup {
				t.Errorf("ChildSeed collision: (%d, %q) and %s", exp, key, prev)
			}
			seen[s] = key
		}
	}
	if WorkerSeed(1, "w/1") == ChildSeed(1, "w/1") {
		t.Error("worker and child seeds of the same name coincide")
	}
}

func TestReproduce(t *testing.T) {
	g := genome.Initial(testInput, testClasses)
	for _, tc := range []struct {
		name  string
		n     int
		reset bool
	}{{"one", 1, false}, {"five", 5, false}, {"reset", 1, true}, {"none", 0, false}} {
		t.Run(tc.name, func(t *testing.T) {
			a, recA, err := Reproduce(g, 42, tc.n, tc.reset)
			if err != nil {
				t.Fatal(err)
			}
			b, _, err := Reproduce(g, 42, tc.n, tc.reset)
			if err != nil {
				t.Fatal(err)
			}
			ea, _ := genome.Encode(a)
			eb, _ := genome.Encode(b)
			if !bytes.Equal(ea, eb) {
				t.Error("same seed, different child")
			}
			want := tc.n
			if tc.reset {
				want++
				if recA[0].Name != "reset-weights" {
					t.Errorf("first record %q, want reset-weights", recA[0].Name)
				}
				pt, _ := g.Tensors()
				ct, _ := a.Tensors()
				for _, p := range pt {
					for _, c := range ct {
						if p.ID == c.ID {
							t.Errorf("reset child shares tensor id %s with its parent", p.ID)
						}
					}
				}
			}
			if len(recA) != want {
				t.Errorf("%d records, want %d", len(recA), want)
			}
			m := Meta{Mutations: recA, Reset: tc.reset}
			if m.MutationCount() != tc.n {
				t.Errorf("MutationCount %d, want %d", m.MutationCount(), tc.n)
			}
		})
	}
	differ := false
	ref, _, _ := Reproduce(g, 1, 3, false)
	er, _ := genome.Encode(ref)
	for seed := int64(2); seed < 20 && !differ; seed++ {
		c, _, _ := Reproduce(g, seed, 3, false)
		ec, _ := genome.Encode(c)
		differ = !bytes.Equal(ec, er)
	}
	if !differ {
		t.Error("19 seeds gave the same child")
	}
}
