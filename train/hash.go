package train

import (
	"fmt"

	G "gorgonia.org/gorgonia"
)

// checkHashes reports two distinct nodes of g with the same 32-bit hash. gorgonia's tape
// compiler numbers values by node hash (common-subexpression elimination), so two colliding
// nodes would silently share one value (trap 4). Equal subexpressions are merged
// when they are added to the graph, so within one graph equal hashes always mean a collision.
func checkHashes(g *G.ExprGraph) error {
	nodes := g.AllNodes()
	seen := make(map[uint32]*G.Node, len(nodes))
	for _, n := range nodes {
		h := n.Hashcode()
		if o, ok := seen[h]; ok && o != n {
			return fmt.Errorf("train: nodes %q and %q both hash to %#08x; rebuild with other names: %w", o.Name(), n.Name(), h, ErrHashCollision)
		}
		seen[h] = n
	}
	return nil
}
