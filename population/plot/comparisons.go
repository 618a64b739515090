package plot

import (
	"path/filepath"
	"strings"

	"evo/population"
)

// SaveComparisons draws groups against FLOPs and against wall time (Comparison) and saves
// them next to out, which names BASE.png or BASE.svg, as BASE-flops and BASE-wall with out's
// extension. It returns the names written, FLOPs first.
func SaveComparisons(title string, groups []*population.CompareGroup, out string) ([]string, error) {
	ext := filepath.Ext(out)
	base := strings.TrimSuffix(out, ext)
	var written []string
	for _, byFLOPs := range []bool{true, false} {
		name := base + "-wall" + ext
		if byFLOPs {
			name = base + "-flops" + ext
		}
		p, err := Comparison(title, groups, byFLOPs)
		if err != nil {
			return written, err
		}
		if err := Save(p, name); err != nil {
			return written, err
		}
		written = append(written, name)
	}
	return written, nil
}
