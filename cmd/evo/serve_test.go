package main

import (
	"bufio"
	"crypto/sha256"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"evo/population"
	"evo/storage"
)

// TestServe runs `evo serve` on a finished experiment and reads, through it, what only the
// command's adapter provides: a dead individual's genome (drawn from its grave) and its files.
func TestServe(t *testing.T) {
	fx := newFixture(t)
	root, err := storage.Open(fx.dir, storage.Options{})
	if err != nil {
		t.Fatal(err)
	}
	tl, err := population.TimelineOf(population.FromStorage(root))
	root.Close()
	if err != nil {
		t.Fatal(err)
	}
	dead := ""
	for _, p := range tl.Points {
		if !p.Alive {
			dead = p.ID
			break
		}
	}
	if dead == "" {
		t.Fatal("the fixture has no dead individual")
	}
	before := dirState(t, fx.dir)
	base := startServe(t, "--dir", fx.dir, "--addr", "127.0.0.1:0", "--compare", fx.dir+"=again")

	get := func(path string) (int, string) {
		resp, err := http.Get(base + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	code, body := get("/individual/" + dead)
	if code != http.StatusOK || !strings.Contains(body, `id="architecture"><svg`) || !strings.Contains(body, "badge dead") {
		t.Fatalf("dead individual %s: %d, architecture drawn: %v", dead, code, strings.Contains(body, `id="architecture"><svg`))
	}
	want, err := os.ReadFile(graveFile(t, fx.dir, dead, population.GenomeFile))
	if err != nil {
		t.Fatal(err)
	}
	if code, got := get("/individual/" + dead + "/files/" + population.GenomeFile); code != http.StatusOK || got != string(want) {
		t.Errorf("the dead individual's genome.json: %d, equal to its grave's: %v", code, got == string(want))
	}
	if code, body := get("/compare"); code != http.StatusOK || !strings.Contains(body, "again") {
		t.Errorf("/compare: %d, the --compare label shown: %v", code, strings.Contains(body, "again"))
	}
	if code, _ := get("/individual/best/files/" + population.WeightsFile); code == http.StatusOK {
		t.Errorf("files are addressed by id, not by best")
	}
	for _, p := range []string{"/", "/workers", "/leaderboard", "/individual/best"} {
		if code, _ := get(p); code != http.StatusOK {
			t.Errorf("%s: %d", p, code)
		}
	}
	if after := dirState(t, fx.dir); after != before {
		t.Errorf("evo serve changed the experiment directory")
	}
}

// dirState describes every entry under dir (path, mode, size, modification time, content).
func dirState(t *testing.T, dir string) string {
	t.Helper()
	var b strings.Builder
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		st, err := os.Lstat(p)
		if err != nil {
			return err
		}
		fmt.Fprintf(&b, "%s %s %d %d", p, st.Mode(), st.Size(), st.ModTime().UnixNano())
		if st.Mode().IsRegular() {
			c, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			fmt.Fprintf(&b, " %x", sha256.Sum256(c))
		}
		b.WriteByte('\n')
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// graveFile is the path of file name in the grave of id.
func graveFile(t *testing.T, dir, id, name string) string {
	t.Helper()
	entries, err := os.ReadDir(dir + "/graveyard")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), id+".") {
			return dir + "/graveyard/" + e.Name() + "/" + name
		}
	}
	t.Fatalf("no grave of %s", id)
	return ""
}

// startServe starts `evo serve` with args and returns its base URL; the test's end stops it.
func startServe(t *testing.T, args ...string) string {
	t.Helper()
	cmd := exec.Command(evoBin, append([]string{"serve"}, args...)...)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Signal(syscall.SIGINT)
		cmd.Wait()
	})
	found := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			if m := serveAddrRE.FindStringSubmatch(sc.Text()); m != nil {
				found <- m[1]
			}
		}
	}()
	select {
	case base := <-found:
		return base
	case <-time.After(time.Minute): // a hang guard only
		t.Fatal("evo serve did not print its address")
		return ""
	}
}

// TestServeWarnsOffLoopback: `evo serve` warns, before it prints its address, that a
// non-loopback --addr exposes the unauthenticated dashboard, and says nothing of it on loopback.
func TestServeWarnsOffLoopback(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "exp")
	mustRun(t, "init", "--dir", dir)
	// The address line: on 0.0.0.0 the listener may print itself as [::]:PORT.
	isAddrLine := func(l string) bool {
		return strings.Contains(l, "evo: dashboard of ") && strings.Contains(l, " at http://")
	}
	for addr, wantWarning := range map[string]bool{"127.0.0.1:0": false, "0.0.0.0:0": true} {
		cmd := exec.Command(evoBin, "serve", "--dir", dir, "--addr", addr)
		stderr, err := cmd.StderrPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		lines := make(chan string, 64)
		go func() {
			defer close(lines)
			sc := bufio.NewScanner(stderr)
			for sc.Scan() {
				lines <- sc.Text()
				if isAddrLine(sc.Text()) {
					return
				}
			}
		}()
		var before []string
		timeout := time.After(time.Minute) // a hang guard only
	read:
		for {
			select {
			case l, ok := <-lines:
				if !ok {
					break read
				}
				before = append(before, l)
			case <-timeout:
				t.Fatalf("--addr %s: evo serve did not print its address", addr)
			}
		}
		cmd.Process.Signal(syscall.SIGINT)
		cmd.Wait()
		if len(before) == 0 || !isAddrLine(before[len(before)-1]) {
			t.Fatalf("--addr %s: evo serve ended before printing its address: %q", addr, before)
		}
		warned := strings.Contains(strings.Join(before, "\n"), "warning: ") && strings.Contains(strings.Join(before, "\n"), "has no login")
		if warned != wantWarning {
			t.Errorf("--addr %s: warned about the network %v, want %v; stderr:\n%s", addr, warned, wantWarning, strings.Join(before, "\n"))
		}
	}
}
