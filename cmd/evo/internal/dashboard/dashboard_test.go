package dashboard

import (
	"bufio"
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"evo/population"
)

// get requests path from srv and returns the status and body.
func get(t *testing.T, srv http.Handler, method, path string) (int, string) {
	t.Helper()
	rec := httptest.NewRecorder()
	req := httptest.NewRequest(method, "http://127.0.0.1"+path, nil)
	srv.ServeHTTP(rec, req)
	return rec.Code, rec.Body.String()
}

func mustGet(t *testing.T, srv http.Handler, path string) string {
	t.Helper()
	code, body := get(t, srv, "GET", path)
	if code != http.StatusOK {
		t.Fatalf("GET %s: %d %s", path, code, body)
	}
	return body
}

var (
	trainedRE = regexp.MustCompile(`id="trained">(\d+)<`)
	hrefRE    = regexp.MustCompile(`href="(/[^"]*)"`)
	rowIDRE   = regexp.MustCompile(`class="ind" href="/individual/([^"]+)"`)
)

func TestPages(t *testing.T) {
	fx := newFixture(t)
	srv := fx.server(t, nil)
	st, err := population.Status(fx.store, time.Now())
	if err != nil {
		t.Fatal(err)
	}

	t.Run("overview", func(t *testing.T) {
		body := mustGet(t, srv, "/")
		m := trainedRE.FindStringSubmatch(body)
		if m == nil || m[1] != strconv.Itoa(st.Trained) {
			t.Errorf("trained card %v, want %d", m, st.Trained)
		}
		if !strings.Contains(body, `<svg id="fig1"`) || strings.Count(body, `class="pt`) < st.Alive {
			t.Errorf("the Figure 1 plot is missing or has fewer than %d dots", st.Alive)
		}
		if strings.Count(body, `class="pt alive"`) != st.Alive || !strings.Contains(body, `class="best"`) {
			t.Errorf("want %d alive dots and the best-so-far line", st.Alive)
		}
		for _, want := range []string{"population", `id="graves"`, "digits", `src="/static/app.js"`} {
			if !strings.Contains(body, want) {
				t.Errorf("overview lacks %q", want)
			}
		}
	})
	t.Run("workers", func(t *testing.T) {
		body := mustGet(t, srv, "/workers")
		if n := strings.Count(body, "<tr class="); n != len(st.WorkerStatus) || n == 0 {
			t.Errorf("%d worker rows, want %d", n, len(st.WorkerStatus))
		}
		if !strings.Contains(body, st.WorkerStatus[0].Worker) || !strings.Contains(body, "stopped") {
			t.Errorf("workers page lacks the worker or its state:\n%s", body)
		}
	})
	t.Run("leaderboard", func(t *testing.T) {
		list, _, err := population.Individuals(fx.store)
		if err != nil {
			t.Fatal(err)
		}
		ids := rowIDRE.FindAllStringSubmatch(mustGet(t, srv, "/leaderboard"), -1)
		if len(ids) != len(list) {
			t.Fatalf("%d rows, want %d alive", len(ids), len(list))
		}
		if ids[0][1] != list[0].Meta.ID && list[0].Meta.Fitness != list[1].Meta.Fitness {
			t.Errorf("first row %s, want the fittest %s", ids[0][1], list[0].Meta.ID)
		}
		byID := map[string]population.Meta{}
		for _, in := range list {
			byID[in.Meta.ID] = in.Meta
		}
		for _, order := range []string{"", "&order=reverse"} {
			rows := rowIDRE.FindAllStringSubmatch(mustGet(t, srv, "/leaderboard?sort=generation"+order), -1)
			for i := 1; i < len(rows); i++ {
				a, b := byID[rows[i-1][1]].Generation, byID[rows[i][1]].Generation
				if order == "" && a < b || order != "" && a > b {
					t.Errorf("sort=generation%s: row %d has generation %d after %d", order, i, b, a)
				}
			}
		}
		if code, _ := get(t, srv, "GET", "/leaderboard?sort=name"); code != http.StatusBadRequest {
			t.Errorf("an unknown sort key: %d, want 400", code)
		}
	})
	t.Run("individual", func(t *testing.T) {
		body := mustGet(t, srv, "/individual/best")
		if !strings.Contains(body, st.Best.ID) {
			t.Errorf("/individual/best does not show the best, %s", st.Best.ID)
		}
		l, err := population.LineageOf(fx.store, st.Best.ID)
		if err != nil {
			t.Fatal(err)
		}
		if n := strings.Count(body, `<li class="node`); n != len(l.Chain) {
			t.Errorf("%d lineage nodes, want %d", n, len(l.Chain))
		}
		if len(l.Chain) > 1 && strings.Count(body, `<li class="edge">`) != len(l.Chain)-1 {
			t.Errorf("lineage edges missing")
		}
		for _, want := range []string{`id="architecture"><svg`, `id="lineage-fitness"`, population.GenomeFile, `id="inheritance"`} {
			if !strings.Contains(body, want) {
				t.Errorf("individual page lacks %q", want)
			}
		}
		want, err := fx.root.ReadFile(st.Best.ID, population.GenomeFile, 1<<20)
		if err != nil {
			t.Fatal(err)
		}
		if got := mustGet(t, srv, "/individual/"+st.Best.ID+"/files/"+population.GenomeFile); got != string(want) {
			t.Errorf("the downloaded genome differs from the file")
		}
		if code, _ := get(t, srv, "GET", "/individual/20990101T000000.000000000Z-000000000000"); code != http.StatusNotFound {
			t.Errorf("an unknown individual: %d, want 404", code)
		}
	})
	t.Run("dead individual", func(t *testing.T) {
		tl, err := population.TimelineOf(fx.store)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range tl.Points {
			if !p.Alive {
				body := mustGet(t, srv, "/individual/"+p.ID)
				if !strings.Contains(body, "badge dead") {
					t.Errorf("dead individual %s not shown as dead", p.ID)
				}
				return
			}
		}
		t.Fatal("the fixture has no dead individual")
	})
	t.Run("compare", func(t *testing.T) {
		body := mustGet(t, srv, "/compare")
		if !strings.Contains(body, `id="cmp-flops"`) || !strings.Contains(body, `id="cmp-wall"`) || strings.Count(body, `class="curve"`) != 2 {
			t.Errorf("compare page lacks its two plots with one curve each")
		}
	})
	t.Run("static", func(t *testing.T) {
		if body := mustGet(t, srv, "/static/app.js"); !strings.Contains(body, "EventSource") {
			t.Errorf("app.js is not the live-refresh script")
		}
		if code, _ := get(t, srv, "GET", "/static/"); code == http.StatusOK {
			t.Errorf("/static/ lists the assets")
		}
	})
}

// TestReadOnly visits every page the dashboard links to, every file download and the event
// stream, and checks that the experiment directory is exactly as before, byte for byte.
func TestReadOnly(t *testing.T) {
	fx := newFixture(t)
	srv := fx.server(t, nil)
	before := treeHash(t, fx.dir)
	seen := map[string]bool{}
	queue := []string{"/", "/leaderboard?sort=age", "/leaderboard?sort=params&order=reverse"}
	for len(queue) > 0 && len(seen) < 400 {
		p := queue[0]
		queue = queue[1:]
		if seen[p] {
			continue
		}
		seen[p] = true
		for _, method := range []string{"GET", "HEAD"} {
			code, body := get(t, srv, method, p)
			if code != http.StatusOK {
				t.Errorf("%s %s: %d", method, p, code)
			}
			if method == "GET" && !strings.Contains(p, "/files/") && !strings.HasPrefix(p, "/static/") {
				for _, m := range hrefRE.FindAllStringSubmatch(body, -1) {
					queue = append(queue, strings.ReplaceAll(m[1], "&amp;", "&"))
				}
			}
		}
	}
	if len(seen) < 20 {
		t.Fatalf("crawled only %d pages", len(seen))
	}
	ts := httptest.NewServer(srv)
	defer ts.Close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go srv.Run(ctx)
	req, _ := http.NewRequestWithContext(ctx, "GET", ts.URL+"/events", nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	bufio.NewReader(resp.Body).ReadString('\n')
	resp.Body.Close()
	if after := treeHash(t, fx.dir); !equalMaps(before, after) {
		t.Errorf("the dashboard changed the experiment directory:\nbefore %v\nafter  %v", before, after)
	}
	t.Logf("crawled %d pages and files", len(seen))
}

func equalMaps(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

// TestRejectsPathsOutside asks for files outside the experiment in every way a URL can say it.
func TestRejectsPathsOutside(t *testing.T) {
	fx := newFixture(t)
	secret := filepath.Join(filepath.Dir(fx.dir), "secret.txt")
	if err := os.WriteFile(secret, []byte("SECRET-OUTSIDE"), 0o644); err != nil {
		t.Fatal(err)
	}
	ids, err := fx.root.List()
	if err != nil || len(ids) < 2 {
		t.Fatalf("alive %v: %v", ids, err)
	}
	id, linked := ids[0], ids[1]
	// A symlink that the record does not list, and a listed file replaced by a symlink.
	if err := os.Symlink(secret, filepath.Join(fx.dir, "population", id, "evil")); err != nil {
		t.Fatal(err)
	}
	dot := filepath.Join(fx.dir, "population", linked, population.DOTFile)
	if err := os.Remove(dot); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(secret, dot); err != nil {
		t.Fatal(err)
	}
	srv := fx.server(t, nil)
	for _, p := range []string{
		"/individual/" + id + "/files/evil",
		"/individual/" + linked + "/files/" + population.DOTFile,
		"/individual/" + id + "/files/..%2f..%2f..%2fsecret.txt",
		"/individual/" + id + "/files/%2e%2e%2f%2e%2e%2fexperiment.json",
		"/individual/" + id + "/files/..",
		"/individual/" + id + "/files/%2e%2e",
		"/individual/" + id + "/files/" + url(secret),
		"/individual/%2e%2e/files/experiment.json",
		"/individual/..%2f..%2fsecret.txt/files/x",
		"/individual/" + id + "/../../secret.txt",
		"/individual/" + id + "/files/../../../secret.txt",
		"/static/..%2fdoc.go",
		"/static/%2e%2e/doc.go",
		"/static/../../secret.txt",
		"//" + secret,
		"/" + url(secret),
		"/individual/" + id + "/files//" + secret,
	} {
		code, body := get(t, srv, "GET", p)
		if code == http.StatusOK || strings.Contains(body, "SECRET-OUTSIDE") || strings.Contains(body, "package dashboard") {
			t.Errorf("GET %s: %d, body %.80q: want a refusal", p, code, body)
		}
	}
	if code, _ := get(t, srv, "GET", "/individual/"+id+"/files/"+population.GenomeFile); code != http.StatusOK {
		t.Errorf("a genuine file: %d", code)
	}
}

// url percent-encodes every slash of an absolute path.
func url(p string) string { return strings.ReplaceAll(p, "/", "%2f") }

func TestOnlyGetAndHead(t *testing.T) {
	fx := newFixture(t)
	srv := fx.server(t, nil)
	for _, m := range []string{"POST", "PUT", "DELETE", "PATCH", "OPTIONS"} {
		for _, p := range []string{"/", "/individual/best", "/events"} {
			if code, _ := get(t, srv, m, p); code != http.StatusMethodNotAllowed {
				t.Errorf("%s %s: %d, want 405", m, p, code)
			}
		}
	}
	if code, body := get(t, srv, "HEAD", "/"); code != http.StatusOK || body != "" {
		t.Errorf("HEAD /: %d with %d bytes", code, len(body))
	}
}

func TestLoopbackOnly(t *testing.T) {
	fx := newFixture(t)
	srv := fx.server(t, nil)
	srv.opts.LoopbackOnly = true
	for host, want := range map[string]int{
		"127.0.0.1:8080": http.StatusOK, "localhost:8080": http.StatusOK, "[::1]:8080": http.StatusOK, "127.0.0.1": http.StatusOK,
		"evil.example:8080": http.StatusMisdirectedRequest, "login-node": http.StatusMisdirectedRequest,
	} {
		rec := httptest.NewRecorder()
		req := httptest.NewRequest("GET", "/workers", nil)
		req.Host = host
		srv.ServeHTTP(rec, req)
		if rec.Code != want {
			t.Errorf("Host %s: %d, want %d", host, rec.Code, want)
		}
	}
}

// TestLiveUpdate: a page shows the state of its generation; after the experiment grows and the
// watcher wakes the server, the event stream says so and the page shows the new count.
func TestLiveUpdate(t *testing.T) {
	fx := newFixture(t)
	wake := make(chan struct{}, 1)
	srv := fx.server(t, wake)
	ts := httptest.NewServer(srv)
	defer ts.Close()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute) // a hang guard only
	defer cancel()
	go srv.Run(ctx)

	trained := func() int {
		m := trainedRE.FindStringSubmatch(mustGet(t, srv, "/"))
		if m == nil {
			t.Fatal("no trained count on the overview")
		}
		n, _ := strconv.Atoi(m[1])
		return n
	}
	first := trained()
	req, _ := http.NewRequestWithContext(ctx, "GET", ts.URL+"/events", nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if ct := resp.Header.Get("Content-Type"); ct != "text/event-stream" {
		t.Fatalf("events content type %q", ct)
	}
	r := bufio.NewReader(resp.Body)
	// next returns the next event's name and its data (the generation).
	next := func() (string, uint64) {
		name := ""
		for {
			line, err := r.ReadString('\n')
			if err != nil {
				t.Fatalf("event stream: %v", err)
			}
			switch {
			case strings.HasPrefix(line, "event: "):
				name = strings.TrimSpace(strings.TrimPrefix(line, "event: "))
			case strings.HasPrefix(line, "data: "):
				gen, err := strconv.ParseUint(strings.TrimSpace(strings.TrimPrefix(line, "data: ")), 10, 64)
				if err != nil {
					t.Fatalf("event data %q: %v", line, err)
				}
				return name, gen
			}
		}
	}
	if ev, _ := next(); ev != "hello" {
		t.Fatalf("first event %q, want hello", ev)
	}
	fx.grow(t, first+6)
	if trained() != first {
		t.Errorf("the page changed before the watcher woke the server")
	}
	before := srv.Generation()
	wake <- struct{}{}
	// A background computation that ends may announce the current generation meanwhile: wait
	// for the one the wake-up made.
	for {
		if ev, gen := next(); ev == "change" && gen > before {
			break
		}
	}
	if got := trained(); got < first+6 {
		t.Errorf("after a change event the overview shows %d trained, want at least %d", got, first+6)
	}
}

// TestFirstWait: a page that asks for a view still being computed shows a placeholder rather than
// wait, and the computation, once done, tells the browsers.
func TestSlowViewPlaceholder(t *testing.T) {
	fx := newFixture(t)
	srv := fx.server(t, nil)
	srv.opts.FirstWait = time.Nanosecond
	release := make(chan struct{})
	srv.fig1.mu.Lock()
	srv.fig1.running, srv.fig1.done = true, release // a computation that has not finished
	srv.fig1.mu.Unlock()
	if body := mustGet(t, srv, "/"); !strings.Contains(body, `id="fig1-pending"`) || !strings.Contains(body, `id="trained"`) {
		t.Errorf("while the plot is computed, the overview should show its counts and a placeholder")
	}
	srv.fig1.mu.Lock()
	srv.fig1.running, srv.fig1.done = false, nil
	srv.fig1.mu.Unlock()
	close(release)
	srv.opts.FirstWait = time.Minute
	if body := mustGet(t, srv, "/"); !strings.Contains(body, `<svg id="fig1"`) {
		t.Errorf("the plot did not appear once computed")
	}
}
