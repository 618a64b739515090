package text

import (
	"fmt"
	"io"
	"os"
	"time"

	"evo/cmd/evo/internal/settings"
	"evo/population"
	"evo/storage"
)

// Status writes `evo status` for the experiment in dir with settings cfg; budget is the
// population config holding experiment.json's budgets, graves the graveyard's usage.
func Status(w io.Writer, r population.StatusReport, dir string, cfg *settings.Config, budget population.Config, graves func() (int, int64, error), now time.Time) error {
	fmt.Fprintf(w, "experiment  %s (%s, population %d, %d steps/individual, %s selection)\n",
		dir, cfg.Dataset, cfg.Population, cfg.Steps, cfg.Selection)
	fmt.Fprintf(w, "alive       %d\n", r.Alive)
	fmt.Fprintf(w, "trained     %d individuals (%.1f/min), %d kills, %d failures, %d races\n", r.Trained, r.PerMinute, r.Kills, r.Failures, r.Races)
	if r.Best.ID != "" {
		fmt.Fprintf(w, "best        %s  validation accuracy %.4f\n", r.Best.ID, r.Best.Fitness)
	} else {
		fmt.Fprintf(w, "best        (none alive yet)\n")
	}
	lim := r.Control.Limits(budget)
	fmt.Fprintf(w, "FLOPs       %s spent\n", SI(r.FLOPsTotal))
	fmt.Fprintf(w, "budgets     %s\n", BudgetLine(lim, r.Trained, r.FLOPsTotal))
	if r.Control.MaxIndividuals != nil || r.Control.MaxFLOPs != nil || r.Control.MaxWall != nil {
		fmt.Fprintf(w, "            %s\n", LimitsLine(r.Control, budget))
	}
	fmt.Fprintf(w, "workers     %d alive\n", r.Workers)
	if n, b, err := graves(); err == nil {
		fmt.Fprintf(w, "graveyard   %d graves, %sB (see `evo gc --max-graveyard-bytes`)\n", n, SI(float64(b)))
	}
	if !r.Started.IsZero() {
		fmt.Fprintf(w, "elapsed     %s", Human(Secs(r.ElapsedSeconds)))
		pc := budget
		pc.MaxIndividuals, pc.MaxFLOPs, pc.MaxWall = lim.MaxIndividuals, lim.MaxFLOPs, 0 // the wall budget is per run
		if d, ok := r.Remaining(pc, now); ok {
			if d > 0 {
				fmt.Fprintf(w, ", about %s to the budget", Human(d))
			} else {
				fmt.Fprintf(w, ", budget reached")
			}
		}
		fmt.Fprintln(w)
	}
	if r.Control.Stop || r.Control.MutationsPerChild > 0 || !r.Control.ResetAt.IsZero() {
		fmt.Fprintf(w, "control     stop=%v mutations=%d reset_epoch=%d reset_at=%s\n", r.Control.Stop, r.Control.MutationsPerChild, r.Control.ResetEpoch, Time(r.Control.ResetAt))
	}
	if r.Unreadable > 0 {
		fmt.Fprintf(w, "warning     %d alive entries are unreadable: run `evo check --dir %s`\n", r.Unreadable, dir)
	}
	Workers(w, r.WorkerStatus, now)
	return nil
}

// GCPass writes what a pass of `evo gc` planned and did; staleStaging is its --stale-staging.
func GCPass(w io.Writer, opts storage.GCOptions, plan *storage.GCPlan, res storage.GCResult, staleStaging time.Duration) {
	for _, it := range plan.Items {
		fmt.Fprintf(w, "%s %s (%s)\n", verb(opts.DryRun), it.Path, it.Reason)
	}
	fmt.Fprintf(w, "gc: %d planned, %d removed, %d already gone, %d failed, %d spared\n",
		len(plan.Items), res.Removed, res.Missing, res.Failed, res.Spared)
	if plan.Unproven > 0 {
		fmt.Fprintf(w, "gc: kept %d staging leftovers whose workers are not proven dead; "+
			"a collector that keeps running (--loop) removes them once it has watched them unchanged for %v\n",
			plan.Unproven, staleStaging)
	}
}

func verb(dry bool) string {
	if dry {
		return "would remove"
	}
	return "removed"
}

// RunSummary is what `evo run` prints when it ends (--json: as JSON).
type RunSummary struct {
	Dir          string                  `json:"dir"`
	Status       population.StatusReport `json:"status"`
	Best         *population.Individual  `json:"best,omitempty"`
	TestAccuracy *float64                `json:"test_accuracy,omitempty"`
	TestExamples int                     `json:"test_examples,omitempty"`
}

// Summary writes s for people.
func Summary(w io.Writer, s RunSummary) error {
	fmt.Fprintf(w, "experiment   %s\n", s.Dir)
	fmt.Fprintf(w, "trained      %d individuals in %s, %s FLOPs\n", s.Status.Trained, Human(Secs(s.Status.ElapsedSeconds)), SI(s.Status.FLOPsTotal))
	if s.Best == nil {
		fmt.Fprintln(w, "best         none yet")
		return nil
	}
	m := s.Best.Meta
	fmt.Fprintf(w, "best         %s (generation %d, %d params, learning rate %.3g)\n", m.ID, m.Generation, m.Params, m.LearningRate)
	fmt.Fprintf(w, "validation   %.4f\n", m.Fitness)
	fmt.Fprintf(w, "test         %.4f on %d examples\n", *s.TestAccuracy, s.TestExamples)
	fmt.Fprintf(w, "inspect      evo show best --dir %s; evo draw best --dir %s -o best.svg; evo plot --dir %s\n", s.Dir, s.Dir, s.Dir)
	return nil
}

// Progress prints a live status line: rewritten in place on a terminal, a log line elsewhere.
type Progress struct {
	w    io.Writer
	line func() (string, error)
	tty  bool
	// Every is how often to call Show: every second on a terminal, else every 30 seconds.
	Every time.Duration
	shown bool
}

// NewProgress prints the lines line returns (none when it fails) on w.
func NewProgress(w io.Writer, line func() (string, error)) *Progress {
	p := &Progress{w: w, line: line, Every: 30 * time.Second}
	if f, ok := w.(*os.File); ok {
		if st, err := f.Stat(); err == nil && st.Mode()&os.ModeCharDevice != 0 {
			p.tty, p.Every = true, time.Second
		}
	}
	return p
}

// Show prints the current line.
func (p *Progress) Show() {
	line, err := p.line()
	if err != nil {
		return
	}
	if p.tty {
		fmt.Fprintf(p.w, "\r\033[K%s", line)
	} else {
		fmt.Fprintln(p.w, line)
	}
	p.shown = true
}

// Finish prints the last line and ends it.
func (p *Progress) Finish() {
	p.Show()
	if p.tty && p.shown {
		fmt.Fprintln(p.w)
	}
}

// ProgressLine is one status line of a run; remaining is the time to the budget, when ok.
func ProgressLine(st population.StatusReport, remaining time.Duration, ok bool) string {
	line := fmt.Sprintf("%s  trained %d  alive %d  best %.4f  %.1f/min  %s FLOPs  workers %d",
		Human(Secs(st.ElapsedSeconds)), st.Trained, st.Alive, st.Best.Fitness,
		st.PerMinute, SI(st.FLOPsTotal), st.Workers)
	if ok {
		line += "  budget in " + Human(remaining)
	}
	return line
}
