package genome

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"sort"
	"strings"
)

// ArchHash returns the SHA-256 (hex) of g's architecture, ignoring every ID and the learning
// rate: two genomes that compute the same network shape from the same input have the same hash,
// whatever their history. The hashed text lists the input shape and classes, then each backbone
// vertex by position with its activation and its primary in-edge, then the skips sorted by
// (from position, to position). It is meant for dedup and statistics, not for security.
// g should be valid (Validate); for an invalid genome the hash is deterministic but meaningless,
// and a nil genome hashes to "".
func ArchHash(g *Genome) string {
	if g == nil {
		return ""
	}
	sum := sha256.Sum256([]byte(archText(g)))
	return hex.EncodeToString(sum[:])
}

// archText is the canonical text that ArchHash hashes.
func archText(g *Genome) string {
	pos := make(map[string]int, len(g.Vertices))
	for i, v := range g.Vertices {
		pos[v.ID] = i
	}
	var b strings.Builder
	fmt.Fprintf(&b, "evo-arch 1\ninput %d %d %d\nclasses %d\n", g.Input.H, g.Input.W, g.Input.C, g.Classes)
	var skips [][2]int
	primary := make([]Edge, len(g.Vertices))
	for _, e := range g.Edges {
		to, ok := pos[e.To]
		switch {
		case e.Skip:
			skips = append(skips, [2]int{pos[e.From], to})
		case ok:
			primary[to] = e
		}
	}
	for i, v := range g.Vertices {
		fmt.Fprintf(&b, "vertex %d %s", i, v.Activation)
		if i > 0 {
			e := primary[i]
			fmt.Fprintf(&b, " %s %d %d %d %d", e.Kind, e.Channels, e.HalfH, e.HalfW, e.StrideScale)
		}
		b.WriteByte('\n')
	}
	sort.Slice(skips, func(i, j int) bool {
		if skips[i][0] != skips[j][0] {
			return skips[i][0] < skips[j][0]
		}
		return skips[i][1] < skips[j][1]
	})
	for _, s := range skips {
		fmt.Fprintf(&b, "skip %d %d\n", s[0], s[1])
	}
	return b.String()
}
