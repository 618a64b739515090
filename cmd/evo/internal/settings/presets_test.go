package settings

import (
	"fmt"
	"testing"
)

func TestPerPreset(t *testing.T) {
	if got := PerPreset(func(c Config) string { return fmt.Sprint(c.BatchSize) }); got != "50" {
		t.Errorf("a setting all presets share: %q", got)
	}
	want := "cifar10 1000, cifar10-small 50, cifar100 1000, digits 20, others 100"
	if got := PerPreset(func(c Config) string { return fmt.Sprint(c.Population) }); got != want {
		t.Errorf("PerPreset(population) = %q, want %q", got, want)
	}
	for _, name := range PresetNames() {
		c, err := Preset(name)
		if err != nil {
			t.Fatal(err)
		}
		if err := c.Validate(); err != nil {
			t.Errorf("preset %s: %v", name, err)
		}
	}
	if _, err := Preset("nope"); err == nil {
		t.Error("an unknown preset")
	}
}
