package diagnose

import "github.com/flinksim/flinksim/result"

// Complete fills what a run's summary says about the run rather than what
// it measured: the sustainable input rate and its bottleneck (from
// res.Capacity, when the run has one) and the verdict, repeated in the
// checkpoints section. It is how every simulated run is finished
// (scenarios.Run), and how a run read back from files written before
// summaries carried a verdict gets one.
func Complete(res *result.Result) {
	if res.Capacity != nil {
		res.Summary.SustainableInputRPS, res.Summary.Bottleneck = Sustainable(res.Capacity)
	}
	if res.Capacity != nil || res.Summary.Verdict.Outcome == "" {
		res.Summary.Verdict = Judge(res)
	}
	if c := res.Summary.Checkpoints; c != nil {
		c.Verdict = res.Summary.Verdict
	}
}
