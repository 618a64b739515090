package main

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"time"

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
	printWorkers(&b, all, now)
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
