package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// chromiumPath finds a Chromium or Chrome binary: $EVO_CHROMIUM, then the usual names.
func chromiumPath() string {
	if p := os.Getenv("EVO_CHROMIUM"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

var serveAddrRE = regexp.MustCompile(`at (http://[0-9.:]+)/`)

// TestServeInBrowser watches a live `evo run` through `evo serve` in headless Chromium and
// checks what a person sees: the trained count rising without a reload, the Figure 1 plot
// drawn, an individual reached from the leaderboard with its lineage and architecture. It
// writes screenshots to $EVO_SCREENSHOT_DIR (default: the test's temporary directory).
// Without Chromium it is skipped, unless EVO_BROWSER=1 (then it fails); -short skips it too.
func TestServeInBrowser(t *testing.T) {
	required := os.Getenv("EVO_BROWSER") == "1"
	chrome := chromiumPath()
	switch {
	case chrome == "" && required:
		t.Fatal("EVO_BROWSER=1 but no chromium binary was found: apt-get install chromium, or set EVO_CHROMIUM")
	case chrome == "":
		t.Skip("chromium not found (apt-get install chromium, or set EVO_CHROMIUM); EVO_BROWSER=1 makes this a failure")
	case testing.Short() && !required:
		t.Skip("a live run in a real browser: skipped with -short (EVO_BROWSER=1 runs it)")
	}
	shots := os.Getenv("EVO_SCREENSHOT_DIR")
	if shots == "" {
		shots = t.TempDir()
	}
	if err := os.MkdirAll(shots, 0o755); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "exp")

	// A live run: two workers, small individuals, stopped by the test (or its wall budget).
	run := exec.Command(evoBin, "run", "--dir", dir, "--workers", "2", "--population", "6", "--steps", "30",
		"--max-wall", "80s", "--log-level", "warn")
	run.Env = append(os.Environ(), "EVO_DATA="+t.TempDir())
	var runOut strings.Builder
	run.Stdout, run.Stderr = &runOut, &runOut
	if err := run.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		run.Process.Signal(syscall.SIGINT)
		run.Wait()
		if t.Failed() {
			t.Logf("evo run:\n%s", runOut.String())
		}
	}()
	waitFor(t, 30*time.Second, "experiment.json", func() bool {
		_, err := os.Stat(filepath.Join(dir, "experiment.json"))
		return err == nil
	})

	base := startServe(t, "--dir", dir, "--addr", "127.0.0.1:0", "--every", "1s")

	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(chrome),
		chromedp.NoSandbox, chromedp.DisableGPU, chromedp.WindowSize(1280, 1000))
	actx, acancel := chromedp.NewExecAllocator(context.Background(), opts...)
	defer acancel()
	ctx, cancel := chromedp.NewContext(actx)
	defer cancel()
	ctx, tcancel := context.WithTimeout(ctx, 90*time.Second) // a hang guard only
	defer tcancel()

	// The overview, then the same page a little later, without reloading it. A live update
	// swaps the page's main part, so a read that lands mid-swap finds no node or no number: read
	// again.
	trained := func() (int, bool) {
		s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("#trained")))
		if err != nil {
			if ctx.Err() != nil {
				t.Fatalf("read the trained count: %v", err)
			}
			return 0, false // the node was swapped out under the query
		}
		n, err := strconv.Atoi(strings.TrimSpace(s))
		return n, err == nil
	}
	if err := chromedp.Do(ctx, chromedp.Navigate(base+"/"), chromedp.WaitVisible(chromedp.CSS("#trained"))); err != nil {
		t.Fatalf("open the overview: %v", err)
	}
	var first, now int
	waitFor(t, 30*time.Second, "a trained count on the overview", func() bool {
		n, ok := trained()
		first = n
		return ok
	})
	waitFor(t, 60*time.Second, "the trained count to rise on the open page", func() bool {
		n, ok := trained()
		now = n
		return ok && now > first && now >= 3
	})
	t.Logf("trained count on the open page: %d, then %d", first, now)

	if err := chromedp.Do(ctx, chromedp.WaitVisible(chromedp.CSS("#fig1"))); err != nil {
		t.Fatalf("the Figure 1 plot: %v", err)
	}
	dots := evaluate[int](t, ctx, `document.querySelectorAll('#fig1 circle.pt').length`)
	if dots == 0 {
		t.Error("the Figure 1 plot has no points")
	}
	screenshot(t, ctx, filepath.Join(shots, "dashboard-overview.png"))

	// The leaderboard, then a click on its first individual. A live update may swap the page's
	// main part between two protocol calls, so the link is read and clicked in one script, and
	// the individual page is read in one script too.
	if err := chromedp.Do(ctx, chromedp.Navigate(base+"/leaderboard"), chromedp.WaitVisible(chromedp.CSS("a.ind"))); err != nil {
		t.Fatalf("the leaderboard: %v", err)
	}
	var id string
	waitFor(t, 30*time.Second, "a click on the leaderboard's first individual", func() bool {
		id = evaluate[string](t, ctx, `(() => { const a = document.querySelector('a.ind'); if (!a) return ''; const id = a.textContent; a.click(); return id; })()`)
		return id != ""
	})
	if err := chromedp.Do(ctx, chromedp.WaitVisible(chromedp.CSS("#lineage"))); err != nil {
		t.Fatalf("from the leaderboard to an individual: %v", err)
	}
	page := evaluate[struct {
		Title        string
		Nodes, Boxes int
	}](t, ctx, `(() => ({
		title: (document.querySelector('h1 .id') || {}).textContent || '',
		nodes: document.querySelectorAll('#lineage li.node').length,
		boxes: document.querySelectorAll('#architecture svg rect').length,
	}))()`)
	title, nodes, archSVG := page.Title, page.Nodes, page.Boxes
	if strings.TrimSpace(title) != strings.TrimSpace(id) {
		t.Errorf("clicked %q, the page shows %q", id, title)
	}
	if nodes < 1 {
		t.Error("the lineage shows no individual")
	}
	if archSVG < 2 {
		t.Errorf("the architecture drawing has %d boxes", archSVG)
	}
	screenshot(t, ctx, filepath.Join(shots, "dashboard-individual.png"))
	t.Logf("individual %s: %d in its lineage; screenshots in %s", id, nodes, shots)
}

func screenshot(t *testing.T, ctx context.Context, path string) {
	t.Helper()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100)) // 100 gives a PNG, any other quality a JPEG
	if err != nil {
		t.Fatalf("screenshot: %v", err)
	}
	if err := os.WriteFile(path, png, 0o644); err != nil {
		t.Fatal(err)
	}
}

// evaluate runs a JavaScript expression in the page.
func evaluate[T any](t *testing.T, ctx context.Context, expr string) T {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr))
	if err != nil {
		t.Fatalf("%s: %v", expr, err)
	}
	return v
}

// waitFor polls cond every 200 ms until it holds; limit is a hang guard, not a measurement.
func waitFor(t *testing.T, limit time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(limit)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal(fmt.Sprintf("gave up waiting for %s after %s", what, limit))
		}
		time.Sleep(200 * time.Millisecond)
	}
}
