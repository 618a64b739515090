package text

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"time"

	"evo/genome"
	"evo/population"
)

func TestPrintWorkersTable(t *testing.T) {
	now := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	all := []population.WorkerStatus{
		{Worker: "node7-123-0a0b0c0d", State: population.StateTraining, Births: 12, Failures: 1,
			IntervalSeconds: 10, Time: now.Add(-4 * time.Second), RSSBytes: 180 << 20, HeapLiveBytes: 52 << 20},
		{Worker: "node8-9-01020304", State: population.StateSelecting, IntervalSeconds: 10, Time: now.Add(-time.Hour)},
		{Worker: "run-x-w0-0", Host: "gpu3", State: population.StateStopped, Time: now.Add(-90 * time.Minute)},
		{Worker: "odd", State: population.StateStopped, Time: now.Add(-2 * time.Hour)},
	}
	for i := range maxDeadWorkerRows + 3 {
		all = append(all, population.WorkerStatus{Worker: fmt.Sprintf("old%02d", i), State: population.StateStopped,
			Time: now.Add(-time.Duration(3+i) * time.Hour)})
	}
	var b bytes.Buffer
	Workers(&b, all, now)
	out := b.String()
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if !strings.HasPrefix(lines[0], "WORKER") || !strings.Contains(lines[0], "RSS") || !strings.Contains(lines[0], "HEAP") {
		t.Fatalf("no header:\n%s", out)
	}
	first := strings.Fields(lines[1])
	want := []string{"node7-123-0a0b0c0d", "node7", "training", "4s", "ago", "12", "1", "180", "MiB", "52", "MiB"}
	if strings.Join(first, " ") != strings.Join(want, " ") {
		t.Errorf("alive worker row %q, want %q", first, want)
	}
	if f := strings.Fields(lines[3]); f[0] != "run-x-w0-0" || f[1] != "gpu3" {
		t.Errorf("the heartbeat's host is not shown:\n%s", out)
	}
	if !strings.Contains(out, "dead (was selecting)") || !strings.Contains(out, "1h00m ago") {
		t.Errorf("the dead worker is not marked:\n%s", out)
	}
	if got := len(lines) - 2; got != 1+maxDeadWorkerRows {
		t.Errorf("%d worker rows, want the alive one and %d others:\n%s", got, maxDeadWorkerRows, out)
	}
	if !strings.Contains(lines[len(lines)-1], "and 6 more stopped or dead workers") {
		t.Errorf("no count of the workers left out:\n%s", out)
	}
}

func TestFormats(t *testing.T) {
	for _, c := range []struct{ got, want string }{
		{SI(0), "0"}, {SI(999), "999"}, {SI(1.23e12), "1.23T"}, {SI(-4500), "-4.5k"},
		{Human(12 * time.Second), "12s"}, {Human(187 * time.Second), "3m07s"}, {Human(125 * time.Minute), "2h05m"},
		{Seconds(1.5), "1.5s"}, {Seconds(90), "1m30s"},
		{MiB(0), "-"}, {MiB(3 << 20), "3 MiB"}, {Time(time.Time{}), "-"},
		{CountLimit(0), "no limit"}, {CountLimit(7), "7"}, {FLOPsLimit(2e12), "2e+12"}, {WallLimit(0), "no limit"},
		{MutationText(genome.Record{Name: "alter-lr"}), "alter-lr (did not apply)"},
		{MutationText(genome.Record{Name: "x", Detail: "insert conv", Applied: true}), "insert conv"},
	} {
		if c.got != c.want {
			t.Errorf("got %q, want %q", c.got, c.want)
		}
	}
}

func TestBudgetLines(t *testing.T) {
	l := population.Limits{MaxIndividuals: 10, MaxWall: time.Hour}
	if got := BudgetLine(l, 5, 2e9); got != "5 of 10 individuals (50%), 2G FLOPs (no limit), wall 1h0m0s per run" {
		t.Errorf("BudgetLine: %q", got)
	}
	n := 20
	got := LimitsLine(population.Control{MaxIndividuals: &n}, population.Config{MaxFLOPs: 1e15})
	if got != "individuals 20 (control.json), FLOPs 1e+15 (experiment.json), wall no limit per run (experiment.json)" {
		t.Errorf("LimitsLine: %q", got)
	}
}
