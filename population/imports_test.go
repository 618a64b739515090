package population

import (
	"os/exec"
	"strings"
	"testing"
)

// TestImports keeps population free of training libraries (STYLE: population defines the
// Trainer it consumes; only the evo command links gorgonia).
func TestImports(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", "-f", "{{.ImportPath}}", "evo/population").CombinedOutput()
	if err != nil {
		t.Skipf("go list unavailable: %v\n%s", err, out)
	}
	for _, dep := range strings.Fields(string(out)) {
		if strings.HasPrefix(dep, "gorgonia.org/") || dep == "evo/train" || strings.HasPrefix(dep, "evo/train/") ||
			strings.HasPrefix(dep, "evo/cmd") {
			t.Errorf("population depends on %s", dep)
		}
	}
}
