package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"evo/cmd/evo/internal/experiment"
	"evo/population"
	"evo/storage"
)

// The inspection commands are tested on one real experiment: `evo init` and `evo worker` run
// in-process on the built-in digits data (population 6, 40 steps per individual, 16
// individuals, so there are dead individuals, graves and lineages several generations deep).
// TestInspect builds it once and runs every command's checks as subtests on it; the checks of
// each command live in the command's own test file.

const (
	fixturePopulation = 6
	fixtureTrained    = 16
)

// fixture is a finished experiment.
type fixture struct {
	dir   string // the experiment
	data  string // --data (the digits set is built in; nothing is downloaded)
	empty string // an experiment with no individual
}

func TestInspect(t *testing.T) {
	fx := newFixture(t)
	for _, tc := range []struct {
		name string
		fn   func(*testing.T, *fixture)
	}{
		{"list", testList},
		{"show", testShow},
		{"lineage", testLineage},
		{"plot", testPlot},
		{"compare", testCompare},
		{"draw", testDraw},
		{"eval", testEval},
		{"ensemble", testEnsemble},
		{"export", testExport},
		{"export onnx", testExportONNX},
		{"collected graves", testCollectedGraves},
		{"damaged", testDamaged},
		{"bad input", testBadInput},
	} {
		t.Run(tc.name, func(t *testing.T) { tc.fn(t, fx) })
	}
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	tmp := t.TempDir()
	fx := &fixture{dir: filepath.Join(tmp, "exp"), data: filepath.Join(tmp, "data"), empty: filepath.Join(tmp, "empty")}
	if err := os.Mkdir(fx.data, 0o755); err != nil {
		t.Fatal(err)
	}
	mustRun(t, "init", "--dir", fx.dir, "--population", "6", "--steps", "40", "--max-individuals", "16", "--seed", "7")
	mustRun(t, "init", "--dir", fx.empty)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	var errb bytes.Buffer
	err := newApp(io.Discard, &errb).RunContext(ctx, []string{"evo", "worker", "--dir", fx.dir, "--data", fx.data,
		"--download=false", "--name", "fixture", "--log-level", "warn"})
	if err != nil {
		t.Fatalf("evo worker: %v\n%s", err, errb.String())
	}
	// Check the fixture is what the tests assume.
	root, err := storage.Open(fx.dir, storage.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer root.Close()
	st, err := population.Status(population.FromStorage(root), time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if st.Trained < fixtureTrained || st.Alive < 2 || st.Alive > fixturePopulation || st.Kills == 0 {
		t.Fatalf("fixture: trained %d, alive %d, kills %d: want ≥ %d trained, 2..%d alive, some kills",
			st.Trained, st.Alive, st.Kills, fixtureTrained, fixturePopulation)
	}
	return fx
}

// evoIn runs the evo command line args in-process and returns its stdout and stderr.
func evoIn(t *testing.T, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	var out, errb bytes.Buffer
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	err = newApp(&out, &errb).RunContext(ctx, append([]string{"evo"}, args...))
	return out.String(), errb.String(), err
}

func mustRun(t *testing.T, args ...string) string {
	t.Helper()
	out, errs, err := evoIn(t, args...)
	if err != nil {
		t.Fatalf("evo %s: %v\nstdout:\n%s\nstderr:\n%s", strings.Join(args, " "), err, out, errs)
	}
	return out
}

// runJSON runs a command that prints JSON and decodes it into v.
func runJSON(t *testing.T, v any, args ...string) {
	t.Helper()
	out := mustRun(t, args...)
	if err := json.Unmarshal([]byte(out), v); err != nil {
		t.Fatalf("evo %s: output is not the expected JSON: %v\n%s", strings.Join(args, " "), err, out)
	}
}

// wantErr runs a command that must fail with an error that mentions every one of parts.
func wantErr(t *testing.T, parts []string, args ...string) {
	t.Helper()
	out, _, err := evoIn(t, args...)
	if err == nil {
		t.Fatalf("evo %s succeeded, want an error mentioning %q; stdout:\n%s", strings.Join(args, " "), parts, out)
	}
	for _, p := range parts {
		if !strings.Contains(err.Error(), p) {
			t.Errorf("evo %s: error %q does not mention %q", strings.Join(args, " "), err, p)
		}
	}
}

// openTestExperiment opens the experiment at dir as the commands do.
func openTestExperiment(t *testing.T, dir string) *experiment.Experiment {
	t.Helper()
	e, err := experiment.Open(dir, storage.Options{}, dir+" is not an experiment")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.Close() })
	return e
}

// copyDir copies the tree src to dst (regular files and directories only).
func copyDir(t *testing.T, src, dst string) {
	t.Helper()
	err := filepath.WalkDir(src, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, path)
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		if !d.Type().IsRegular() {
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		return os.WriteFile(target, b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// testBadInput: every mistake is an error that names the culprit and says what to do.
func testBadInput(t *testing.T, fx *fixture) {
	missing := filepath.Join(t.TempDir(), "nowhere")
	for _, cmd := range [][]string{{"list"}, {"show", "best"}, {"lineage", "best"}, {"plot"}, {"draw", "best"},
		{"eval"}, {"ensemble"}, {"export", "best"}} {
		args := append([]string{cmd[0], "--dir", missing}, cmd[1:]...)
		wantErr(t, []string{missing, "is not an experiment directory", "evo init"}, args...)
	}
	unknown := "20990101T000000.000000000Z-000000000000"
	for _, cmd := range []string{"show", "lineage", "draw", "eval", "export"} {
		wantErr(t, []string{unknown, "neither alive nor in the history", "evo list"}, cmd, "--dir", fx.dir, unknown)
		wantErr(t, []string{"no trained individual is alive", fx.empty}, cmd, "--dir", fx.empty, "best")
	}
	wantErr(t, []string{`"../etc"`, "not an individual id"}, "show", "--dir", fx.dir, "../etc")
	wantErr(t, []string{"missing individual id", "best"}, "show", "--dir", fx.dir)
	wantErr(t, []string{"flag --json after the id", "flags go before"}, "show", "--dir", fx.dir, "best", "--json")
	wantErr(t, []string{"takes one individual", "best other"}, "draw", "--dir", fx.dir, "best", "other")
	wantErr(t, []string{"takes no arguments", `"best"`}, "list", "--dir", fx.dir, "best")
	wantErr(t, []string{`--split "x"`}, "ensemble", "--dir", fx.dir, "--split", "x")
	wantErr(t, []string{"--limit -1"}, "list", "--dir", fx.dir, "--limit", "-1")
	wantErr(t, []string{"--dot and --json"}, "lineage", "--dir", fx.dir, "--dot", "--json", "best")
}
