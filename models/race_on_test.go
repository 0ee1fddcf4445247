//go:build race

package models

import "testing"

// raceEnabled: the race detector slows runs about tenfold; tests run fewer
// or shorter cases then.
const raceEnabled = true

// singleGoroutine skips a test of one long run under the race detector: a
// run is one goroutine, the detector finds nothing in it and slows it
// tenfold. make test runs the models package again without -race.
func singleGoroutine(t *testing.T) {
	t.Helper()
	t.Skip("one long single-goroutine run; make test runs it without -race")
}
