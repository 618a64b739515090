package population

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"evo/genome"
)

// trainAndPublish trains the child g (from parent weights, nil for fresh), completes its
// metadata m and publishes it. funded says whether the worker killed to make room for it; an
// unfunded child makes room first if the population has become full.
func (w *Worker) trainAndPublish(ctx context.Context, g *genome.Genome, weights []byte, m *Meta, funded bool) error {
	w.setState(StateTraining, func(s *WorkerStatus) { s.Parent = m.Parent })
	var ckpt bytes.Buffer
	out, err := w.train(ctx, Job{Genome: g, Parent: weights, Seed: m.Seed, Out: &ckpt})
	if err != nil {
		return err
	}
	if out.Status == "" {
		out.Status = StatusOK
	}
	if !publishable(out.Status) {
		return failedChild(out.Status, out.Reason, out.TotalFLOPs())
	}
	if err := w.describe(m, g, out); err != nil {
		return &stepError{stage: "describe", flops: out.TotalFLOPs(), err: err}
	}
	files, err := childFiles(g, out)
	if err != nil {
		return &stepError{stage: "describe", flops: out.TotalFLOPs(), err: err}
	}
	files[WeightsFile] = ckpt.Bytes()

	w.setState(StatePublishing, nil)
	if err := w.publish(m, files, funded); err != nil {
		return &stepError{stage: "publish", flops: out.TotalFLOPs(), err: err}
	}
	if funded {
		w.replaced = ""
		w.setDebt(false)
	} else {
		w.awaitListing(m.ID, true)
	}
	if err := w.event(Event{Event: EventBirth, ID: m.ID, Fitness: m.Fitness, Meta: m}); err != nil {
		w.log.Warn("append birth event", "id", m.ID, "err", err)
	}
	w.log.Debug("published", "id", m.ID, "parent", m.Parent, "fitness", m.Fitness, "status", m.Status)
	return nil
}

// publish stages the files, makes room if the child is unfunded, and publishes.
func (w *Worker) publish(m *Meta, files map[string][]byte, funded bool) error {
	st, err := w.store.Stage(w.id)
	if err != nil {
		return fmt.Errorf("population: stage child: %w", err)
	}
	m.ID = st.ID()
	for _, name := range []string{GenomeFile, DOTFile, InheritanceFile, WeightsFile} {
		if err := st.WriteFile(name, files[name]); err != nil {
			return abort(st, fmt.Errorf("population: stage %s/%s: %w", m.ID, name, err))
		}
	}
	if !funded {
		w.setPending(true)
		defer w.setPending(false) // only after the rename: see makeRoom
		if err := w.makeRoom(); err != nil {
			return abort(st, err)
		}
	}
	m.Born = w.now().UTC()
	meta, err := metaJSON(m)
	if err != nil {
		return abort(st, fmt.Errorf("population: encode metadata of %s: %w", m.ID, err))
	}
	if err := st.Publish(meta); err != nil {
		return fmt.Errorf("population: publish %s: %w", m.ID, err)
	}
	// Counted before the heartbeat that withdraws the debt or the pending flag, so that
	// every heartbeat's counts include the births it no longer claims.
	w.own.trained++
	w.own.flops += m.FLOPs.Total
	w.mu.Lock()
	w.st.Births++
	w.st.FLOPs += m.FLOPs.Total
	w.mu.Unlock()
	return nil
}

// abort gives up a stage, keeping the first error.
func abort(st Staging, err error) error {
	if aerr := st.Abort(); aerr != nil {
		return errors.Join(err, aerr) // two errors, each with its own prefix
	}
	return err
}

// describe fills in m from the trained child and its outcome.
func (w *Worker) describe(m *Meta, g *genome.Genome, out Outcome) error {
	params, err := g.Params()
	if err != nil {
		return fmt.Errorf("population: count parameters: %w", err)
	}
	m.Fitness = finite(out.Fitness)
	if out.Status == StatusDiverged {
		m.Fitness = 0
	}
	m.Status, m.Reason, m.Steps = out.Status, out.Reason, out.Steps
	if loss := out.FinalLoss; finite(loss) == loss {
		m.FinalLoss = &loss
	}
	m.FLOPs = FLOPs{TrainStep: out.StepFLOPs, EvalBatch: out.EvalBatchFLOPs,
		EvalBatches: out.EvalBatches, Total: out.TotalFLOPs()}
	m.Params = params
	m.ArchHash = genome.ArchHash(g)
	m.LearningRate = g.LearningRate
	m.Worker = w.id
	m.WallSeconds, m.CPUSeconds = out.Wall.Seconds(), out.CPU.Seconds()
	m.PeakRSS = out.PeakRSS
	m.InheritedFraction = finite(out.InheritedFraction)
	m.Inherited, m.Reinitialised = len(out.Inherited), len(out.Reinitialised)
	return nil
}

// inheritance is the content of InheritanceFile.
type inheritance struct {
	Fraction      float64  `json:"inherited_fraction"`
	Inherited     []string `json:"inherited"`
	Reinitialised []string `json:"reinitialised"`
}

// childFiles encodes the files of a child other than its weights.
func childFiles(g *genome.Genome, out Outcome) (map[string][]byte, error) {
	enc, err := genome.Encode(g)
	if err != nil {
		return nil, fmt.Errorf("population: encode child genome: %w", err)
	}
	dot, err := genome.DOT(g)
	if err != nil {
		return nil, fmt.Errorf("population: draw child genome: %w", err)
	}
	inh := inheritance{Fraction: finite(out.InheritedFraction), Inherited: out.Inherited, Reinitialised: out.Reinitialised}
	if inh.Inherited == nil {
		inh.Inherited = []string{}
	}
	if inh.Reinitialised == nil {
		inh.Reinitialised = []string{}
	}
	ij, err := json.MarshalIndent(inh, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("population: encode inheritance: %w", err)
	}
	return map[string][]byte{GenomeFile: enc, DOTFile: []byte(dot), InheritanceFile: append(ij, '\n')}, nil
}
