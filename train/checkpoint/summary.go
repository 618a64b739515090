package checkpoint

import (
	"fmt"
	"sort"
	"strings"
)

// Summary describes c for people (evo show / export): one line per tensor in sorted ID order
// with its shape and value count, then the metadata in sorted key order, then the totals.
func Summary(c *Checkpoint) string {
	var b strings.Builder
	ids := make([]string, 0, len(c.Tensors))
	width := 0
	for id := range c.Tensors {
		ids = append(ids, id)
		width = max(width, len(id))
	}
	sort.Strings(ids)
	var total int64
	for _, id := range ids {
		t := c.Tensors[id]
		dims := make([]string, len(t.Shape))
		for i, d := range t.Shape {
			dims[i] = fmt.Sprint(d)
		}
		fmt.Fprintf(&b, "%-*s  [%s]  %d\n", width, id, strings.Join(dims, " "), len(t.Data))
		total += int64(len(t.Data))
	}
	keys := make([]string, 0, len(c.Meta))
	for k := range c.Meta {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		fmt.Fprintf(&b, "meta %s = %q\n", k, c.Meta[k])
	}
	fmt.Fprintf(&b, "%d tensors, %d values (float32, %d bytes)\n", len(ids), total, 4*total)
	return b.String()
}
