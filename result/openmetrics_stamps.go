package result

import (
	"bytes"
	"io"
	"strconv"
)

// stampWriter passes Prometheus' OpenMetrics encoder's output on with each
// sample line's timestamp in plain decimal (1767225605, 1767225605.5)
// instead of the shortest float the encoder writes (1.767225605e+09): the
// same number, as OpenMetrics allows it, and with whole-second sample
// times (sample-interval whole seconds, as its default 5 s) one that
// promtool check metrics, which reads the classic text format's integer
// timestamps, parses too. Comment lines pass unchanged.
type stampWriter struct {
	w    io.Writer
	line []byte // the line being written, up to its newline
	out  []byte // a rewritten line
}

func (s *stampWriter) Write(p []byte) (int, error) {
	n := len(p)
	for len(p) > 0 {
		i := bytes.IndexByte(p, '\n')
		if i < 0 {
			s.line = append(s.line, p...)
			break
		}
		s.line = append(s.line, p[:i+1]...)
		p = p[i+1:]
		if err := s.flushLine(); err != nil {
			return n - len(p), err
		}
	}
	return n, nil
}

// flushLine writes the whole line held, its timestamp rewritten.
func (s *stampWriter) flushLine() error {
	line := s.line
	s.line = s.line[:0]
	if len(line) > 0 && line[0] != '#' {
		body := line[:len(line)-1]
		if sp := bytes.LastIndexByte(body, ' '); sp > 0 {
			if ts, err := strconv.ParseFloat(string(body[sp+1:]), 64); err == nil {
				s.out = append(s.out[:0], body[:sp+1]...)
				s.out = strconv.AppendFloat(s.out, ts, 'f', -1, 64)
				line = append(s.out, '\n')
			}
		}
	}
	_, err := s.w.Write(line)
	return err
}
