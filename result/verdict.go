package result

// Verdict says how the job fared: each phase it went through and when it
// began, the outcome, and why in one sentence.
type Verdict struct {
	Outcome string  `json:"outcome"` // stable, overload, failover, timeouts, failover loop, failed
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
	PhaseStable       = "stable"
	PhaseOverload     = "overload"
	PhaseFailover     = "failover"
	PhaseTimeouts     = "timeouts"
	PhaseFailoverLoop = "failover loop"
	PhaseFailed       = "failed"
	// PhaseRecovered marks when a job that went through worse phases
	// was healthy again; it is never an outcome.
	PhaseRecovered = "recovered"
)

// Outcomes are the outcomes a verdict can have, best first.
func Outcomes() []string {
	return []string{PhaseStable, PhaseOverload, PhaseFailover, PhaseTimeouts, PhaseFailoverLoop, PhaseFailed}
}
