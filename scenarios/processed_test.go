package scenarios

import (
	"testing"

	"github.com/flinksim/flinksim/sim"
)

// TestProcessedDuringAlignment: Flink counts what a task reads between its
// first barrier and its last as processed during alignment
// (CheckpointBarrierHandler.addProcessedBytes while isDuringAlignment,
// called by CheckpointedInputGate.pollNext for every buffer), in aligned
// exactly-once checkpoints too: backpressure-checkpoints aligns for minutes
// behind full buffers, reading the channels whose barrier is still to
// come. A subtask that did not align counts nothing.
func TestProcessedDuringAlignment(t *testing.T) {
	if raceDetector {
		t.Skip("a whole run on one goroutine; make test runs this test without -race")
	}
	res := runBuiltIn(t, "backpressure-checkpoints")
	var long, counted int
	for _, c := range res.Checkpoints {
		for _, tk := range c.Tasks {
			for _, st := range tk.Subtasks {
				if !st.Acked {
					continue
				}
				if st.Alignment == 0 && st.Processed != 0 {
					t.Errorf("checkpoint %d %s[%d]: no alignment, %d bytes processed during it", c.ID, tk.Name, st.Index, st.Processed)
				}
				if st.Alignment >= 10*sim.Second {
					long++
					if st.Processed > 0 {
						counted++
					}
				}
			}
			var sum int64
			for _, st := range tk.Subtasks {
				sum += st.Processed
			}
			if sum != tk.ProcessedData {
				t.Errorf("checkpoint %d %s: processed_data %d, its subtasks' sum %d", c.ID, tk.Name, tk.ProcessedData, sum)
			}
		}
	}
	if long == 0 || counted == 0 {
		t.Errorf("%d subtask acknowledgements after 10 s or more of alignment, %d of them with bytes processed during it; want some of each", long, counted)
	}
}
