package dashboard

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"evo/genome"
	"evo/population"
	"evo/storage"
)

// fakeTrainer trains nothing: fitness grows with the number of convolutions, plus noise from
// the seed, and the checkpoint is a few bytes.
type fakeTrainer struct{}

func (fakeTrainer) Train(ctx context.Context, job population.Job) (population.Outcome, error) {
	convs := 0
	for _, e := range job.Genome.Edges {
		if e.Kind == genome.Conv {
			convs++
		}
	}
	noise := rand.New(rand.NewPCG(uint64(job.Seed), 1)).Float64() * 0.05
	if _, err := fmt.Fprintf(job.Out, "weights of seed %d", job.Seed); err != nil {
		return population.Outcome{}, err
	}
	return population.Outcome{Fitness: math.Min(0.1+0.1*float64(convs)+noise, 1), Status: population.StatusOK,
		Steps: 10, FinalLoss: 0.5, StepFLOPs: 1000, EvalBatchFLOPs: 100, EvalBatches: 3,
		InheritedFraction: 0.5, Inherited: []string{"a"}, Reinitialised: []string{"b"}}, nil
}

// fixture is an experiment grown by real workers with the fake trainer.
type fixture struct {
	dir   string
	root  *storage.Root
	store population.Store
}

const fixtureConfig = `{"dataset":"digits","population":5,"steps":10,"selection":"tournament","max_individuals":0}`

func newFixture(t *testing.T) *fixture {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "exp")
	root, err := storage.Init(dir, []byte(fixtureConfig), storage.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { root.Close() })
	fx := &fixture{dir: dir, root: root, store: population.FromStorage(root)}
	fx.grow(t, 20)
	return fx
}

// grow runs one worker until the experiment has trained n individuals in all.
func (fx *fixture) grow(t *testing.T, n int) {
	t.Helper()
	cfg := population.Config{Seed: 1, Input: genome.Shape{H: 8, W: 8, C: 1}, Classes: 10, PopulationSize: 5,
		MaxIndividuals: n, HeartbeatInterval: time.Hour}
	w, err := population.NewWorker(fx.store, fakeTrainer{}, cfg, storage.NewWorkerID(), nil, time.Now)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute) // a hang guard only
	defer cancel()
	if err := w.Run(ctx); err != nil {
		t.Fatal(err)
	}
}

// individuals reads the genomes and files of alive individuals; dead ones read as collected.
type individuals struct{ root *storage.Root }

func (x individuals) Genome(in population.Individual) (*genome.Genome, error) {
	b, err := x.root.ReadFile(in.Meta.ID, population.GenomeFile, genome.MaxEncodedSize)
	if err != nil {
		return nil, err
	}
	return genome.Decode(b)
}

func (x individuals) Files(id string) ([]File, error) {
	rec, err := x.root.Record(id)
	if err != nil {
		return nil, err
	}
	var out []File
	for name, fi := range rec.Files {
		out = append(out, File{Name: name, Size: fi.Size})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

func (x individuals) Open(id, name string) (io.ReadCloser, error) { return x.root.OpenFile(id, name) }

func (fx *fixture) server(t *testing.T, wake <-chan struct{}) *Server {
	t.Helper()
	srv, err := New(Options{
		Main:        Experiment{Dir: fx.dir, Store: fx.store, Config: fx.root.Config(), Graveyard: fx.root.GraveyardUsage},
		Individuals: individuals{fx.root},
		Wake:        wake,
		FirstWait:   time.Minute, // the tests want the plot in the first page
	})
	if err != nil {
		t.Fatal(err)
	}
	return srv
}

// treeHash fingerprints every entry under dir: path, type, mode, size, modification time,
// content (SHA-256) and link target.
func treeHash(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		st, err := os.Lstat(p)
		if err != nil {
			return err
		}
		v := fmt.Sprintf("%s %d %d", st.Mode(), st.Size(), st.ModTime().UnixNano())
		switch {
		case st.Mode()&fs.ModeSymlink != 0:
			target, _ := os.Readlink(p)
			v += " -> " + target
		case st.Mode().IsRegular():
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			sum := sha256.Sum256(b)
			v += " " + hex.EncodeToString(sum[:])
		}
		out[strings.TrimPrefix(p, dir)] = v
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// decodeJSON is json.Unmarshal that fails the test.
func decodeJSON(t *testing.T, b []byte, v any) {
	t.Helper()
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatal(err)
	}
}
