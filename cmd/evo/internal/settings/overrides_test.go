package settings

import (
	"testing"
	"time"
)

// TestOverridable: every pointer points into the config it came from, at a distinct field.
func TestOverridable(t *testing.T) {
	c, err := Preset("digits")
	if err != nil {
		t.Fatal(err)
	}
	seen := map[any]string{}
	for name, p := range c.Overridable() {
		if other, dup := seen[p]; dup {
			t.Errorf("--%s and --%s set the same field", name, other)
		}
		seen[p] = name
		switch p := p.(type) {
		case *int:
			*p = 12345
		case *int64:
			*p = 12345
		case *string:
			*p = "x-" + name
		case *float64:
			*p = 12345
		case *Duration:
			*p = Duration(time.Hour)
		default:
			t.Errorf("--%s: field of type %T", name, p)
		}
	}
	if c.Population != 12345 || c.Seed != 12345 || c.Selection != "x-selection" || c.MaxFLOPs != 12345 ||
		c.MaxWall != Duration(time.Hour) || c.MutationsPerChild != 12345 || c.MaxParams != 12345 {
		t.Errorf("writes through Overridable did not reach the config: %+v", c)
	}
}
