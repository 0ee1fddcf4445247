package result

import (
	"bytes"
	"testing"
)

// TestStampWriterWritesPlainDecimals: whatever pieces the encoder writes,
// each sample line's timestamp comes out as the same number in plain
// decimal, and comment lines and the rest of a sample line unchanged.
func TestStampWriterWritesPlainDecimals(t *testing.T) {
	in := "# HELP m a help text 1.5e+09\n# TYPE m gauge\n" +
		"m{a=\"x y 2e+09\"} 1.5e+20 1.767225605e+09\n" +
		"m{a=\"z\"} -9.223372036854776e+18 1.7672256055e+09\n# EOF\n"
	want := "# HELP m a help text 1.5e+09\n# TYPE m gauge\n" +
		"m{a=\"x y 2e+09\"} 1.5e+20 1767225605\n" +
		"m{a=\"z\"} -9.223372036854776e+18 1767225605.5\n# EOF\n"
	for _, piece := range []int{1, 3, 7, len(in)} {
		var out bytes.Buffer
		sw := &stampWriter{w: &out}
		for i := 0; i < len(in); i += piece {
			if _, err := sw.Write([]byte(in[i:min(i+piece, len(in))])); err != nil {
				t.Fatal(err)
			}
		}
		if out.String() != want {
			t.Errorf("written %d bytes at a time:\n%s\nwant\n%s", piece, out.String(), want)
		}
	}
}
