//go:build !linux

package procs

import "os/exec"

// ownChild does nothing where there is no parent-death signal: the worker's pipe from its
// parent (EVO_PARENT_PIPE) ends it instead.
func ownChild(*exec.Cmd) {}
