//go:build !race

package models

import "testing"

const raceEnabled = false

// singleGoroutine: without the race detector every test runs.
func singleGoroutine(t *testing.T) { t.Helper() }
