package result

// Verdict says how the job fared: each phase it went through and when it
// began, the outcome, and why in one sentence.
type Verdict struct {
	Outcome string  `json:"outcome"` // stable, no output, overload, never checkpointed, failover, timeouts, failover loop, failed
	Phases  []Phase `json:"phases"`
	Why     string  `json:"why"`
}

// Phase is one stage of a run.
type Phase struct {
	Phase  string  `json:"phase"`
	StartS float64 `json:"start_s"`
}

// Verdict phases, from best to worst.
const (
	PhaseStable = "stable"
	// PhaseNoOutput: the sources read records over the second half of the
	// run and none reached a sink's readers (windows waiting for a
	// watermark, everything filtered, an exactly-once sink whose commits
	// all fail): the job keeps up, yet its output has stopped.
	// It is judged only for a job that went through no other phase (each
	// names the trouble more precisely), or recovered from them, so it
	// ranks just above stable.
	PhaseNoOutput = "no output"
	PhaseOverload = "overload"
	// PhaseNeverCheckpointed: checkpointing is on and no checkpoint
	// completed in the run, so a failure would replay the job's input from
	// its start (CheckpointCoordinator's numberOfCompletedCheckpoints stays
	// 0, lastCompletedCheckpointId -1).
	PhaseNeverCheckpointed = "never checkpointed"
	PhaseFailover          = "failover"
	PhaseTimeouts          = "timeouts"
	PhaseFailoverLoop      = "failover loop"
	PhaseFailed            = "failed"
	// PhaseRecovered marks when a job that went through worse phases
	// was healthy again; it is never an outcome.
	PhaseRecovered = "recovered"
)

// Outcomes are the outcomes a verdict can have, best first.
func Outcomes() []string {
	return []string{PhaseStable, PhaseNoOutput, PhaseOverload, PhaseNeverCheckpointed, PhaseFailover, PhaseTimeouts, PhaseFailoverLoop, PhaseFailed}
}
