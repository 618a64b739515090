package dashboard

import (
	"io"
	"net/http/httptest"
	"os"
	"testing"
	"time"

	"evo/genome"
	"evo/population"
	"evo/storage"
)

// TestScaleFirstPage times the first load of each page of the experiment in EVO_SCALE_DIR (made
// by scripts/bench/history_scale.sh: a million history events). It reports times and asserts
// only that every page answers.
func TestScaleFirstPage(t *testing.T) {
	dir := os.Getenv("EVO_SCALE_DIR")
	if dir == "" {
		t.Skip("set EVO_SCALE_DIR to an experiment made by scripts/bench/history_scale.sh")
	}
	root, err := storage.Open(dir, storage.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer root.Close()
	store := population.FromStorage(root)
	srv, err := New(Options{Main: Experiment{Dir: dir, Store: store, Config: root.Config(), Graveyard: root.GraveyardUsage},
		Individuals: noFiles{}})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"/", "/", "/workers", "/leaderboard", "/individual/best"} {
		start := time.Now()
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, httptest.NewRequest("GET", p, nil))
		if rec.Code != 200 {
			t.Fatalf("%s: %d %s", p, rec.Code, rec.Body)
		}
		t.Logf("%-18s %6.3f s  %7d bytes", p, time.Since(start).Seconds(), rec.Body.Len())
	}
	srv.opts.FirstWait = time.Hour
	start := time.Now()
	tl, _, err := srv.timeline()
	if err != nil || tl == nil {
		t.Fatalf("the plot: %v", err)
	}
	t.Logf("the plot was ready %.3f s later (%d individuals, %d dots)", time.Since(start).Seconds(), tl.Individuals, tl.Dots)
}

// noFiles is an Individuals with no genomes and no files.
type noFiles struct{}

func (noFiles) Genome(population.Individual) (*genome.Genome, error) { return nil, os.ErrNotExist }
func (noFiles) Files(string) ([]File, error)                         { return nil, os.ErrNotExist }
func (noFiles) Open(string, string) (io.ReadCloser, error)           { return nil, os.ErrNotExist }
