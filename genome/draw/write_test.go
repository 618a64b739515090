package draw

import (
	"bytes"
	"strings"
	"testing"

	"evo/genome"
)

func TestWrite(t *testing.T) {
	g := genome.Initial(genome.Shape{H: 8, W: 8, C: 1}, 10)
	for format, want := range map[string]string{"svg": "<svg", "dot": "digraph"} {
		var b bytes.Buffer
		if err := Write(&b, g, format); err != nil || !strings.Contains(b.String(), want) {
			t.Errorf("Write %s: %v; output lacks %q:\n%.200s", format, err, want, b.String())
		}
	}
	if err := Write(&bytes.Buffer{}, g, "png"); err == nil || !strings.Contains(err.Error(), "svg or dot") {
		t.Errorf("Write png: %v; want an error naming the formats", err)
	}
}
