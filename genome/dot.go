package genome

import (
	"fmt"
	"sort"
	"strings"
)

// DOT returns g as a Graphviz digraph (render with `dot -Tsvg`). Each vertex is a node labelled
// with its ID, shape (H×W×C) and activation; the input is drawn as a blue inverted house and the
// head (global average pool + fully-connected layer) as a grey house with its class count. Conv
// edges are labelled with filter size, stride and output channels ("conv 3×5 /2 → 64"), identity
// edges are plain, skips are dashed. Every node and edge carries its genome ID as the DOT id
// attribute. The text is deterministic: backbone order, then skips by position.
func DOT(g *Genome) (string, error) {
	if err := g.Validate(); err != nil {
		return "", fmt.Errorf("genome: dot: %w", err)
	}
	shapes, err := g.Shapes()
	if err != nil {
		return "", fmt.Errorf("genome: dot: %w", err)
	}
	var b strings.Builder
	b.WriteString("digraph genome {\n")
	b.WriteString("  rankdir=TB;\n")
	b.WriteString("  node [shape=box, style=rounded, fontname=\"Helvetica\"];\n")
	b.WriteString("  edge [fontname=\"Helvetica\", fontsize=10];\n")
	fmt.Fprintf(&b, "  label=%s;\n", quoteDOT(fmt.Sprintf("learning rate %g", g.LearningRate)))
	for i, v := range g.Vertices {
		s := shapes[v.ID]
		dims := fmt.Sprintf("%d×%d×%d", s.H, s.W, s.C)
		if i == 0 {
			fmt.Fprintf(&b, "  %s [id=%s, label=%s, shape=invhouse, style=filled, fillcolor=lightblue];\n",
				quoteDOT(v.ID), quoteDOT(v.ID), quoteDOT("input "+v.ID+"\n"+dims))
			continue
		}
		fmt.Fprintf(&b, "  %s [id=%s, label=%s];\n", quoteDOT(v.ID), quoteDOT(v.ID), quoteDOT(v.ID+"\n"+dims+"\n"+string(v.Activation)))
	}
	fmt.Fprintf(&b, "  %s [id=%s, label=%s, shape=house, style=filled, fillcolor=lightgrey];\n",
		quoteDOT(g.HeadID), quoteDOT(g.HeadID), quoteDOT(fmt.Sprintf("head %s\nGAP + FC → %d classes", g.HeadID, g.Classes)))
	pos := make(map[string]int, len(g.Vertices))
	for i, v := range g.Vertices {
		pos[v.ID] = i
	}
	primary := make([]Edge, len(g.Vertices))
	var skips []Edge
	for _, e := range g.Edges {
		if e.Skip {
			skips = append(skips, e)
		} else {
			primary[pos[e.To]] = e
		}
	}
	for _, e := range primary[1:] {
		writeDOTEdge(&b, e)
	}
	sort.Slice(skips, func(i, j int) bool {
		a, c := skips[i], skips[j]
		if pos[a.From] != pos[c.From] {
			return pos[a.From] < pos[c.From]
		}
		return pos[a.To] < pos[c.To]
	})
	for _, e := range skips {
		writeDOTEdge(&b, e)
	}
	fmt.Fprintf(&b, "  %s -> %s;\n", quoteDOT(g.OutputVertex().ID), quoteDOT(g.HeadID))
	b.WriteString("}\n")
	return b.String(), nil
}

func writeDOTEdge(b *strings.Builder, e Edge) {
	attrs := []string{"id=" + quoteDOT(e.ID)}
	if e.Kind == Conv {
		attrs = append(attrs, "label="+quoteDOT(describeEdge(e)))
	}
	if e.Skip {
		attrs = append(attrs, "style=dashed")
	}
	fmt.Fprintf(b, "  %s -> %s [%s];\n", quoteDOT(e.From), quoteDOT(e.To), strings.Join(attrs, ", "))
}

// quoteDOT writes s as a DOT double-quoted string; newlines become DOT's centred line breaks.
func quoteDOT(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`)
	return `"` + r.Replace(s) + `"`
}
