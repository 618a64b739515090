package dashboard

import (
	"go/parser"
	"go/token"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestImports keeps the dashboard a reader: of evo it may use the population and storage
// queries and the genome with its drawing, never training (no gorgonia in a login-node server)
// nor anything that writes experiments.
func TestImports(t *testing.T) {
	allowed := map[string]bool{"evo/population": true, "evo/storage": true, "evo/genome": true, "evo/genome/draw": true}
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	checked := 0
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		ast, err := parser.ParseFile(token.NewFileSet(), f, nil, parser.ImportsOnly)
		if err != nil {
			t.Fatal(err)
		}
		for _, imp := range ast.Imports {
			path, _ := strconv.Unquote(imp.Path.Value)
			if (path == "evo" || strings.HasPrefix(path, "evo/")) && !allowed[path] || strings.Contains(path, "gorgonia") {
				t.Errorf("%s imports %s; the dashboard may use only %v of evo", f, path, allowed)
			}
			checked++
		}
	}
	if checked == 0 {
		t.Fatal("no imports found: the test looked in the wrong place")
	}
}
