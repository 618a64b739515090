package draw

import (
	"fmt"
	"io"

	"evo/genome"
)

// Write writes g in format "svg" (SVG) or "dot" (genome.DOT, for Graphviz).
func Write(w io.Writer, g *genome.Genome, format string) error {
	switch format {
	case "svg":
		return SVG(w, g)
	case "dot":
		s, err := genome.DOT(g)
		if err != nil {
			return err
		}
		_, err = io.WriteString(w, s)
		return err
	}
	return fmt.Errorf("draw: format %q: use svg or dot", format)
}
