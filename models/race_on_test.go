//go:build race

package models

// raceEnabled: the race detector slows runs about tenfold; tests run fewer
// or shorter cases then.
const raceEnabled = true
