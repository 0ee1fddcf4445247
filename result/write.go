package result

import (
	"bufio"
	"encoding/json"
	"io"
	"math"
	"strconv"
	"strings"
)

// WriteSummaryJSON writes summary.json.
func (r *Result) WriteSummaryJSON(w io.Writer) error {
	b, err := json.MarshalIndent(r.Summary, "", "  ")
	if err != nil {
		return err
	}
	_, err = w.Write(append(b, '\n'))
	return err
}

// WriteMetricsCSV writes metrics.csv in tidy form: one row per sample, with
// columns time_s,operator,subtask,metric,value. The subtask is empty for a
// whole operator. Rows are ordered by time, then as the series are declared,
// so equal runs give equal bytes; a value is exact (appendValue; watermarks,
// Unix ms, whole). A sample with no value (NoValue: a gauge Flink has not
// registered yet) has no row. A name with a comma or a quote (a
// task feeding several chained operators, "a -> (b, c)") is quoted as RFC
// 4180 quotes a field.
func (r *Result) WriteMetricsCSV(w io.Writer) error {
	bw := bufio.NewWriterSize(w, 1<<16)
	bw.WriteString("time_s,operator,subtask,metric,value\n")
	buf := make([]byte, 0, 128)
	ops := make([]string, len(r.Series))
	for k, s := range r.Series {
		ops[k] = csvField(s.Operator)
	}
	var at []byte // the time, formatted once for all its rows
	for i, t := range r.Times {
		at = strconv.AppendFloat(at[:0], t, 'f', -1, 64)
		for k, s := range r.Series {
			if !HasValue(s.Values[i]) {
				continue
			}
			buf = append(buf[:0], at...)
			buf = append(buf, ',')
			buf = append(buf, ops[k]...)
			buf = append(buf, ',')
			if s.Subtask >= 0 {
				buf = strconv.AppendInt(buf, int64(s.Subtask), 10)
			}
			buf = append(buf, ',')
			buf = append(buf, s.Metric...)
			buf = append(buf, ',')
			if isWatermark(s.Metric) {
				// whole ms, every digit: a Unix ms timestamp has 13
				buf = strconv.AppendFloat(buf, r.fileValue(s.Metric, s.Values[i]), 'f', 0, 64)
			} else {
				buf = appendValue(buf, s.Values[i])
			}
			buf = append(buf, '\n')
			if _, err := bw.Write(buf); err != nil {
				return err
			}
		}
	}
	return bw.Flush()
}

// maxExactInt is 2^53: every integer up to it is a float64 of its own.
const maxExactInt = 1 << 53

// appendValue appends v as metrics.csv writes a value: an integral value
// below 2^53 (a count, a size, a long gauge such as
// checkpointStartDelayNanos) as an integer, every digit, and so
// Long.MIN_VALUE (a gauge's "no value", -9223372036854775808); any other the
// shortest text that reads back as v, plain from 10^-4 (0.925,
// 68.00399999999999), else with an exponent (1.5e-07, and 1e+18 past 2^53,
// where not every integer is a float64). The file is exact: ReadDir reads
// back the very values the run held, as metrics.om.txt's encoder writes them.
func appendValue(buf []byte, v float64) []byte {
	switch a := math.Abs(v); {
	case a < maxExactInt && v == math.Trunc(v), v == math.MinInt64:
		return strconv.AppendInt(buf, int64(v), 10)
	case a >= 1e-4 && a < maxExactInt:
		return strconv.AppendFloat(buf, v, 'f', -1, 64)
	}
	return strconv.AppendFloat(buf, v, 'g', -1, 64)
}

// csvField is s as a CSV field: quoted, its quotes doubled, when it holds a
// comma, a quote or a line break (RFC 4180), else as it is.
func csvField(s string) string {
	if !strings.ContainsAny(s, ",\"\r\n") {
		return s
	}
	return `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
}
