package sgemm

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// TestGeneratedKernelsUpToDate runs the generator (what `go generate` runs) in a scratch directory
// and checks that it reproduces the checked-in kernel_amd64.s byte for byte, so an edit of gen.go
// without regenerating, or a hand edit of the assembly, fails here.
func TestGeneratedKernelsUpToDate(t *testing.T) {
	gobin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("go command not found: cannot run the generator")
	}
	gen, err := filepath.Abs("gen.go")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	cmd := exec.Command(gobin, "run", gen)
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go run gen.go: %v\n%s", err, out)
	}
	got, err := os.ReadFile(filepath.Join(dir, "kernel_amd64.s"))
	if err != nil {
		t.Fatal(err)
	}
	want, err := os.ReadFile("kernel_amd64.s")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Error("kernel_amd64.s differs from what gen.go writes: run `go generate ./train/ops/internal/sgemm` and commit the result")
	}
}
