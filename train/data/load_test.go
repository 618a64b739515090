package data

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestNamesAllLoad(t *testing.T) {
	names := Names()
	if !slices.Equal(names, []string{"digits", "cifar10", "cifar100", "mnist", "fashion-mnist"}) {
		t.Fatalf("Names() = %v", names)
	}
	for _, n := range names {
		if loaders[n] == nil {
			t.Errorf("%s has no loader", n)
		}
	}
	if len(loaders) != len(names) {
		t.Errorf("%d loaders for %d names", len(loaders), len(names))
	}
}

func TestLoadErrors(t *testing.T) {
	root := t.TempDir()
	tests := []struct {
		name, set string
		opts      Options
		want      error
		mentions  []string
	}{
		{"unknown name", "imagenet", Options{Dir: root}, ErrUnknown, []string{`"imagenet"`, "digits, cifar10, cifar100, mnist, fashion-mnist"}},
		{"cifar10 absent", "cifar10", Options{Dir: root}, ErrMissing, []string{filepath.Join(root, "cifar-10-batches-bin"), "--download", "cifar-10-binary.tar.gz", "EVO_DATA"}},
		{"cifar100 absent", "cifar100", Options{Dir: root}, ErrMissing, []string{"cifar-100-binary", "--download"}},
		{"mnist absent", "mnist", Options{Dir: root}, ErrMissing, []string{filepath.Join(root, "mnist"), "GoMNIST"}},
		{"fashion absent", "fashion-mnist", Options{Dir: root}, ErrMissing, []string{"dataset-fashion-mnist"}},
		{"bad source URL", "cifar10", Options{Dir: root, Sources: map[string]Source{"cifar10": {URL: "ftp://x", MD5: strings.Repeat("a", 32)}}}, nil, []string{"ftp://x", "http://"}},
		{"bad source md5", "cifar10", Options{Dir: root, Sources: map[string]Source{"cifar10": {URL: "http://x", MD5: "abc"}}}, nil, []string{`"abc"`, "32 hex digits"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Load(context.Background(), tt.set, tt.opts)
			if err == nil || (tt.want != nil && !errors.Is(err, tt.want)) {
				t.Fatalf("error %v, want %v", err, tt.want)
			}
			for _, s := range tt.mentions {
				if !strings.Contains(err.Error(), s) {
					t.Errorf("error %q does not mention %q", err, s)
				}
			}
		})
	}
}

func TestLocate(t *testing.T) {
	cache, err := os.UserCacheDir()
	if err != nil {
		t.Skipf("no user cache dir here: %v", err)
	}
	tests := []struct {
		name, flag, env, want string
	}{
		{"flag wins", "/flag", "/env", "/flag"},
		{"env", "", "/env", "/env"},
		{"default", "", "", filepath.Join(cache, "evo")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv(EnvData, tt.env)
			got, err := Locate(tt.flag)
			if err != nil || got != tt.want {
				t.Fatalf("Locate(%q) with %s=%q = %q, %v; want %q", tt.flag, EnvData, tt.env, got, err, tt.want)
			}
		})
	}
}

func TestDatasetDir(t *testing.T) {
	root := t.TempDir()
	sub := filepath.Join(root, "cifar-10-batches-bin")
	if _, ok := datasetDir(root, "cifar-10-batches-bin"); ok {
		t.Fatal("found a directory that does not exist")
	}
	if err := os.Mkdir(sub, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, r := range []string{root, sub, sub + "/"} {
		if dir, ok := datasetDir(r, "cifar-10-batches-bin"); !ok || filepath.Clean(dir) != sub {
			t.Errorf("datasetDir(%q) = %q, %v; want %q", r, dir, ok, sub)
		}
	}
}

func TestNewDatasetRejects(t *testing.T) {
	s, _ := NewSplit(2, 2, 1, make([]uint8, 8), []int{0, 2})
	other, _ := NewSplit(2, 3, 1, make([]uint8, 6), []int{0})
	empty, _ := NewSplit(2, 2, 1, nil, nil)
	tests := []struct {
		name             string
		train, val, test *Split
		classes          int
		message          string
	}{
		{"label beyond classes", s, s, s, 2, "label 2"},
		{"shape mismatch", s, other, s, 3, "split shapes differ"},
		{"empty train", empty, s, s, 3, "training split is empty"},
		{"nil split", s, nil, s, 3, "all required"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := NewDataset("x", numberedNames(tt.classes), tt.train, tt.val, tt.test)
			if err == nil || !strings.Contains(err.Error(), tt.message) {
				t.Fatalf("error %v, want one mentioning %q", err, tt.message)
			}
		})
	}
	if _, err := NewSplit(2, 2, 1, make([]uint8, 7), []int{0, 1}); err == nil {
		t.Error("NewSplit accepted 7 bytes for two 2×2 images")
	}
	if _, err := NewSplit(2, 2, 1, make([]uint8, 4), []int{256}); err == nil {
		t.Error("NewSplit accepted label 256")
	}
}
