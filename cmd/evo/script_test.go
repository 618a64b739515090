package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"
)

// TestScripts runs the command-line scripts in testdata/script/*.txtar against the evo binary
// TestMain built (it is first on PATH), each in a fresh directory with EVO_DATA pointing
// inside it (the digits set is built in, so nothing is downloaded).
func TestScripts(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir: filepath.Join("testdata", "script"),
		Setup: func(env *testscript.Env) error {
			env.Setenv("PATH", filepath.Dir(evoBin)+string(os.PathListSeparator)+env.Getenv("PATH"))
			env.Setenv("EVO_DATA", filepath.Join(env.WorkDir, "data"))
			env.Setenv("EVO_LOG_LEVEL", "warn")
			return nil
		},
	})
}
