package settings

import (
	"strings"
	"testing"
)

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

func TestRecordDataDir(t *testing.T) {
	c, err := Preset("digits")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := c.RecordDataDir(dir); err != nil || c.DataDir != dir {
		t.Errorf("RecordDataDir(%s): DataDir %q, %v", dir, c.DataDir, err)
	}
	if err := c.RecordDataDir(dir + "/missing"); err == nil || !strings.Contains(err.Error(), "evo data --data") {
		t.Errorf("a missing directory: %v; want advice to stage the data set", err)
	}
	if c.DataDir != dir {
		t.Errorf("a refused directory changed DataDir to %q", c.DataDir)
	}
}
