package population

import (
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"math/rand/v2"

	"evo/genome"
)

// seedMask keeps seeds to 53 bits so that every JSON reader (jq, Python, JavaScript) keeps
// them exact.
const seedMask = 1<<53 - 1

// ChildSeed is the seed of one reproduction: a hash of the experiment seed and the
// reproduction's key ("<worker>/<n>", recorded in the child's Meta.Key). Every random draw of
// a child — its mutations and its training — derives from it, so a lineage can be replayed.
//
// Why a key and not the child's storage id: the storage fixes an id when the child is staged,
// and a stage must be created after training (a long-lived stage looks abandoned to the
// garbage collector of another host), while the seed is needed before.
func ChildSeed(experimentSeed int64, key string) int64 { return derive(experimentSeed, "child", key) }

// WorkerSeed is the seed of a worker's own choices (which individuals meet in a tournament).
func WorkerSeed(experimentSeed int64, worker string) int64 {
	return derive(experimentSeed, "worker", worker)
}

func derive(seed int64, kind, name string) int64 {
	h := sha256.New()
	var b [8]byte
	binary.LittleEndian.PutUint64(b[:], uint64(seed))
	h.Write(b[:])
	h.Write([]byte(kind))
	h.Write([]byte{0})
	h.Write([]byte(name))
	sum := h.Sum(nil)
	return int64(binary.LittleEndian.Uint64(sum[:8]) & seedMask)
}

// newRand returns the generator for one stream of a seed.
func newRand(seed int64, stream uint64) *rand.Rand {
	return rand.New(rand.NewPCG(uint64(seed), stream))
}

// Streams of a seed, so that a child's mutations and a worker's choices never share draws.
const (
	streamMutate = 0x6d75746174696f6e // "mutation"
	streamSelect = 0x73656c656374696f // "selectio"
)

// Reproduce derives a child genome from parent exactly as a worker does: with reset, the
// paper's RESET-WEIGHTS first (fresh ids everywhere, so nothing is inherited), then n
// mutations drawn uniformly (genome.Mutate), all from seed. The same arguments always give the
// same child; this is how a lineage is replayed.
func Reproduce(parent *genome.Genome, seed int64, n int, reset bool) (*genome.Genome, []genome.Record, error) {
	rng := newRand(seed, streamMutate)
	g := parent
	var recs []genome.Record
	if reset {
		var rec genome.Record
		var err error
		g, rec, err = genome.ResetWeights(parent, rng)
		if err != nil {
			return nil, nil, fmt.Errorf("population: reproduce: %w", err)
		}
		recs = append(recs, rec)
	}
	child, more, err := genome.Mutate(g, rng, n)
	if err != nil {
		return nil, nil, fmt.Errorf("population: reproduce: %w", err)
	}
	return child, append(recs, more...), nil
}
