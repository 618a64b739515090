package genome

import (
	"reflect"
	"strconv"
	"strings"
	"testing"
)

// Checks of TestMutations: each verifies that one mutation changed exactly what it claims.

func checkAlterLR(t *testing.T, p, c *Genome, d change, _ Record) {
	if d.counts() != (counts{}) || d.head || !d.lr {
		t.Errorf("alter-learning-rate changed more than the learning rate: %+v", d)
	}
	if f := c.LearningRate / p.LearningRate; f < 0.5 || f > 2 {
		t.Errorf("factor %v outside [0.5, 2]", f)
	}
}

func checkReset(t *testing.T, p, c *Genome, d change, _ Record) {
	if ArchHash(p) != ArchHash(c) || p.LearningRate != c.LearningRate {
		t.Errorf("reset-weights changed the architecture or the learning rate")
	}
	if want := p.NextID + len(p.Vertices) + len(p.Edges) + 1; c.NextID != want {
		t.Errorf("next_id %d, want %d", c.NextID, want)
	}
	pt, ct := tensorShapes(t, p), tensorShapes(t, c)
	if len(pt) != len(ct) {
		t.Errorf("%d tensors, parent had %d", len(ct), len(pt))
	}
	for id := range ct {
		if _, ok := pt[id]; ok {
			t.Errorf("child tensor %s has a parent ID: it would be inherited", id)
		}
	}
	if len(d.addedVertices) != len(p.Vertices) || len(d.addedEdges) != len(p.Edges) || !d.head {
		t.Errorf("not every ID renewed: %+v", d)
	}
}

func checkInsert(conv bool) func(t *testing.T, p, c *Genome, d change, rec Record) {
	return func(t *testing.T, p, c *Genome, d change, rec Record) {
		if d.counts() != (counts{addV: 1, addE: 1, chE: 1}) || d.lr || d.head {
			t.Fatalf("insert changed %+v (%s)", d, rec.Detail)
		}
		w := d.addedVertices[0]
		ne := edgeByID(t, c, d.addedEdges[0])
		old, moved := edgeByID(t, p, d.changedEdges[0]), edgeByID(t, c, d.changedEdges[0])
		if moved.From != w || moved.To != old.To || moved.Kind != old.Kind || moved.Channels != old.Channels {
			t.Errorf("old edge %+v became %+v: want only its source changed to %s", old, moved, w)
		}
		if ne.From != old.From || ne.To != w || ne.Skip {
			t.Errorf("new edge %+v: want %s→%s on the backbone", ne, old.From, w)
		}
		if wi, ui := c.vertexIndex(w), c.vertexIndex(old.From); wi != ui+1 {
			t.Errorf("new vertex at %d, its source at %d", wi, ui)
		}
		if want := []string{"v" + itoa(p.NextID)}; !reflect.DeepEqual(d.addedVertices, want) || ne.ID != "e"+itoa(p.NextID+1) {
			t.Errorf("fresh ids %v %s, want %v e%d", d.addedVertices, ne.ID, want, p.NextID+1)
		}
		pshapes, _ := p.Shapes()
		sameShapes := true
		if conv {
			if ne.Kind != Conv || ne.HalfH != 1 || ne.HalfW != 1 || ne.StrideScale > 1 || ne.Channels != pshapes[old.From].C {
				t.Errorf("new conv %+v: want 3×3, stride 1 or 2, %d channels", ne, pshapes[old.From].C)
			}
			sameShapes = ne.StrideScale == 0
		} else if ne.Kind != Identity || ne.Channels != 0 {
			t.Errorf("new edge %+v: want identity", ne)
		}
		pt, ct := tensorShapes(t, p), tensorShapes(t, c)
		for id, s := range pt {
			cs, ok := ct[id]
			if !ok {
				t.Errorf("parent tensor %s gone", id)
			} else if sameShapes && !reflect.DeepEqual(s, cs) {
				t.Errorf("tensor %s changed shape %v→%v", id, s, cs)
			}
		}
		fresh := 0
		for id := range ct {
			if _, ok := pt[id]; !ok {
				fresh++
				if !strings.HasPrefix(id, w+".") && !strings.HasPrefix(id, ne.ID+".") {
					t.Errorf("fresh tensor %s belongs to neither %s nor %s", id, w, ne.ID)
				}
			}
		}
		if want := map[bool]int{true: 1}[conv] + map[bool]int{true: 4}[c.Vertices[c.vertexIndex(w)].Activation == BNReLU]; fresh != want {
			t.Errorf("%d fresh tensors, want %d", fresh, want)
		}
	}
}

func checkRemoveConv(t *testing.T, p, c *Genome, d change, rec Record) {
	if len(d.removedVertices) != 1 || len(d.addedVertices)+len(d.changedVertices)+len(d.addedEdges) != 0 || len(d.changedEdges) != 1 {
		t.Fatalf("remove-convolution changed %+v (%s)", d, rec.Detail)
	}
	w := d.removedVertices[0]
	var conv Edge
	for _, id := range d.removedEdges {
		e := edgeByID(t, p, id)
		if !e.Skip {
			if conv.ID != "" || e.Kind != Conv || e.To != w {
				t.Fatalf("removed primary edges include %+v", e)
			}
			conv = e
		}
	}
	wi := p.vertexIndex(w)
	v := p.Vertices[wi+1].ID
	for _, id := range d.removedEdges {
		e := edgeByID(t, p, id)
		if e.Skip && e.From != w && e.To != w && (e.From != conv.From || e.To != v) {
			t.Errorf("skip %+v removed although it neither touches %s nor joins %s→%s", e, w, conv.From, v)
		}
	}
	for _, e := range p.Edges {
		if e.Skip && (e.From == w || e.To == w || (e.From == conv.From && e.To == v)) && c.edgeIndex(e.ID) >= 0 {
			t.Errorf("skip %s should have been removed", e.ID)
		}
	}
	rewired := edgeByID(t, c, d.changedEdges[0])
	if before := edgeByID(t, p, rewired.ID); before.From != w || rewired.From != conv.From || rewired.To != before.To {
		t.Errorf("edge %s: %+v became %+v, want it to start at %s", rewired.ID, before, rewired, conv.From)
	}
}

func checkAlterStride(t *testing.T, p, c *Genome, d change, rec Record) {
	if d.counts() != (counts{chE: 1}) {
		t.Fatalf("alter-stride changed %+v", d)
	}
	old, now := edgeByID(t, p, d.changedEdges[0]), edgeByID(t, c, d.changedEdges[0])
	delta := now.StrideScale - old.StrideScale
	now.StrideScale = old.StrideScale
	if old.Kind != Conv || (delta != 1 && delta != -1) || now != old {
		t.Errorf("alter-stride: %+v → %+v (%s)", old, edgeByID(t, c, old.ID), rec.Detail)
	}
}

func checkStrideTo(s int) func(t *testing.T, p, c *Genome, d change, rec Record) {
	return func(t *testing.T, p, c *Genome, d change, rec Record) {
		checkAlterStride(t, p, c, d, rec)
		if got := edgeByID(t, c, "e5").StrideScale; got != s {
			t.Errorf("stride scale %d, want %d", got, s)
		}
	}
}

func checkAlterChannels(t *testing.T, p, c *Genome, d change, rec Record) {
	if d.counts() == (counts{}) && strings.Contains(rec.Detail, "→") {
		return // the count came out unchanged (e.g. 16 × 1.01 → 16)
	}
	if d.counts() != (counts{chE: 1}) {
		t.Fatalf("alter-channels changed %+v", d)
	}
	old, now := edgeByID(t, p, d.changedEdges[0]), edgeByID(t, c, d.changedEdges[0])
	ch := now.Channels
	now.Channels = old.Channels
	if now != old || old.Kind != Conv || ch < (old.Channels+1)/2 || ch > 2*old.Channels {
		t.Errorf("alter-channels: %+v → %d channels", old, ch)
	}
}

func checkAlterFilter(t *testing.T, p, c *Genome, d change, rec Record) {
	if d.counts() != (counts{chE: 1}) {
		t.Fatalf("alter-filter-size changed %+v", d)
	}
	old, now := edgeByID(t, p, d.changedEdges[0]), edgeByID(t, c, d.changedEdges[0])
	h, n := old.HalfH, now.HalfH
	if now.HalfH == old.HalfH {
		h, n = old.HalfW, now.HalfW
		now.HalfW = old.HalfW
	} else {
		now.HalfH = old.HalfH
	}
	if now != old {
		t.Fatalf("alter-filter-size changed more than one half-size: %+v → %+v", old, edgeByID(t, c, old.ID))
	}
	if !allowedHalf(h, n) {
		t.Errorf("half-size %d → %d not allowed (%s)", h, n, rec.Detail)
	}
}

// allowedHalf reports whether n is a legal new half-size for h.
func allowedHalf(h, n int) bool {
	if h == 0 {
		return n == 1
	}
	return n != h && n >= h/2 && n <= min(2*h, MaxHalf)
}

func checkAddSkip(t *testing.T, p, c *Genome, d change, rec Record) {
	if d.counts() != (counts{addE: 1}) {
		t.Fatalf("add-skip changed %+v", d)
	}
	e := edgeByID(t, c, d.addedEdges[0])
	if !e.Skip || e.Kind != Identity || e.ID != "e"+itoa(p.NextID) || c.vertexIndex(e.To) < c.vertexIndex(e.From)+2 {
		t.Errorf("new skip %+v (%s)", e, rec.Detail)
	}
}

func checkRemoveSkip(t *testing.T, p, c *Genome, d change, rec Record) {
	if d.counts() != (counts{remE: 1}) || !edgeByID(t, p, d.removedEdges[0]).Skip {
		t.Fatalf("remove-skip changed %+v (%s)", d, rec.Detail)
	}
}

func itoa(n int) string { return strconv.Itoa(n) }
