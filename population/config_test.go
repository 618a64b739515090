package population

import (
	"errors"
	"strings"
	"testing"
	"time"

	"evo/genome"
)

func TestConfigValidate(t *testing.T) {
	ok := Config{Input: testInput, Classes: 10}
	tests := []struct {
		name   string
		change func(*Config)
		want   string // "" = valid; else a fragment of the message
	}{
		{"defaults", func(*Config) {}, ""},
		{"aging", func(c *Config) { c.Selection = SelectAging; c.TournamentSize = 25 }, ""},
		{"random", func(c *Config) { c.Selection = SelectRandom }, ""},
		{"no input", func(c *Config) { c.Input = genome.Shape{} }, "input shape"},
		{"one class", func(c *Config) { c.Classes = 1 }, "classes 1"},
		{"population of one", func(c *Config) { c.PopulationSize = 1 }, "population size 1"},
		{"unknown selection", func(c *Config) { c.Selection = "roulette" }, `selection "roulette"`},
		{"aging of none", func(c *Config) { c.Selection = SelectAging; c.TournamentSize = -1 }, "tournament size -1"},
		{"negative mutations", func(c *Config) { c.MutationsPerChild = -2 }, "mutations per child -2"},
		{"negative budget", func(c *Config) { c.MaxFLOPs = -1 }, "stop conditions"},
		{"negative interval", func(c *Config) { c.ControlPoll = -time.Second }, "intervals"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := ok
			tc.change(&c)
			err := c.Validate()
			if tc.want == "" {
				if err != nil {
					t.Fatalf("valid config rejected: %v", err)
				}
				return
			}
			if !errors.Is(err, ErrConfig) || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want ErrConfig mentioning %q", err, tc.want)
			}
		})
	}
	d := ok.WithDefaults()
	if d.PopulationSize != 1000 || d.Selection != SelectTournament || d.MutationsPerChild != 1 || d.NoInheritance {
		t.Errorf("defaults %+v are not the paper's", d)
	}
}
