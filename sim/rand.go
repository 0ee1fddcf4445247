package sim

import (
	"hash/fnv"
	"math/rand/v2"
)

// Streams derives independent, named random generators from one seed.
type Streams struct{ seed uint64 }

// NewStreams returns the stream family of a run's seed.
func NewStreams(seed uint64) Streams { return Streams{seed: seed} }

// Seed is the run's seed.
func (s Streams) Seed() uint64 { return s.seed }

// Stream returns a fresh generator for name. The same (seed, name) always gives
// the same sequence; different names give unrelated sequences.
func (s Streams) Stream(name string) *rand.Rand {
	h := hashName(name)
	return rand.New(rand.NewPCG(splitmix(s.seed^h), splitmix(h+0x9e3779b97f4a7c15)))
}

// DeriveSeed mixes a seed with names (a sweep point's key, a replica number...)
// into a new seed, independent of the order in which points are run.
func DeriveSeed(seed uint64, parts ...string) uint64 {
	x := seed
	for _, p := range parts {
		x = splitmix(x ^ hashName(p))
	}
	return x
}

func hashName(name string) uint64 {
	f := fnv.New64a()
	f.Write([]byte(name))
	return f.Sum64()
}

// splitmix is SplitMix64's finaliser: it spreads nearby seeds far apart.
func splitmix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}
