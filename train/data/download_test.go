package data

import (
	"context"
	"crypto/md5"
	"encoding/hex"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

func md5hex(b []byte) string { s := md5.Sum(b); return hex.EncodeToString(s[:]) }

// archiveServer serves body at /a.tar.gz; mode "truncate" announces the full length but sends
// half, "error" answers 500.
func archiveServer(t *testing.T, body []byte, mode string) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch mode {
		case "error":
			http.Error(w, "boom", http.StatusInternalServerError)
		case "truncate":
			w.Header().Set("Content-Length", strconv.Itoa(len(body)))
			w.Write(body[:len(body)/2])
		default:
			w.Header().Set("Content-Length", strconv.Itoa(len(body)))
			w.Write(body)
		}
	}))
	t.Cleanup(srv.Close)
	return srv
}

// rootEntries lists the names in root, sorted.
func rootEntries(t *testing.T, root string) []string {
	t.Helper()
	es, err := os.ReadDir(root)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range es {
		names = append(names, e.Name())
	}
	return names
}

func TestDownload(t *testing.T) {
	good := tarGz(t, []tarEntry{
		{name: "sub/"}, {name: "sub/a.bin", data: []byte("alpha")}, {name: "./sub/deep/b.txt", data: []byte("beta")},
		{name: "README", data: []byte("outside sub: skipped")},
	})
	noSub := tarGz(t, []tarEntry{{name: "other/a.bin", data: []byte("x")}})
	escape := tarGz(t, []tarEntry{{name: "sub/../../evil", data: []byte("x")}})
	link := tarGz(t, []tarEntry{{name: "sub/link", typ: '2'}})
	accept := func(string) error { return nil }
	tests := []struct {
		name    string
		body    []byte
		mode    string
		md5     string // "" means the body's
		check   func(dir string) error
		want    error // nil means success
		message string
	}{
		{"success", good, "", "", accept, nil, ""},
		{"md5 mismatch", good, "", strings.Repeat("0", 32), accept, ErrChecksum, "want 00000000"},
		{"truncated body", good, "truncate", "", accept, ErrDownload, "body ended after"},
		{"server error", good, "error", "", accept, ErrDownload, "500 Internal Server Error"},
		{"no data set directory", noSub, "", "", accept, ErrDownload, "holds no sub/ directory"},
		{"path escapes", escape, "", "", accept, ErrDownload, "escapes the target directory"},
		{"symlink", link, "", "", accept, ErrDownload, "unsupported type"},
		{"not gzip", []byte("<html>not an archive</html>"), "", "", accept, ErrDownload, "not a gzip file"},
		{"unpacked data does not read", good, "", "", func(string) error { return ErrMalformed }, ErrMalformed, "does not read"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := archiveServer(t, tt.body, tt.mode)
			root := t.TempDir()
			sum := tt.md5
			if sum == "" {
				sum = md5hex(tt.body)
			}
			var bar strings.Builder
			o := Options{Progress: &bar, HTTPClient: srv.Client(), Now: fakeClock(time.Second)}
			err := download(context.Background(), root, "sub", Source{URL: srv.URL + "/a.tar.gz", MD5: sum}, o, tt.check)
			if tt.want == nil {
				if err != nil {
					t.Fatal(err)
				}
				if got := rootEntries(t, root); !slices.Equal(got, []string{"sub"}) {
					t.Fatalf("root holds %v, want only sub", got)
				}
				for p, want := range map[string]string{"sub/a.bin": "alpha", "sub/deep/b.txt": "beta"} {
					if b, err := os.ReadFile(filepath.Join(root, p)); err != nil || string(b) != want {
						t.Fatalf("%s: %q, %v", p, b, err)
					}
				}
				if !strings.Contains(bar.String(), "a.tar.gz 100%") || !strings.Contains(bar.String(), "B/s") {
					t.Fatalf("progress bar %q", bar.String())
				}
				return
			}
			if !errors.Is(err, tt.want) || !strings.Contains(err.Error(), tt.message) {
				t.Fatalf("error %v, want %v mentioning %q", err, tt.want, tt.message)
			}
			if got := rootEntries(t, root); len(got) != 0 {
				t.Fatalf("a failed download left %v behind", got)
			}
			if _, err := os.Stat(filepath.Join(filepath.Dir(root), "evil")); err == nil {
				t.Fatal("an archive entry escaped the target directory")
			}
		})
	}
}

func TestDownloadLosesRaceGracefully(t *testing.T) {
	body := tarGz(t, []tarEntry{{name: "sub/a.bin", data: []byte("ours")}})
	srv := archiveServer(t, body, "")
	root := t.TempDir()
	theirs := filepath.Join(root, "sub")
	// Another process publishes sub while this one is verifying its copy.
	check := func(string) error {
		if err := os.MkdirAll(theirs, 0o755); err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(theirs, "a.bin"), []byte("theirs"), 0o644)
	}
	err := download(context.Background(), root, "sub", Source{URL: srv.URL, MD5: md5hex(body)}, Options{HTTPClient: srv.Client()}, check)
	if err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(filepath.Join(theirs, "a.bin")); string(b) != "theirs" {
		t.Fatalf("the published directory was replaced: %q", b)
	}
	if got := rootEntries(t, root); !slices.Equal(got, []string{"sub"}) {
		t.Fatalf("root holds %v, want only sub", got)
	}
}

func TestDownloadSweepsStaleLeftovers(t *testing.T) {
	body := tarGz(t, []tarEntry{{name: "sub/a.bin", data: []byte("x")}})
	srv := archiveServer(t, body, "")
	root := t.TempDir()
	now := time.Now()
	stale, fresh := filepath.Join(root, downloadPrefix+"sub-old"), filepath.Join(root, downloadPrefix+"sub-running")
	for _, d := range []string{stale, fresh} {
		if err := os.Mkdir(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	old := now.Add(-staleDownload - time.Minute)
	if err := os.Chtimes(stale, old, old); err != nil {
		t.Fatal(err)
	}
	o := Options{HTTPClient: srv.Client(), Now: func() time.Time { return now }}
	if err := download(context.Background(), root, "sub", Source{URL: srv.URL, MD5: md5hex(body)}, o, func(string) error { return nil }); err != nil {
		t.Fatal(err)
	}
	if got := rootEntries(t, root); !slices.Equal(got, []string{downloadPrefix + "sub-running", "sub"}) {
		t.Fatalf("root holds %v, want the fresh leftover (maybe still running) and sub", got)
	}
}

func TestDownloadCancelled(t *testing.T) {
	body := tarGz(t, []tarEntry{{name: "sub/a.bin", data: []byte("x")}})
	srv := archiveServer(t, body, "")
	root := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	err := download(ctx, root, "sub", Source{URL: srv.URL, MD5: md5hex(body)}, Options{HTTPClient: srv.Client()}, func(string) error { return nil })
	if !errors.Is(err, context.Canceled) || !errors.Is(err, ErrDownload) {
		t.Fatalf("error %v, want ErrDownload wrapping context.Canceled", err)
	}
	if got := rootEntries(t, root); len(got) != 0 {
		t.Fatalf("a cancelled download left %v behind", got)
	}
}
