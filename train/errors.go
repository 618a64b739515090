package train

import "errors"

// Sentinel errors; callers test them with errors.Is. Every returned error also names the value
// concerned and what to do about it.
var (
	// ErrConfig: a Config field is out of range.
	ErrConfig = errors.New("train: bad config")
	// ErrInput: the genome, data set or checkpoint passed in is missing or does not fit.
	ErrInput = errors.New("train: bad input")
	// ErrHashCollision: gorgonia's 32-bit node hashes collided in every attempted build
	// (trap 4 in the package doc); the graph would have been silently wrong.
	ErrHashCollision = errors.New("train: gorgonia node hash collision")
	// ErrBuild: the gorgonia graph for a genome could not be built or compiled.
	ErrBuild = errors.New("train: cannot build graph")
)
