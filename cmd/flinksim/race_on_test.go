//go:build race

package main

// raceDetector: the race detector slows runs about tenfold; whole-run
// examples are checked without it.
const raceDetector = true
