package text

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"evo/cmd/evo/internal/settings"
	"evo/population"
	"evo/storage"
)

// contains fails t for every part missing from out.
func contains(t *testing.T, what, out string, parts ...string) {
	t.Helper()
	for _, p := range parts {
		if !strings.Contains(out, p) {
			t.Errorf("%s lacks %q:\n%s", what, p, out)
		}
	}
}

func TestTables(t *testing.T) {
	var b bytes.Buffer
	MutationStats(&b, population.MutationStats{Children: 9, Replayed: 2, Retrainings: 1,
		Mutations: []population.MutationStat{{Name: "alter-learning-rate", Drawn: 5, Applied: 4, Children: 4, MeanDelta: 0.01, MedianDelta: -0.02, ShareBetter: 0.5}}})
	contains(t, "stats", b.String(), "9 mutated children (2 replayed", "1 retrainings", "alter-learning-rate", "+0.0100", "-0.0200", "50%")

	b.Reset()
	Comparison(&b, []*population.CompareGroup{{Label: "evolution", Runs: 3,
		Best: population.Summary{Mean: 0.9, Min: 0.8, Max: 0.95}, FLOPs: population.Summary{Mean: 2e12}}})
	contains(t, "compare", b.String(), "evolution", "0.9000 [0.8000, 0.9500]", "2e+12")

	b.Reset()
	Check(&b, "/exp", nil, false)
	contains(t, "a clean check", b.String(), "/exp: clean")
	b.Reset()
	Check(&b, "/exp", []storage.Problem{{Path: "population/x", Detail: "torn"}}, true)
	contains(t, "a repaired check", b.String(), "population/x: torn", "1 problems; bad entries moved to /exp/quarantine/")

	b.Reset()
	n := 100
	Control(&b, population.Control{MutationsPerChild: 4, ResetEpoch: 2, ResetAt: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC),
		Stop: true, MaxIndividuals: &n}, 1, population.Config{})
	contains(t, "control", b.String(), "mutations per child: 4 (experiment.json: 1)", "reset epoch 2", "stop requested:      true", "budgets:")
	b.Reset()
	Init(&b, "/exp", &settings.Config{Preset: "digits", Dataset: "digits", Population: 20, Steps: 300, MaxIndividuals: 100})
	contains(t, "init", b.String(), "experiment /exp: preset digits, data set digits, population 20, 300 steps", "individuals 100", "evo run --dir /exp")
	b.Reset()
	Control(&b, population.Control{}, 2, population.Config{})
	contains(t, "the zero control", b.String(), "experiment's setting (experiment.json: 2)", "stop requested:      false")
}
