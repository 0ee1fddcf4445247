package result

// Plan is the job graph as Flink's REST API gives it (/jobs/:id/plan): one
// node per task (its chained operators), with the tasks it reads from and
// how records are shipped to it. summary.json's "plan".
type Plan struct {
	Nodes []PlanNode `json:"nodes"`
}

// PlanNode is one task (job vertex). Description is the task's name as
// Flink's web UI shows it ("Source: clicks -> parse"), the name
// OperatorSummary.Task holds; ID is VertexID of it.
type PlanNode struct {
	ID          string      `json:"id"`
	Description string      `json:"description"`
	Parallelism int         `json:"parallelism"`
	Inputs      []PlanInput `json:"inputs,omitempty"`
}

// PlanInput is one incoming edge of a task: the task it reads from (ID)
// and the ship strategy, as Flink's StreamPartitioners name themselves:
// FORWARD, REBALANCE, HASH (keyBy) or CUSTOM (a custom partitioner).
type PlanInput struct {
	Num          int    `json:"num"`
	ID           string `json:"id"`
	ShipStrategy string `json:"ship_strategy"`
	Exchange     string `json:"exchange"` // pipelined_bounded: streaming
}

// Ship strategies, as Flink's partitioners' toString() gives them.
const (
	ShipForward   = "FORWARD"
	ShipRebalance = "REBALANCE"
	ShipHash      = "HASH"
	ShipCustom    = "CUSTOM"
)
