package genome

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// The import policy of the whole module, in the style of Go's src/go/build/deps_test.go, and
// the only test of it: dependencies flow cmd → population → {genome, storage, train},
// train → genome; genome uses the standard library only (its subpackages may use small outside
// libraries, never the rest of evo); storage moves bytes and knows nothing of genomes, training
// or gorgonia; train reads and writes checkpoints through io and never touches storage or
// population; population runs with a fake trainer, so it never links gorgonia or train; nothing
// imports the commands. It lives here because genome is the root of the graph, imported by
// every other evo package and cheap to test; the rules cover every package of the module.
var importRules = []importRule{
	{pkg: "evo/genome", stdOnly: true},
	{pkg: "evo/genome/...", forbid: []string{"gorgonia.org", "evo/storage", "evo/train", "evo/population", "evo/cmd"}},
	{pkg: "evo/storage/...", forbid: []string{"gorgonia.org", "evo/genome", "evo/train", "evo/population", "evo/cmd"}},
	{pkg: "evo/train/...", forbid: []string{"evo/storage", "evo/population", "evo/cmd"}},
	{pkg: "evo/population/...", forbid: []string{"gorgonia.org", "evo/train", "evo/cmd"}},
}

// importRule constrains the transitive imports of a package, or of a tree with "/...".
type importRule struct {
	pkg     string
	stdOnly bool     // only the standard library (and the package itself)
	forbid  []string // import path prefixes, matched at path-element boundaries
}

// listedPackage is the part of `go list -json` output the policy needs.
type listedPackage struct {
	ImportPath string
	Standard   bool
	Deps       []string
	Error      *struct{ Err string }
}

// hasPrefix reports whether path is prefix or lies below it.
func hasPrefix(path, prefix string) bool {
	return path == prefix || strings.HasPrefix(path, prefix+"/")
}

// matches reports whether the package path falls under the rule.
func (r importRule) matches(path string) bool {
	if tree, ok := strings.CutSuffix(r.pkg, "/..."); ok {
		return hasPrefix(path, tree)
	}
	return path == r.pkg
}

// violations returns one line per forbidden dependency of p; std says which paths are in the
// standard library.
func (r importRule) violations(p listedPackage, std map[string]bool) []string {
	var out []string
	for _, d := range p.Deps {
		if r.stdOnly && !std[d] && d != p.ImportPath {
			out = append(out, p.ImportPath+" imports "+d+": only the standard library is allowed")
			continue
		}
		for _, f := range r.forbid {
			if hasPrefix(d, f) {
				out = append(out, p.ImportPath+" imports "+d+" (forbidden: "+f+")")
			}
		}
	}
	return out
}

func TestImportPolicy(t *testing.T) {
	gobin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("go command not found: cannot list imports")
	}
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	var patterns []string
	for _, r := range importRules {
		dir := strings.TrimSuffix(strings.TrimPrefix(r.pkg, "evo/"), "/...")
		if _, err := os.Stat(filepath.Join(root, dir)); errors.Is(err, os.ErrNotExist) {
			t.Logf("%s: directory %s does not exist yet, rule skipped", r.pkg, dir)
			continue
		}
		patterns = append(patterns, "./"+dir+strings.TrimPrefix(r.pkg, "evo/"+dir))
	}
	cmd := exec.Command(gobin, append([]string{"list", "-e", "-deps", "-json=ImportPath,Standard,Deps,Error"}, patterns...)...)
	cmd.Dir = root
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list %v: %v\n%s", patterns, err, stderr.Bytes())
	}
	pkgs, err := decodeList(out)
	if err != nil {
		t.Fatal(err)
	}
	std := make(map[string]bool)
	for _, p := range pkgs {
		std[p.ImportPath] = p.Standard
	}
	checked := 0
	for _, p := range pkgs {
		for _, r := range importRules {
			if !r.matches(p.ImportPath) {
				continue
			}
			checked++
			if p.Error != nil {
				// Broken or missing packages fail the build elsewhere; here they only make the
				// dependency list possibly incomplete.
				t.Logf("%s: go list: %s (its imports may be incomplete)", p.ImportPath, p.Error.Err)
			}
			for _, v := range r.violations(p, std) {
				t.Error(v)
			}
		}
	}
	if checked == 0 {
		t.Fatal("no package checked: is the test running inside the module?")
	}
	t.Logf("%d packages checked against %d rules", checked, len(importRules))
}

// decodeList reads the stream of JSON objects that `go list -json` writes.
func decodeList(out []byte) ([]listedPackage, error) {
	dec := json.NewDecoder(bytes.NewReader(out))
	var pkgs []listedPackage
	for {
		var p listedPackage
		err := dec.Decode(&p)
		if errors.Is(err, io.EOF) {
			return pkgs, nil
		}
		if err != nil {
			return nil, err
		}
		pkgs = append(pkgs, p)
	}
}

// TestImportRulesCatchViolations shows that the rules reject the imports they exist to prevent.
func TestImportRulesCatchViolations(t *testing.T) {
	std := map[string]bool{"fmt": true, "os": true}
	cases := []struct {
		pkg  string
		deps []string
		bad  int
	}{
		{"evo/genome", []string{"fmt", "os"}, 0},
		{"evo/genome", []string{"fmt", "gorgonia.org/tensor"}, 1},
		{"evo/genome", []string{"evo/storage"}, 1},
		{"evo/storage", []string{"os", "github.com/gofrs/flock"}, 0},
		{"evo/storage", []string{"evo/genome", "gorgonia.org/gorgonia"}, 2},
		{"evo/storage/fsutil", []string{"evo/train/checkpoint"}, 1},
		{"evo/train", []string{"evo/genome", "gorgonia.org/gorgonia", "evo/train/data"}, 0},
		{"evo/train/data", []string{"evo/storage"}, 1},
		{"evo/train", []string{"evo/population"}, 1},
		{"evo/population", []string{"evo/genome", "evo/storage", "fmt"}, 0},
		{"evo/population", []string{"evo/train/checkpoint"}, 1},
		{"evo/population", []string{"gorgonia.org/tensor"}, 1},
		{"evo/population", []string{"gorgonia.orgx/y", "evo/trainer"}, 0}, // prefixes stop at path elements
		{"evo/population", []string{"evo/cmd/evo"}, 1},
		{"evo/storage", []string{"evo/population"}, 1},
		{"evo/storage/internal/nfsfuse", []string{"evo/genome/draw", "github.com/hanwen/go-fuse/v2/fs"}, 1},
		{"evo/genome/draw", []string{"evo/genome", "github.com/ajstarks/svgo"}, 0},
		{"evo/genome/draw", []string{"evo/train/checkpoint"}, 1},
		{"evo/train/onnx", []string{"evo/genome", "evo/train/checkpoint"}, 0},
		{"evo/train/ops", []string{"evo/cmd/evo-bench"}, 1},
	}
	for _, c := range cases {
		n := 0 // forbidden imports, each counted once however many rules reject it
		for _, d := range c.deps {
			for _, r := range importRules {
				if r.matches(c.pkg) && len(r.violations(listedPackage{ImportPath: c.pkg, Deps: []string{d}}, std)) > 0 {
					n++
					break
				}
			}
		}
		if n != c.bad {
			t.Errorf("%s importing %v: %d forbidden imports found, want %d", c.pkg, c.deps, n, c.bad)
		}
	}
}
