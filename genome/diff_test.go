package genome

import (
	"reflect"
	"sort"
	"testing"
)

// change summarises how a child differs from its parent, part by part, keyed by ID.
type change struct {
	addedVertices, removedVertices, changedVertices []string
	addedEdges, removedEdges, changedEdges          []string
	lr, head, frame                                 bool
}

// diff compares parent and child by ID. An edge counts as changed when any field differs.
func diff(parent, child *Genome) change {
	var c change
	pv, cv := map[string]Vertex{}, map[string]Vertex{}
	for _, v := range parent.Vertices {
		pv[v.ID] = v
	}
	for _, v := range child.Vertices {
		cv[v.ID] = v
		if old, ok := pv[v.ID]; !ok {
			c.addedVertices = append(c.addedVertices, v.ID)
		} else if old != v {
			c.changedVertices = append(c.changedVertices, v.ID)
		}
	}
	for id := range pv {
		if _, ok := cv[id]; !ok {
			c.removedVertices = append(c.removedVertices, id)
		}
	}
	pe, ce := map[string]Edge{}, map[string]Edge{}
	for _, e := range parent.Edges {
		pe[e.ID] = e
	}
	for _, e := range child.Edges {
		ce[e.ID] = e
		if old, ok := pe[e.ID]; !ok {
			c.addedEdges = append(c.addedEdges, e.ID)
		} else if old != e {
			c.changedEdges = append(c.changedEdges, e.ID)
		}
	}
	for id := range pe {
		if _, ok := ce[id]; !ok {
			c.removedEdges = append(c.removedEdges, id)
		}
	}
	for _, s := range [][]string{c.addedVertices, c.removedVertices, c.changedVertices, c.addedEdges, c.removedEdges, c.changedEdges} {
		sort.Strings(s)
	}
	c.lr = parent.LearningRate != child.LearningRate
	c.head = parent.HeadID != child.HeadID
	c.frame = parent.Input != child.Input || parent.Classes != child.Classes
	return c
}

// counts is the number of added, removed and changed vertices and edges, for compact checks.
type counts struct{ addV, remV, chV, addE, remE, chE int }

func (c change) counts() counts {
	return counts{len(c.addedVertices), len(c.removedVertices), len(c.changedVertices),
		len(c.addedEdges), len(c.removedEdges), len(c.changedEdges)}
}

func TestDiff(t *testing.T) {
	p := fixture()
	c := p.Clone()
	c.Edges[2].Channels = 17
	c.Edges = c.Edges[:4]
	c.Vertices[3].Activation = BNReLU
	d := diff(p, c)
	want := counts{chV: 1, remE: 1, chE: 1}
	if d.counts() != want || !reflect.DeepEqual(d.changedEdges, []string{"e6"}) || !reflect.DeepEqual(d.removedEdges, []string{"e9"}) {
		t.Fatalf("diff = %+v", d)
	}
}
