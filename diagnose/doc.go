// Package diagnose says what a run means, from a result.Result alone, so
// that it works the same on a run just simulated, on a run read back from
// its files, and on numbers taken from a real Flink job: the verdict (one
// definition of healthy for every job, its phases and why), the sustainable
// input rate and the bottleneck that sets it.
//
//	complete.go     Complete: fills a run's summary with the diagnosis
//	verdict.go      Judge: outcome, phases and the "why" sentence
//	output.go       the no-output phase: sources read, no record reached a sink's readers
//	sinkoutput.go   a sink's output: what it took, none where every commit failed
//	sinkbuffer.go   none where its writers hold it for a full batch that does not come
//	sustainable.go  Sustainable: the largest input rate the job keeps up with
//	bottleneck.go   Backpressure, Skew, Bound: where the job is limited, in words
package diagnose
