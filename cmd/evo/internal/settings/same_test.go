package settings

import "testing"

func TestSameEvolution(t *testing.T) {
	base, err := Preset("digits")
	if err != nil {
		t.Fatal(err)
	}
	other := base
	other.DataDir = "/shared/data"
	if same, err := base.SameEvolution(&other); err != nil || !same {
		t.Errorf("only DataDir differs: SameEvolution = %v, %v; want true", same, err)
	}
	if base.DataDir != "" {
		t.Errorf("SameEvolution changed its receiver: DataDir %q", base.DataDir)
	}
	other.Seed++
	if same, err := base.SameEvolution(&other); err != nil || same {
		t.Errorf("seeds differ: SameEvolution = %v, %v; want false", same, err)
	}
}
