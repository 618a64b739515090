package experiment

import (
	"bytes"
	"context"
	"io"
	"path/filepath"
	"strings"
	"testing"

	"evo/cmd/evo/internal/settings"
	"evo/population"
	"evo/storage"
)

// newExperiment creates an empty experiment from the digits preset.
func newExperiment(t *testing.T) (*Experiment, *settings.Config) {
	t.Helper()
	cfg, err := settings.Preset("digits")
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "exp")
	root, err := Init(dir, &cfg, storage.Options{})
	if err != nil {
		t.Fatal(err)
	}
	root.Close()
	e, err := Open(dir, storage.Options{}, "not an experiment")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.Close() })
	return e, &cfg
}

func TestOpenAndInit(t *testing.T) {
	if _, err := Open(t.TempDir(), storage.Options{}, "advice for the person"); err == nil || err.Error() != "advice for the person" {
		t.Errorf("Open of a plain directory: %v; want the message given", err)
	}
	e, cfg := newExperiment(t)
	if e.Cfg.Dataset != "digits" || e.Log == nil {
		t.Errorf("opened experiment: config %+v, logger %v", e.Cfg, e.Log)
	}
	if b := e.Budgets(); b.MaxIndividuals != cfg.MaxIndividuals || b.MaxFLOPs != cfg.MaxFLOPs {
		t.Errorf("Budgets %+v, want experiment.json's", b)
	}
	// Init again: the same settings reopen, others are refused, an unknown data set too.
	if root, err := Init(e.Root.Dir(), cfg, storage.Options{}); err != nil {
		t.Errorf("Init with the same settings: %v", err)
	} else {
		root.Close()
	}
	other := *cfg
	other.Seed++
	if _, err := Init(e.Root.Dir(), &other, storage.Options{}); err == nil || !strings.Contains(err.Error(), "other settings") {
		t.Errorf("Init with other settings: %v", err)
	}
	other = *cfg
	other.Dataset = "imagenet"
	if _, err := Init(filepath.Join(t.TempDir(), "x"), &other, storage.Options{}); err == nil || !strings.Contains(err.Error(), "unknown data set") {
		t.Errorf("Init with an unknown data set: %v", err)
	}
	// Resuming: only where the data lives may differ.
	same := *cfg
	same.DataDir = "/elsewhere"
	if err := e.CheckResume(&same); err != nil {
		t.Errorf("CheckResume with another data directory: %v", err)
	}
	if err := e.CheckResume(&other); err == nil || !strings.Contains(err.Error(), "other settings") {
		t.Errorf("CheckResume with other settings: %v", err)
	}
}

func TestIndividualErrors(t *testing.T) {
	e, _ := newExperiment(t)
	for arg, want := range map[string]string{
		"":      "missing individual id",
		"best":  "no trained individual is alive",
		"../x":  "is not an individual id",
		"nope!": "is not an individual id",
		"20260105T101530.123456789Z-0123456789ab": "neither alive nor in the history",
	} {
		if _, err := e.Individual(arg); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Individual(%q): %v; want an error mentioning %q", arg, err, want)
		}
	}
	id := "20260105T101530.123456789Z-0123456789ab"
	if _, err := e.LoadGenome(id); err == nil || !strings.Contains(err.Error(), "not alive") {
		t.Errorf("LoadGenome of a missing id: %v", err)
	}
	if _, err := e.Weights(population.Individual{Meta: population.Meta{ID: id}}); err == nil || !strings.Contains(err.Error(), "are gone") {
		t.Errorf("Weights of a dead individual without a grave: %v", err)
	}
	if dir, files := e.Files(population.Individual{Meta: population.Meta{ID: id}}); dir != "" || len(files) != 0 {
		t.Errorf("Files of a collected grave: %q %v; want none", dir, files)
	}
	s := Served{E: e}
	if _, err := s.Files(id); err == nil {
		t.Error("Served.Files of an unknown id: no error")
	}
	if _, err := s.Open(id, population.GenomeFile); err == nil {
		t.Error("Served.Open of an unknown id: no error")
	}
	if d := e.Dashboard("label"); d.Label != "label" || d.Dir != e.Root.Dir() || !bytes.Equal(d.Config, e.Root.Config()) {
		t.Errorf("Dashboard: %+v", d)
	}
}

func TestParseDirLabels(t *testing.T) {
	got, err := ParseDirLabels([]string{"a=evolution", "b", "c=x=y"}, nil)
	if err != nil || len(got) != 3 || got[0] != (DirLabel{"a", "evolution"}) || got[1] != (DirLabel{"b", ""}) || got[2] != (DirLabel{"c", "x=y"}) {
		t.Errorf("ParseDirLabels without --label: %+v, %v", got, err)
	}
	got, err = ParseDirLabels([]string{"a=old", "b"}, []string{"one", "two"})
	if err != nil || got[0] != (DirLabel{"a", "one"}) || got[1] != (DirLabel{"b", "two"}) {
		t.Errorf("ParseDirLabels with --label: %+v, %v", got, err)
	}
	if _, err := ParseDirLabels([]string{"a", "b"}, []string{"one"}); err == nil || !strings.Contains(err.Error(), "--label given 1 times for 2") {
		t.Errorf("ParseDirLabels with too few labels: %v", err)
	}
}

func TestCompareRun(t *testing.T) {
	e, _ := newExperiment(t)
	if _, err := CompareRun(e.Root.Dir(), "", nil); err == nil || !strings.Contains(err.Error(), "no individual has been trained") {
		t.Errorf("CompareRun of an empty experiment: %v", err)
	}
	dir := t.TempDir()
	if _, err := CompareRun(dir, "", nil); err == nil || !strings.Contains(err.Error(), dir+" is not an experiment directory") {
		t.Errorf("CompareRun of a plain directory: %v", err)
	}
}

// TestWorkerData: with a recorded data directory a missing data set is an error that says how
// to stage it, and nothing is downloaded.
func TestWorkerData(t *testing.T) {
	e, _ := newExperiment(t)
	dir := t.TempDir()
	e.Cfg.Dataset, e.Cfg.DataDir = "cifar10", dir
	_, err := e.WorkerData(context.Background(), dir, true, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "evo data --data "+dir+" --dataset cifar10") {
		t.Errorf("WorkerData with the staged set missing: %v", err)
	}
	e.Cfg.Dataset, e.Cfg.DataDir = "digits", ""
	if d, err := e.WorkerData(context.Background(), dir, false, io.Discard); err != nil || d.Name != "digits" {
		t.Errorf("WorkerData of the built-in set: %v", err)
	}
}
