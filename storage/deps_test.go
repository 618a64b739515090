package storage

import (
	"go/parser"
	"go/token"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestImports keeps storage independent of the genome and of training: it moves directories and
// bytes only. Any evo package or gorgonia import in a non-test file fails the test.
func TestImports(t *testing.T) {
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
			if path == "evo" || strings.HasPrefix(path, "evo/") || strings.Contains(path, "gorgonia") {
				t.Errorf("%s imports %s; storage must not depend on evo packages or gorgonia", f, path)
			}
			checked++
		}
	}
	if checked == 0 {
		t.Fatal("no imports found: the test looked in the wrong place")
	}
}
