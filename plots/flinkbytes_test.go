package plots

import (
	"math"
	"strings"
	"testing"
)

// TestFlinkBytes: sizes print as Flink's web dashboard's humanizeBytes pipe
// prints them (binary units named KB, MB; two decimals below one unit,
// three significant digits above, halves rounded up as JavaScript does).
func TestFlinkBytes(t *testing.T) {
	for _, c := range []struct {
		v    float64
		want string
	}{
		{-1, "-"}, {math.NaN(), "-"}, {math.Inf(1), "-"}, {0, "0 B"}, {999, "999 B"}, {512.5, "512.5 B"},
		{1000, "0.98 KB"}, {1023, "1.00 KB"}, {1024, "1.00 KB"}, {1536, "1.50 KB"},
		{10 * 1024, "10.0 KB"}, {12.34 * 1024, "12.3 KB"},
		{1_000_160, "977 KB"},
		{100.5 * 1024, "101 KB"},         // a half rounds up (toPrecision), not to even
		{1_023_999, "1.00e+3 KB"},        // 999.999 KB: toPrecision(3) turns to exponent form
		{1_024_000, "0.98 MB"},           // below 1 MB: toFixed(2)
		{5 * (1 << 30), "5.00 GB"},       //
		{1e8, "95.4 MB"},                 // 95.367 MB
		{1e9, "954 MB"},                  // 953.67 MB
		{1e12, "931 GB"},                 //
		{3 * (1 << 50), "3.00 PB"},       //
		{2000 * (1 << 60), "2.00e+3 EB"}, // beyond the last unit
	} {
		if got := FlinkBytes(c.v); got != c.want {
			t.Errorf("FlinkBytes(%v) = %q, want %q", c.v, got, c.want)
		}
	}
}

// TestCheckpointSizesAsFlinkUI: the Checkpoints tab's summary, history and
// per-task tables print sizes as Flink's web UI does: a 1,000,160-byte
// checkpoint is "977 KB" there (976.7 KiB), not "1 MB".
func TestCheckpointSizesAsFlinkUI(t *testing.T) {
	res := webRun(3, 1)
	for _, c := range res.Checkpoints {
		c.Checkpointed, c.StateSize = 1_000_160, 1_000_160
		for i := range c.Tasks {
			c.Tasks[i].Checkpointed, c.Tasks[i].StateSize = 1_000_160, 1_000_160
		}
	}
	res.Checkpoints[0].ProcessedData, res.Checkpoints[1].ProcessedData = 500, 501
	secs := CheckpointSections(res)
	sum, hist, task := secs[0].Tables[0], secs[0].Tables[1], secs[1].Tables[0]
	for _, row := range [][]string{sum.Rows[1][1:], sum.Rows[2][1:], hist.Rows[0][6:8], task.Rows[0][4:6]} {
		for _, cell := range row {
			if cell != "977 KB" {
				t.Errorf("size %q in %q, want 977 KB", cell, row)
			}
		}
	}
	// the average in whole bytes, as REST's avg (a long); percentiles as
	// doubles, as Flink computes them
	if got, want := strings.Join(sum.Rows[3][1:], "|"), "500 B|500 B|500.5 B|501 B|501 B|501 B"; got != want {
		t.Errorf("processed in-flight data %q, want %q", got, want)
	}
	if got := hist.Rows[0][8]; got != "0.98 KB" { // 1000 B
		t.Errorf("processed data of the checkpoint in progress %q, want 0.98 KB", got)
	}
}
