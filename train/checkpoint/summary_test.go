package checkpoint

import "testing"

func TestSummary(t *testing.T) {
	c := New()
	c.Tensors["h3.w"] = &Tensor{Shape: []int{3, 2}, Data: make([]float32, 6)}
	c.Tensors["e12.w"] = &Tensor{Shape: []int{4, 3, 1, 1}, Data: make([]float32, 12)}
	c.Meta["genome"] = "abc"
	want := "" +
		"e12.w  [4 3 1 1]  12\n" +
		"h3.w   [3 2]  6\n" +
		"meta genome = \"abc\"\n" +
		"2 tensors, 18 values (float32, 72 bytes)\n"
	if got := Summary(c); got != want {
		t.Fatalf("got\n%s\nwant\n%s", got, want)
	}
	if got := Summary(New()); got != "0 tensors, 0 values (float32, 0 bytes)\n" {
		t.Fatalf("empty: %q", got)
	}
}
