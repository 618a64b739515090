package genome

import (
	"fmt"
	"math"
	"strconv"
)

// ID prefixes: every ID is one of these letters followed by a decimal number below NextID,
// written without sign or leading zeros. One counter (NextID) serves all three kinds, so an ID
// number is never reused within a lineage.
const (
	vertexPrefix = 'v'
	edgePrefix   = 'e'
	headPrefix   = 'h'
)

// parseID returns the number of an ID of the given prefix, or an error that says what a well
// formed ID looks like.
func parseID(id string, prefix byte) (int, error) {
	if len(id) < 2 || id[0] != prefix {
		return 0, fmt.Errorf("%q is not of the form %c<n>", id, prefix)
	}
	digits := id[1:]
	if len(digits) > 1 && digits[0] == '0' {
		return 0, fmt.Errorf("%q has a leading zero", id)
	}
	for i := 0; i < len(digits); i++ {
		if digits[i] < '0' || digits[i] > '9' {
			return 0, fmt.Errorf("%q is not of the form %c<n> with n a decimal number", id, prefix)
		}
	}
	n, err := strconv.Atoi(digits)
	if err != nil {
		return 0, fmt.Errorf("%q: number out of range", id)
	}
	return n, nil
}

// idNumber returns the number of a well-formed ID, or -1. It orders IDs numerically
// (e2 before e10) for the canonical encoding.
func idNumber(id string) int {
	if len(id) < 2 {
		return -1
	}
	n, err := parseID(id, id[0])
	if err != nil {
		return -1
	}
	return n
}

// freshID draws the next ID of the given prefix from g.NextID and advances the counter.
func (g *Genome) freshID(prefix byte) string {
	id := string(prefix) + strconv.Itoa(g.NextID)
	g.NextID++
	return id
}

// canDraw reports whether n more fresh IDs can be drawn without overflowing NextID. Mutations
// that need IDs do not apply when it is false (only a hand-made genome can get there).
func (g *Genome) canDraw(n int) bool { return g.NextID <= math.MaxInt-n }

// lessID orders IDs by number, then by text (for IDs of equal number but different prefix).
func lessID(a, b string) bool {
	na, nb := idNumber(a), idNumber(b)
	if na != nb {
		return na < nb
	}
	return a < b
}
