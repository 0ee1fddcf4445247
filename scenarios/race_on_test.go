//go:build race

package scenarios

// raceDetector: the race detector slows runs about tenfold; acceptance tests
// run shorter then.
const raceDetector = true
