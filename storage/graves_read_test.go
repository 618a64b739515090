package storage

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

func TestValidName(t *testing.T) {
	for s, want := range map[string]bool{
		"20260105T101530.123456789Z-0123456789ab": true, "w1": true, "a.b-c_d": true,
		"": false, ".hidden": false, "-x": false, "a/b": false, "..": false, "a b": false, "é": false,
	} {
		if got := ValidName(s); got != want {
			t.Errorf("ValidName(%q) = %v, want %v", s, got, want)
		}
	}
}

// graveOf returns the path of id's grave.
func graveOf(t *testing.T, r *Root, id string) string {
	t.Helper()
	graves, err := r.gravesOf(id)
	if err != nil || len(graves) != 1 {
		t.Fatalf("graves of %s: %v %v", id, graves, err)
	}
	return r.path(dirGraveyard, graves[0])
}

func TestReadDeadFile(t *testing.T) {
	r := newTestRoot(t, nil)
	alive := publishTest(t, r, "w1", []byte("weights-a"), 0.5)
	dead := publishTest(t, r, "w1", []byte("weights-b"), 0.4)
	if err := r.Kill(dead, "k1"); err != nil {
		t.Fatal(err)
	}
	b, err := r.ReadDeadFile(dead, "checkpoint", 1<<20)
	if err != nil || string(b) != "weights-b" {
		t.Fatalf("ReadDeadFile = %q, %v", b, err)
	}
	if _, err := r.ReadDeadFile(dead, "checkpoint", 3); !errors.Is(err, ErrTooLarge) {
		t.Errorf("over the limit: %v, want ErrTooLarge", err)
	}
	if _, err := r.ReadDeadFile(alive, "checkpoint", 1<<20); !errors.Is(err, ErrGone) {
		t.Errorf("alive individual: %v, want ErrGone", err)
	}
	if _, err := r.ReadDeadFile(dead, "nothing", 1<<20); !errors.Is(err, ErrGone) {
		t.Errorf("missing file: %v, want ErrGone", err)
	}
	if _, err := r.ReadDeadFile(dead, "../x", 1<<20); !errors.Is(err, ErrBadName) {
		t.Errorf("bad name: %v, want ErrBadName", err)
	}
	grave := graveOf(t, r, dead)
	t.Run("corrupt", func(t *testing.T) {
		if err := os.WriteFile(filepath.Join(grave, "genome.json"), []byte(`{"v":2}`), 0o644); err != nil {
			t.Fatal(err)
		}
		if _, err := r.ReadDeadFile(dead, "genome.json", 1<<20); !errors.Is(err, ErrGone) {
			t.Errorf("same size, other bytes: %v, want ErrGone", err)
		}
	})
	t.Run("symlink", func(t *testing.T) {
		path := filepath.Join(grave, "checkpoint")
		other := filepath.Join(t.TempDir(), "other")
		if err := os.WriteFile(other, []byte("weights-b"), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.Remove(path); err != nil {
			t.Fatal(err)
		}
		if err := os.Symlink(other, path); err != nil {
			t.Fatal(err)
		}
		if _, err := r.ReadDeadFile(dead, "checkpoint", 1<<20); !errors.Is(err, ErrGone) {
			t.Errorf("symlink: %v, want ErrGone (symlinks are not followed)", err)
		}
	})
}

func TestFiles(t *testing.T) {
	r := newTestRoot(t, nil)
	alive := publishTest(t, r, "w1", []byte("a"), 0.5)
	dead := publishTest(t, r, "w1", []byte("b"), 0.4)
	if err := r.Kill(dead, "k1"); err != nil {
		t.Fatal(err)
	}
	dir, files := r.Files(alive, true)
	if filepath.Base(dir) != alive || len(files) != 3 || filepath.Base(files[0]) != "checkpoint" {
		t.Errorf("alive: %s %v", dir, files)
	}
	dir, files = r.Files(dead, false)
	if dir != graveOf(t, r, dead) && !filepath.IsAbs(dir) || len(files) != 3 {
		t.Errorf("dead: %s %v", dir, files)
	}
	if dir, files := r.Files(alive, false); dir != "" || files != nil {
		t.Errorf("an alive individual has no grave: %s %v", dir, files)
	}
	if dir, files := r.Files("../etc", true); dir != "" || files != nil {
		t.Errorf("a bad id: %s %v", dir, files)
	}
}

func TestHostName(t *testing.T) {
	if h := HostName(); !ValidName(h) || len(h) > 64 {
		t.Errorf("HostName() = %q: not a valid name", h)
	}
}

func TestIsExperiment(t *testing.T) {
	r := newTestRoot(t, nil)
	if !IsExperiment(r.Dir()) || IsExperiment(t.TempDir()) || IsExperiment(filepath.Join(t.TempDir(), "none")) {
		t.Error("IsExperiment disagrees with Init")
	}
}
