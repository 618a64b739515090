package checkpoint

import (
	"math/rand/v2"
	"slices"
	"testing"

	"evo/genome"
)

// fill makes a checkpoint holding every tensor of g, each filled with a distinct value.
func fill(t *testing.T, g *genome.Genome) *Checkpoint {
	t.Helper()
	specs, err := g.Tensors()
	if err != nil {
		t.Fatal(err)
	}
	c := New()
	for i, s := range specs {
		n := 1
		for _, d := range s.Shape {
			n *= d
		}
		data := make([]float32, n)
		for j := range data {
			data[j] = float32(i + 1)
		}
		c.Tensors[s.ID] = &Tensor{Shape: s.Shape, Data: data}
	}
	return c
}

func TestInherit(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	parent := genome.Initial(genome.Shape{H: 8, W: 8, C: 1}, 10)
	var err error
	for {
		if parent, _, err = genome.InsertConvolution(parent, rng); err != nil {
			t.Fatal(err)
		}
		if specs, _ := parent.Tensors(); len(specs) > 3 {
			break
		}
	}
	pc := fill(t, parent)
	pspecs, _ := parent.Tensors()

	t.Run("nil parent", func(t *testing.T) {
		got, rep := Inherit(pspecs, nil)
		if len(got) != 0 || len(rep.Inherited) != 0 || len(rep.Reinitialised) != len(pspecs) || rep.Fraction != 0 {
			t.Fatalf("got %d, report %+v", len(got), rep)
		}
	})
	t.Run("identity child inherits everything", func(t *testing.T) {
		got, rep := Inherit(pspecs, pc)
		if len(got) != len(pspecs) || len(rep.Reinitialised) != 0 || rep.Fraction != 1 || rep.InheritedParams != rep.TotalParams {
			t.Fatalf("report %+v", rep)
		}
		for id, tt := range got {
			if &tt.Data[0] == &pc.Tensors[id].Data[0] {
				t.Fatalf("%s: inherited tensor aliases the parent's", id)
			}
		}
	})
	t.Run("channel change re-initialises exactly the changed shapes", func(t *testing.T) {
		child := parent.Clone()
		var changed string
		for i, e := range child.Edges {
			if e.Kind == genome.Conv {
				child.Edges[i].Channels = e.Channels + 3
				changed = e.ID
				break
			}
		}
		cspecs, err := child.Tensors()
		if err != nil {
			t.Fatal(err)
		}
		_, rep := Inherit(cspecs, pc)
		pshape := map[string][]int{}
		for _, s := range pspecs {
			pshape[s.ID] = s.Shape
		}
		var want []string
		var total, kept int64
		for _, s := range cspecs {
			n := int64(1)
			for _, d := range s.Shape {
				n *= int64(d)
			}
			if s.Trainable {
				total += n
			}
			if !slices.Equal(pshape[s.ID], s.Shape) {
				want = append(want, s.ID)
			} else if s.Trainable {
				kept += n
			}
		}
		slices.Sort(want)
		if !slices.Contains(rep.Reinitialised, changed+".w") || !slices.Equal(rep.Reinitialised, want) {
			t.Fatalf("reinitialised %v, want %v", rep.Reinitialised, want)
		}
		if rep.TotalParams != total || rep.InheritedParams != kept || rep.Fraction != float64(kept)/float64(total) {
			t.Fatalf("report %+v, want %d of %d", rep, kept, total)
		}
	})
	t.Run("reset-weights inherits nothing", func(t *testing.T) {
		child, _, err := genome.ResetWeights(parent, rng)
		if err != nil {
			t.Fatal(err)
		}
		cspecs, _ := child.Tensors()
		got, rep := Inherit(cspecs, pc)
		if len(got) != 0 || rep.Fraction != 0 {
			t.Fatalf("inherited %v", rep.Inherited)
		}
	})
}
