package models

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// The ledger against a count per position: random visibility ranges
// (starting at or above the settled base), settling, tallies and the
// positions never seen.
func TestFateLedgerMatchesCounts(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for trial := 0; trial < 2000; trial++ {
		var l fateLedger
		counts := make([]int32, 200)
		for op := 0; op < 30; op++ {
			if l.base >= int64(len(counts)) {
				break
			}
			switch rng.IntN(3) {
			case 0, 1:
				lo := l.base + rng.Int64N(int64(len(counts))-l.base)
				hi := lo + rng.Int64N(int64(len(counts))-lo+1)
				l.add(lo, hi)
				for p := lo; p < hi; p++ {
					counts[p]++
				}
			case 2:
				at := l.base + rng.Int64N(int64(len(counts))-l.base+1)
				l.settle(at)
			}
			upTo := rng.Int64N(int64(len(counts)) + 1)
			if upTo < l.base {
				continue
			}
			var want []int64
			for p := int64(0); p < upTo; p++ {
				for int(counts[p]) >= len(want) {
					want = append(want, 0)
				}
				want[counts[p]]++
			}
			lo := l.base + rng.Int64N(upTo-l.base+1)
			var zeros int64
			for p := lo; p < upTo; p++ {
				if counts[p] == 0 {
					zeros++
				}
			}
			if got := l.unseen(lo, upTo); got != zeros {
				t.Fatalf("trial %d op %d: unseen(%d, %d) = %d, want %d", trial, op, lo, upTo, got, zeros)
			}
			got := l.tally(upTo)
			for len(got) > 0 && got[len(got)-1] == 0 {
				got = got[:len(got)-1]
			}
			for len(want) > 0 && want[len(want)-1] == 0 {
				want = want[:len(want)-1]
			}
			if !slices.Equal(got, want) {
				t.Fatalf("trial %d op %d: tally(%d) = %v, want %v (base %d, segs %v)", trial, op, upTo, got, want, l.base, l.segs)
			}
		}
	}
}

// add's shortcut for a range past every position seen leaves the same
// segments as the general path, among random ranges and settling.
func TestFateLedgerAppendShortcut(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for trial := 0; trial < 500; trial++ {
		var fast, slow fateLedger
		for op := 0; op < 40; op++ {
			top := fast.top()
			switch rng.IntN(4) {
			case 0, 1: // the next records, past the top
				hi := top + 1 + rng.Int64N(5)
				fast.add(top, hi)
				slow.visible += hi - top
				slow.addAnywhere(top, hi)
			case 2:
				lo := fast.base + rng.Int64N(top-fast.base+1)
				hi := lo + 1 + rng.Int64N(5)
				fast.add(lo, hi)
				slow.add(lo, hi)
			case 3:
				at := fast.base + rng.Int64N(top-fast.base+1)
				fast.settle(at)
				slow.settle(at)
			}
			if !slices.Equal(fast.segs, slow.segs) || fast.base != slow.base || !slices.Equal(fast.hist, slow.hist) || fast.visible != slow.visible {
				t.Fatalf("trial %d op %d: shortcut %+v, general %+v", trial, op, fast, slow)
			}
		}
	}
}
