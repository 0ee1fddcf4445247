package main

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

// fullWriter fails every write, as standard output on a full disk.
type fullWriter struct{}

func (fullWriter) Write([]byte) (int, error) { return 0, errors.New("no space left on device") }

// A command whose output cannot be written exits 1 and says why, in text
// as in JSON: a script reading its output must not take it for a success.
func TestUnwritableOutputFails(t *testing.T) {
	for _, args := range [][]string{
		{"list"}, {"list", "-o", "json"}, {"--version"}, {"validate", "backpressure"}, {"schema"},
	} {
		var errs bytes.Buffer
		code := execute(args, fullWriter{}, &errs)
		if code != exitFailure || !strings.Contains(errs.String(), "no space left on device") {
			t.Errorf("%v: exit %d, %q; want 1 and the write's error", args, code, errs.String())
		}
	}
}
