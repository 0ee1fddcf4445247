package scenarios

import (
	"fmt"
	"sync"
	"testing"

	"golang.org/x/sync/errgroup"
)

// TestOutcomesHoldOnEverySeed: a built-in scenario's lesson must not depend
// on luck. Every variant ends with the same verdict on seeds 1 to 10 as on
// seed 1. The death spiral is left out: its traffic sits at its tipping
// point and flips with the seed (the next issue reworks it), and key-skew
// is too slow to run 50 times here (20 virtual minutes at 500k/s).
func TestOutcomesHoldOnEverySeed(t *testing.T) {
	wholeRun(t)
	for _, name := range []string{"backpressure", "backpressure-scaled-sink", "backpressure-checkpoints"} {
		t.Run(name, func(t *testing.T) {
			b, err := LookupBuiltIn(name)
			if err != nil {
				t.Fatal(err)
			}
			base, err := Load(b.Name, b.Data, nil)
			if err != nil {
				t.Fatal(err)
			}
			variants := runNames(base)
			// outcome[seed-1][variant]
			outcome := make([][]string, 10)
			var mu sync.Mutex
			var g errgroup.Group
			g.SetLimit(2)
			for seed := 1; seed <= 10; seed++ {
				outcome[seed-1] = make([]string, len(variants))
				for i, v := range variants {
					g.Go(func() error {
						l, err := LoadVariant(b.Name, b.Data, []string{fmt.Sprintf("seed=%d", seed)}, v)
						if err != nil {
							return fmt.Errorf("%s seed %d: %w", v, seed, err)
						}
						res, err := sharedResult(l)
						if err != nil {
							return fmt.Errorf("%s seed %d: %w", v, seed, err)
						}
						mu.Lock()
						outcome[seed-1][i] = res.Summary.Verdict.Outcome
						mu.Unlock()
						return nil
					})
				}
			}
			if err := g.Wait(); err != nil {
				t.Fatal(err)
			}
			for seed := 2; seed <= 10; seed++ {
				for i, v := range variants {
					if got, want := outcome[seed-1][i], outcome[0][i]; got != want {
						t.Errorf("%s: %s on seed %d, %s on seed 1", v, got, seed, want)
					}
				}
			}
		})
	}
}
