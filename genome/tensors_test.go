package genome

import (
	"reflect"
	"testing"
)

// TestTensorsOfFixture pins the tensor list of the golden genome, IDs included: the IDs are the
// tensor names inside every stored checkpoint, so they must never change.
func TestTensorsOfFixture(t *testing.T) {
	got, err := fixture().Tensors()
	if err != nil {
		t.Fatal(err)
	}
	want := []TensorSpec{
		{ID: "e6.w", Owner: "e6", Role: ConvKernel, Shape: []int{16, 3, 3, 3}, Trainable: true},
		{ID: "v5.bn.gamma", Owner: "v5", Role: BNGamma, Shape: []int{16}, Trainable: true},
		{ID: "v5.bn.beta", Owner: "v5", Role: BNBeta, Shape: []int{16}, Trainable: true},
		{ID: "v5.bn.mean", Owner: "v5", Role: BNMean, Shape: []int{16}},
		{ID: "v5.bn.var", Owner: "v5", Role: BNVar, Shape: []int{16}},
		{ID: "e8.w", Owner: "e8", Role: ConvKernel, Shape: []int{32, 16, 3, 5}, Trainable: true},
		{ID: "v7.bn.gamma", Owner: "v7", Role: BNGamma, Shape: []int{32}, Trainable: true},
		{ID: "v7.bn.beta", Owner: "v7", Role: BNBeta, Shape: []int{32}, Trainable: true},
		{ID: "v7.bn.mean", Owner: "v7", Role: BNMean, Shape: []int{32}},
		{ID: "v7.bn.var", Owner: "v7", Role: BNVar, Shape: []int{32}},
		{ID: "h3.w", Owner: "h3", Role: HeadWeight, Shape: []int{32, 10}, Trainable: true},
		{ID: "h3.b", Owner: "h3", Role: HeadBias, Shape: []int{10}, Trainable: true},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("Tensors() =\n%+v\nwant\n%+v", got, want)
	}
}

func TestTensorRole(t *testing.T) {
	for _, c := range []struct {
		r         TensorRole
		id, name  string
		trainable bool
	}{
		{ConvKernel, "x.w", "conv kernel", true},
		{BNGamma, "x.bn.gamma", "batch-norm gamma", true},
		{BNBeta, "x.bn.beta", "batch-norm beta", true},
		{BNMean, "x.bn.mean", "batch-norm running mean", false},
		{BNVar, "x.bn.var", "batch-norm running variance", false},
		{HeadWeight, "x.w", "head weights", true},
		{HeadBias, "x.b", "head bias", true},
	} {
		if id := TensorID("x", c.r); id != c.id {
			t.Errorf("TensorID(x, %v) = %q, want %q", c.r, id, c.id)
		}
		if c.r.String() != c.name || c.r.Trainable() != c.trainable {
			t.Errorf("role %d: %q trainable %v, want %q %v", int(c.r), c.r, c.r.Trainable(), c.name, c.trainable)
		}
	}
	for _, bad := range []TensorRole{0, HeadBias + 1, -1} {
		if bad.Trainable() || bad.String() == "" {
			t.Errorf("role %d: trainable %v, name %q", int(bad), bad.Trainable(), bad)
		}
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("TensorID with role %d did not panic", int(bad))
				}
			}()
			TensorID("x", bad)
		}()
	}
}
