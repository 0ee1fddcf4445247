package models

import (
	"bytes"
	"testing"

	"github.com/flinksim/flinksim/result"
	"github.com/flinksim/flinksim/sim"
)

// TestReadResultRoundTrip: what a run writes reads back to the same
// summary, series and checkpoints, so comparisons can use earlier runs.
func TestReadResultRoundTrip(t *testing.T) {
	spec := recoveryJob(1000, 2000, 60*sim.Second)
	spec.Duration = 2 * sim.Minute
	_, res := runWith(t, spec)
	var sum, csv, ck bytes.Buffer
	if err := res.WriteSummaryJSON(&sum); err != nil {
		t.Fatal(err)
	}
	res.WriteMetricsCSV(&csv)
	if err := res.WriteCheckpointHistoryJSON(&ck); err != nil { // every checkpoint, as ReadDir reads them
		t.Fatal(err)
	}
	got, err := result.ReadResult(bytes.NewReader(sum.Bytes()), bytes.NewReader(csv.Bytes()), bytes.NewReader(ck.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	var sum2, csv2 bytes.Buffer
	got.WriteSummaryJSON(&sum2)
	got.WriteMetricsCSV(&csv2)
	if !bytes.Equal(sum.Bytes(), sum2.Bytes()) || !bytes.Equal(csv.Bytes(), csv2.Bytes()) {
		t.Error("summary.json or metrics.csv differ after a round trip")
	}
	if len(got.Checkpoints) != len(res.Checkpoints) || got.Checkpoints[0].ID != 1 ||
		got.Checkpoints[0].Duration/sim.Millisecond != res.Checkpoints[0].Duration/sim.Millisecond {
		t.Errorf("checkpoints: %d read, %d written", len(got.Checkpoints), len(res.Checkpoints))
	}
	if len(got.Failovers) != len(res.Failovers) {
		t.Errorf("%d failovers read back, want %d", len(got.Failovers), len(res.Failovers))
	}
	if _, err := result.ReadResult(bytes.NewReader(sum.Bytes()), bytes.NewReader([]byte("a,b\n")), nil); err == nil {
		t.Error("a foreign CSV was accepted")
	}
}
