package genome

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// errStylePackages are the packages that follow the error style written in errors.go, by
// directory from the module root and package prefix.
var errStylePackages = map[string]string{
	"genome": "genome", "storage": "storage", "population": "population",
	"train": "train", "train/checkpoint": "checkpoint", "train/data": "data",
}

// wrapsLast matches a format whose %w verbs all come at the end: "...: %w" or "...: %w: %w".
var wrapsLast = regexp.MustCompile(`^([^%]|%[^w])*?(%w)?(: %w)*$`)

// errStyleViolations lists what breaks the style in one Go source: fmt.Errorf formats with a %w
// before other text, and sentinels (errors.New in errors.go) that carry the package prefix.
func errStyleViolations(name, src, prefix string) ([]string, error) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, name, src, 0)
	if err != nil {
		return nil, err
	}
	var out []string
	ast.Inspect(f, func(n ast.Node) bool {
		call, ok := n.(*ast.CallExpr)
		if !ok || len(call.Args) == 0 {
			return true
		}
		sel, ok := call.Fun.(*ast.SelectorExpr)
		if !ok {
			return true
		}
		pkg, ok := sel.X.(*ast.Ident)
		if !ok {
			return true
		}
		format, ok := stringConst(call.Args[0])
		if !ok {
			return true
		}
		pos := fset.Position(call.Pos())
		switch {
		case pkg.Name == "fmt" && sel.Sel.Name == "Errorf":
			if strings.Contains(format, "%w") && !wrapsLast.MatchString(format) {
				out = append(out, pos.String()+": %w must come last: "+strconv.Quote(format))
			}
		case pkg.Name == "errors" && sel.Sel.Name == "New" && filepath.Base(name) == "errors.go":
			if strings.HasPrefix(format, prefix+": ") {
				out = append(out, pos.String()+": a sentinel carries no prefix: "+strconv.Quote(format))
			}
		}
		return true
	})
	return out, nil
}

// stringConst returns the value of a string literal or a + concatenation of them.
func stringConst(e ast.Expr) (string, bool) {
	switch e := e.(type) {
	case *ast.BasicLit:
		if e.Kind != token.STRING {
			return "", false
		}
		s, err := strconv.Unquote(e.Value)
		return s, err == nil
	case *ast.BinaryExpr:
		if e.Op != token.ADD {
			return "", false
		}
		a, ok1 := stringConst(e.X)
		b, ok2 := stringConst(e.Y)
		return a + b, ok1 && ok2
	}
	return "", false
}

// TestErrorStyle holds the module's packages to the error style of their errors.go.
func TestErrorStyle(t *testing.T) {
	checked := 0
	for dir, prefix := range errStylePackages {
		files, err := filepath.Glob(filepath.Join("..", dir, "*.go"))
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range files {
			if strings.HasSuffix(f, "_test.go") {
				continue
			}
			src, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			bad, err := errStyleViolations(f, string(src), prefix)
			if err != nil {
				t.Fatal(err)
			}
			for _, b := range bad {
				t.Error(b)
			}
			checked++
		}
	}
	if checked < 20 {
		t.Fatalf("only %d files checked: is the test running inside the module?", checked)
	}
}

// TestErrorStyleCatchesViolations shows that the check rejects what it exists to prevent.
func TestErrorStyleCatchesViolations(t *testing.T) {
	cases := []struct {
		file, src string
		bad       int
	}{
		{"x.go", `package x; var _ = fmt.Errorf("storage: read %s: %w", p, err)`, 0},
		{"x.go", `package x; var _ = fmt.Errorf("storage: %w: %w", a, b)`, 0},
		{"x.go", `package x; var _ = fmt.Errorf("%w: %w", a, b)`, 0},
		{"x.go", `package x; var _ = fmt.Errorf("100%% of %s", p)`, 0},
		{"x.go", `package x; var _ = fmt.Errorf("%w: %s is bad", ErrX, p)`, 1},
		{"x.go", `package x; var _ = fmt.Errorf("storage: %s: %w (%v)", p, ErrX, err)`, 1},
		{"x.go", `package x; var _ = fmt.Errorf("storage: %w: "+"detail", ErrX)`, 1},
		{"errors.go", `package x; var ErrX = errors.New("storage: gone")`, 1},
		{"errors.go", `package x; var ErrX = errors.New("gone")`, 0},
		{"other.go", `package x; var errY = errors.New("storage: internal")`, 0},
	}
	for _, c := range cases {
		bad, err := errStyleViolations(c.file, c.src, "storage")
		if err != nil {
			t.Fatal(err)
		}
		if len(bad) != c.bad {
			t.Errorf("%s %s: %d violations %v, want %d", c.file, c.src, len(bad), bad, c.bad)
		}
	}
}
