package population

import (
	"context"
	"encoding/json"
	"math"
	"sort"
	"sync"
	"testing"
	"time"
)

// roundsTrainer is the fake trainer with a memory: its checkpoint counts the training rounds
// the weights went through (a child inheriting its parent's weights adds one to the parent's
// count, fresh weights start at one), and fitness is the architecture's fakeFitness scaled by
// 1 − 2^−rounds. Weight inheritance is thus worth something, as in the paper, and a
// population reset costs fitness until evolution has trained the weights again.
type roundsTrainer struct{ *fakeTrainer }

func (r roundsTrainer) Train(ctx context.Context, job Job) (Outcome, error) {
	rounds := 1
	if job.Parent != nil {
		var ck struct{ Rounds int }
		if err := json.Unmarshal(job.Parent, &ck); err != nil {
			return Outcome{}, err
		}
		rounds = ck.Rounds + 1
	}
	var discard jsonSink
	out, err := r.fakeTrainer.Train(ctx, Job{Genome: job.Genome, Parent: job.Parent, Seed: job.Seed, Out: &discard})
	if err != nil || out.Status != StatusOK {
		return out, err
	}
	out.Fitness *= 1 - math.Pow(2, -float64(rounds))
	return out, json.NewEncoder(job.Out).Encode(map[string]int{"rounds": rounds})
}

type jsonSink struct{}

func (jsonSink) Write(p []byte) (int, error) { return len(p), nil }

// TestPopulationReset resets a running population once and checks the paper's Figure 4
// intervention: within a bounded number of births every alive individual has post-reset
// weights, nothing was inherited across the reset, no tournament mixed epochs, and the
// population's mean fitness drops and then recovers.
func TestPopulationReset(t *testing.T) {
	const (
		workers = 3
		p       = 10
		resetAt = 80 // the training job during which the reset is requested
	)
	cfg := testConfig(p)
	cfg.MaxIndividuals = 220
	root := newRoot(t)
	pr := newProbe(FromStorage(root), p-workers)
	tr := roundsTrainer{newFakeTrainer()}
	var (
		once sync.Once
		when time.Time
	)
	tr.onTrain = func(n int) {
		if n != resetAt {
			return
		}
		once.Do(func() {
			if _, err := SetControl(pr, time.Now(), func(c *Control) { c.ResetEpoch++; c.ResetAt = time.Now().UTC() }); err != nil {
				t.Error(err)
			}
			when = time.Now().UTC()
		})
	}
	runClean(t, pr, tr, cfg, workers)
	b, _ := checkRun(t, pr, cfg, workers)

	// Replay the history in time order: the alive set, its epochs and its mean fitness.
	type ev struct {
		t     time.Time
		birth *Meta
		kill  string
	}
	var evs []ev
	resetKills := 0
	if _, err := ReadEvents(pr, func(e Event) error {
		switch e.Event {
		case EventBirth:
			evs = append(evs, ev{t: e.Time, birth: e.Meta})
		case EventKill:
			evs = append(evs, ev{t: e.Time, kill: e.ID})
			if e.Cause == CauseReset {
				resetKills++
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	sort.SliceStable(evs, func(i, j int) bool { return evs[i].t.Before(evs[j].t) })
	alive := map[string]*Meta{}
	mean := func() float64 {
		s := 0.0
		for _, m := range alive {
			s += m.Fitness
		}
		return s / float64(max(len(alive), 1))
	}
	var (
		before, low   = -1.0, math.Inf(1)
		birthsAfter   int
		allCurrentAt  = -1
		retrains      int
		sawReset      bool
		recoveredMean float64
	)
	// A birth is logged after its publishing rename, so another worker can kill the newcomer
	// and log the kill a few milliseconds before the birth line: such an individual never
	// joins the replayed alive set.
	killed := map[string]bool{}
	for _, e := range evs {
		if e.kill != "" {
			delete(alive, e.kill)
			killed[e.kill] = true
			continue
		}
		m := e.birth
		if !sawReset && !e.t.Before(when) {
			sawReset, before = true, mean()
		}
		if !killed[m.ID] {
			alive[m.ID] = m
		}
		if !sawReset {
			continue
		}
		birthsAfter++
		low = math.Min(low, mean())
		if allCurrentAt < 0 && len(alive) >= p-workers {
			current := true
			for _, a := range alive {
				current = current && a.Epoch == 1
			}
			if current {
				allCurrentAt = birthsAfter
			}
		}
	}
	recoveredMean = mean()
	if !sawReset {
		t.Fatal("the reset was never requested")
	}
	// Every alive individual at the end has post-reset weights.
	ids, err := pr.List()
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range ids {
		if m := b[id]; m == nil || m.Epoch != 1 {
			t.Errorf("alive %s at the end is not of epoch 1: %+v", id, m)
		}
	}
	// Bounded: every stale individual (at most P) plus every child in training at the reset
	// (at most one per worker) is retrained once; children of current parents interleave
	// only where a worker owed a child, so P + 2W births suffice.
	if allCurrentAt < 0 || allCurrentAt > p+2*workers {
		t.Errorf("the population was all post-reset after %d births following the reset, want at most %d", allCurrentAt, p+2*workers)
	}
	// Nothing inherited across the reset, and no child of epoch 1 from a parent of epoch 0
	// other than a retraining.
	for _, m := range b {
		if m.Parent == "" {
			continue
		}
		pm := b[m.Parent]
		if m.Epoch == 1 && pm.Epoch == 0 {
			if !m.Reset || m.Inherited != 0 || m.InheritedFraction != 0 {
				t.Errorf("%s (epoch 1) from %s (epoch 0): reset %v, %d tensors inherited (fraction %g)",
					m.ID, pm.ID, m.Reset, m.Inherited, m.InheritedFraction)
			}
			if pm.ArchHash != m.ArchHash {
				t.Errorf("retraining %s changed the architecture of %s", m.ID, pm.ID)
			}
			retrains++
		}
		if m.Reset && !(m.Epoch == 1 && pm.Epoch == 0) {
			t.Errorf("%s is a retraining of epoch %d from epoch %d", m.ID, m.Epoch, pm.Epoch)
		}
	}
	for _, id := range ids {
		data, err := pr.ReadFile(id, InheritanceFile, 1<<20)
		if err != nil {
			t.Fatal(err)
		}
		var inh inheritance
		if err := json.Unmarshal(data, &inh); err != nil {
			t.Fatal(err)
		}
		if m := b[id]; m.Reset && len(inh.Inherited) != 0 {
			t.Errorf("retrained %s: %s lists %d inherited tensors", id, InheritanceFile, len(inh.Inherited))
		}
	}
	if resetKills < p-workers || resetKills > retrains {
		t.Errorf("%d kills with cause %q for %d retrainings", resetKills, CauseReset, retrains)
	}
	if retrains < p-workers {
		t.Errorf("%d retrainings, want at least the %d individuals alive at the reset", retrains, p-workers)
	}
	// The run-level views see the retrainings as such, and replay across them.
	st, err := MutationStatsOf(pr)
	if err != nil {
		t.Fatal(err)
	}
	if st.Retrainings != retrains || st.Replayed != st.Children {
		t.Errorf("stats: %d retrainings (want %d), %d of %d children replayed", st.Retrainings, retrains, st.Replayed, st.Children)
	}
	// Mean fitness drops, then recovers.
	t.Logf("mean fitness: %.3f before the reset, %.3f at the lowest, %.3f at the end (%d retrainings, all current after %d births)",
		before, low, recoveredMean, retrains, allCurrentAt)
	if !(low < before-0.1) {
		t.Errorf("mean fitness %.3f before the reset, lowest %.3f after: no drop", before, low)
	}
	if !(recoveredMean > low+0.1) {
		t.Errorf("mean fitness lowest %.3f after the reset, %.3f at the end: no recovery", low, recoveredMean)
	}
}
