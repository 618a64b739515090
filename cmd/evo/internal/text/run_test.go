package text

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"

	"evo/cmd/evo/internal/settings"
	"evo/population"
	"evo/storage"
)

func TestSummaryAndProgress(t *testing.T) {
	st := population.StatusReport{Trained: 12, Alive: 4, ElapsedSeconds: 75, FLOPsTotal: 3e9, PerMinute: 9.6, Workers: 2}
	var b bytes.Buffer
	if err := Summary(&b, RunSummary{Dir: "exp", Status: st}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), "trained      12 individuals in 1m15s, 3G FLOPs") || !strings.Contains(b.String(), "none yet") {
		t.Errorf("summary without a best:\n%s", b.String())
	}
	acc := 0.91
	b.Reset()
	best := population.Individual{Meta: population.Meta{ID: "x1", Fitness: 0.9}}
	if err := Summary(&b, RunSummary{Dir: "exp", Status: st, Best: &best, TestAccuracy: &acc, TestExamples: 100}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), "test         0.9100 on 100 examples") {
		t.Errorf("summary with a best:\n%s", b.String())
	}
	if got := ProgressLine(st, 90*time.Second, true); !strings.HasSuffix(got, "workers 2  budget in 1m30s") {
		t.Errorf("ProgressLine: %q", got)
	}
	b.Reset()
	calls := 0
	p := NewProgress(&b, func() (string, error) {
		calls++
		if calls == 2 {
			return "", errors.New("unreadable")
		}
		return "line", nil
	})
	p.Show()
	p.Show() // fails: prints nothing
	p.Finish()
	if b.String() != "line\nline\n" || p.Every != 30*time.Second {
		t.Errorf("progress off a terminal: %q, every %v", b.String(), p.Every)
	}
}

func TestStatusAndGC(t *testing.T) {
	cfg, err := settings.Preset("digits")
	if err != nil {
		t.Fatal(err)
	}
	r := population.StatusReport{Alive: 3, Trained: 7}
	var b bytes.Buffer
	graves := func() (int, int64, error) { return 2, 2048, nil }
	if err := Status(&b, r, "exp", &cfg, population.Config{MaxIndividuals: 10}, graves, time.Now()); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"experiment  exp (digits, population 20", "alive       3", "(none alive yet)", "7 of 10 individuals", "graveyard   2 graves, 2.05kB"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("status lacks %q:\n%s", want, b.String())
		}
	}
	b.Reset()
	plan := &storage.GCPlan{Items: []storage.GCItem{{Path: "graveyard/g1", Reason: "old"}}, Unproven: 1}
	GCPass(&b, storage.GCOptions{DryRun: true}, plan, storage.GCResult{}, time.Hour)
	if !strings.Contains(b.String(), "would remove graveyard/g1 (old)") || !strings.Contains(b.String(), "kept 1 staging leftovers") {
		t.Errorf("gc pass:\n%s", b.String())
	}
}
