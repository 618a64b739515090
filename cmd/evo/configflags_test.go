package main

import (
	"testing"

	"evo/cmd/evo/internal/settings"
)

// TestConfigFlagsOverride: every config flag of `evo init` and `evo run` sets a field of the
// config (settings.Config.Overridable, or --preset and --no-inheritance, handled apart), and
// every overridable field has its flag.
func TestConfigFlagsOverride(t *testing.T) {
	var cfg settings.Config
	fields := cfg.Overridable()
	flags := map[string]bool{}
	for _, f := range configFlags() {
		name := f.Names()[0]
		flags[name] = true
		if _, ok := fields[name]; !ok && name != "preset" && name != "no-inheritance" {
			t.Errorf("--%s sets no field of the config", name)
		}
	}
	for name := range fields {
		if !flags[name] {
			t.Errorf("settings.Config.Overridable has %q, which is no config flag", name)
		}
	}
}
