package train

import "errors"

// Error style, the same in storage, population, genome, train, train/checkpoint and train/data: a
// message starts with the package prefix ("train: ") exactly once, then says what was being done
// to which file or value, and what to do about it; wrapped errors come last, so that a chain
// reads from the outside in: fmt.Errorf("train: read %s: %w", path, err). Sentinels carry no
// prefix ("bad config", not "train: bad config"): they end a message as its kind and errors.Is finds them.
// Unexported helpers return errors without the prefix; the exported function that passes them
// on adds it once.
//
// Sentinel errors; callers test them with errors.Is. Every returned error also names the value
// concerned and what to do about it.
var (
	// ErrConfig: a Config field is out of range.
	ErrConfig = errors.New("bad config")
	// ErrInput: the genome, data set or checkpoint passed in is missing or does not fit.
	ErrInput = errors.New("bad input")
	// ErrHashCollision: gorgonia's 32-bit node hashes collided in every attempted build
	// (trap 4 in the package doc); the graph would have been silently wrong.
	ErrHashCollision = errors.New("gorgonia node hash collision")
	// ErrBuild: the gorgonia graph for a genome could not be built or compiled.
	ErrBuild = errors.New("cannot build graph")
)
