package result

import (
	"strconv"
	"strings"
	"unicode/utf16"
)

// Prometheus names for the run's metrics, as Flink's PrometheusReporter
// names them (flink-metrics-prometheus, AbstractPrometheusReporter): the
// prefix "flink_", the metric group's logical scope and the metric name
// joined with '_', every character outside [a-zA-Z0-9:_] replaced with
// '_' (in label values too, the reporter's default
// filterLabelValueCharacters), and as labels the scope's variables without
// their '<>' (ScopeFormat: <job_name>, <task_name>, <subtask_index>, ...).
// Flink reports every metric as a gauge, help "NAME (scope: SCOPE)".
//
// Metrics that are flinksim's own (end-to-end latency, state size, the Kafka
// broker's MessagesInPerSec, sums over a sink's subtasks, a SinkFunction's
// numRecordsSend and committables) must not pass as Flink's: they get the
// prefix "flinksim_" instead, with the same scopes and labels. A series
// named OwnPrefix + NAME is flinksim's own: a SinkFunction's counts are
// named so where they are recorded (SinkMetric), so that metrics.csv and
// metrics.om.txt say the same. Labels Flink adds that a simulation has no value for are left
// out: host, task_attempt_id and task_attempt_num (in Flink a restarted
// subtask's series starts again under attempt n+1; here it goes on).

// promScope is the metric group a metric is registered in.
type promScope int

const (
	scopeJob      promScope = iota // JobManagerJobMetricGroup
	scopeTask                      // TaskMetricGroup
	scopeOperator                  // InternalOperatorMetricGroup
	// scopeOperatorSum is flinksim's: an operator's sum over its subtasks,
	// where flinksim records no subtask's own value.
	scopeOperatorSum
)

// logicalScope is each scope's logical scope (getLogicalScope with '_').
var logicalScope = [...]string{
	scopeJob:         "jobmanager_job",
	scopeTask:        "taskmanager_job_task",
	scopeOperator:    "taskmanager_job_task_operator",
	scopeOperatorSum: "taskmanager_job_task_operator",
}

// promMetric is where Flink registers one of the recorder's metrics.
type promMetric struct {
	scope promScope
	group string // subgroups below the scope, e.g. "Shuffle.Netty.Input.Buffers"
	own   bool   // flinksim's, not Flink's: prefix "flinksim_"
}

// promMetrics maps the recorder's metric names (metrics.go) to Flink's
// groups (docs/ops/metrics.md). Time accounting, buffer pools and
// checkpoint alignment are the task's (once per task, not per chained
// operator); records, watermarks and source metrics the operator's.
// A metric missing here is taken as flinksim's own, at operator scope.
var promMetrics = map[string]promMetric{
	MetricRecordsIn:         {scope: scopeOperator},
	MetricRecordsOut:        {scope: scopeOperator},
	MetricBusy:              {scope: scopeTask},
	MetricBackPressured:     {scope: scopeTask},
	MetricIdle:              {scope: scopeTask},
	MetricSoftBackPressured: {scope: scopeTask},
	MetricHardBackPressured: {scope: scopeTask},
	MetricIsBackPressured:   {scope: scopeTask},
	MetricBytesIn:           {scope: scopeTask},
	MetricBytesOut:          {scope: scopeTask},
	MetricInPool:            {scope: scopeTask, group: "Shuffle.Netty.Input.Buffers"},
	MetricInFloating:        {scope: scopeTask, group: "Shuffle.Netty.Input.Buffers"},
	MetricInExclusive:       {scope: scopeTask, group: "Shuffle.Netty.Input.Buffers"},
	MetricOutPool:           {scope: scopeTask, group: "Shuffle.Netty.Output.Buffers"},
	MetricPending:           {scope: scopeOperator},
	MetricLagMax:            {scope: scopeOperator, group: "KafkaSourceReader.KafkaConsumer"},
	MetricProduced:          {scope: scopeOperator, own: true},
	MetricStateSize:         {scope: scopeOperator, own: true},
	MetricAlignment:         {scope: scopeTask},
	MetricStartDelay:        {scope: scopeTask},
	// the task's largest over its gates (NettyShuffleEnvironment); the
	// per-gate gauges are found by promMetricOf
	MetricEstimatedTimeToConsume: {scope: scopeTask},

	MetricInputWatermark:    {scope: scopeOperator},
	MetricOutputWatermark:   {scope: scopeOperator},
	MetricWatermarkLag:      {scope: scopeOperator},
	MetricEmitEventTimeLag:  {scope: scopeOperator},
	MetricFetchEventTimeLag: {scope: scopeOperator},
	MetricSourceIdleTime:    {scope: scopeOperator},
	MetricAlignmentDrift:    {scope: scopeOperator},
	MetricLateDropped:       {scope: scopeOperator},
	// a sink writer's counter, registered in its operator's group
	// (InternalSinkWriterMetricGroup), and its committer's
	// (InternalSinkCommitterMetricGroup, in the committer operator's);
	// a SinkFunction's, named OwnPrefix + NAME (SinkMetric), are
	// flinksim's own as any name the table does not know
	MetricRecordsSend:                  {scope: scopeOperator},
	MetricTotalCommittables:            {scope: scopeOperator},
	MetricSuccessfulCommittables:       {scope: scopeOperator},
	MetricAlreadyCommittedCommittables: {scope: scopeOperator},
	MetricFailedCommittables:           {scope: scopeOperator},
	MetricRetriedCommittables:          {scope: scopeOperator},
	MetricPendingCommittables:          {scope: scopeOperator},
	MetricLateSideOutput:               {scope: scopeOperator, own: true},
	MetricOpenWindows:                  {scope: scopeOperator, own: true},

	MetricLatencyP50:  {scope: scopeOperatorSum, own: true},
	MetricLatencyP99:  {scope: scopeOperatorSum, own: true},
	MetricLatencyMax:  {scope: scopeOperatorSum, own: true},
	MetricSinkWritten: {scope: scopeOperatorSum, own: true},
	MetricKafkaLag:    {scope: scopeOperatorSum, own: true},

	MetricLastCkptDuration:    {scope: scopeJob},
	MetricLastCkptSize:        {scope: scopeJob},
	MetricLastCkptFullSize:    {scope: scopeJob},
	MetricLastCompletedCkptID: {scope: scopeJob},
	MetricCompletedCkpts:      {scope: scopeJob},
	MetricFailedCkpts:         {scope: scopeJob},
	MetricInProgressCkpts:     {scope: scopeJob},
	MetricRestarts:            {scope: scopeJob},
	MetricFullRestarts:        {scope: scopeJob},
	MetricDowntime:            {scope: scopeJob},
	MetricUptime:              {scope: scopeJob},
}

// promMetricOf is where metric is registered (flinksim's own, at operator
// scope, when the table does not know it).
func promMetricOf(metric string) promMetric {
	if group, name, ok := splitInputGateMetric(metric); ok &&
		(name == MetricDebloatedBufferSize || name == MetricEstimatedTimeToConsume) {
		// an input gate's debloating gauges, in the task's
		// Shuffle.Netty.Input.<gate index> group (SingleInputGateFactory)
		return promMetric{scope: scopeTask, group: group}
	}
	if m, ok := promMetrics[metric]; ok {
		return m
	}
	if _, _, ok := SplitJobStatusMetric(metric); ok {
		return promMetric{scope: scopeJob} // JobStatusMetrics registers them in the job's group
	}
	if _, ok := SplitDeployingMetric(metric); ok {
		return promMetric{scope: scopeJob} // as does DeploymentStateTimeMetrics
	}
	return promMetric{scope: scopeOperator, own: true}
}

// filterChars is AbstractPrometheusReporter.replaceInvalidChars.
func filterChars(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '_' || r == ':' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' {
			return r
		}
		return '_'
	}, s)
}

// name is the metric's Prometheus name (getScopedName).
func (m promMetric) name(metric string) string {
	prefix := "flink_"
	if m.own {
		prefix = "flinksim_"
	}
	scope := logicalScope[m.scope]
	if m.group != "" {
		scope += "_" + filterChars(m.group)
	}
	return prefix + scope + "_" + filterChars(m.short(metric))
}

// short is a metric's own name: without OwnPrefix, and without its group
// where the series name holds it (an input gate's, InputGateMetric).
func (m promMetric) short(metric string) string {
	if m.group != "" {
		metric = strings.TrimPrefix(metric, m.group+".")
	}
	return strings.TrimPrefix(metric, OwnPrefix)
}

// help is the reporter's help string: "NAME (scope: SCOPE)", with what
// makes flinksim's own metrics its own.
func (m promMetric) help(metric string) string {
	scope := logicalScope[m.scope]
	if m.group != "" {
		scope += "_" + filterChars(m.group)
	}
	h := m.short(metric) + " (scope: " + scope + ")"
	switch {
	case m.scope == scopeOperatorSum:
		return h + "; flinksim's, over the operator as a whole (all its subtasks), not a Flink metric"
	case m.own:
		return h + "; flinksim's, not a Flink metric"
	}
	return h
}

// promLabel is one label, its value filtered as the reporter does.
type promLabel struct{ name, value string }

// promJob is what the labels of one run are made from.
type promJob struct {
	name, id string
	ops      map[string]OperatorSummary // by operator name
	first    map[string]string          // a task's first operator listed, by task name
	slots    int                        // per TaskManager; 0: unknown
}

func newPromJob(r *Result) promJob {
	j := promJob{name: r.Summary.Scenario, id: VertexID("job " + r.Summary.Scenario),
		ops: map[string]OperatorSummary{}, first: map[string]string{}, slots: r.SlotsPerTaskManager}
	for _, o := range r.Summary.Operators {
		j.ops[o.Name] = o
		if _, ok := j.first[o.Task]; !ok {
			j.first[o.Task] = o.Name
		}
	}
	return j
}

// operatorLabels are the operator_name and operator_id of series s of
// operator o: a Sink V2 sink's committer metrics are its committer's, the
// rest its writer's.
func operatorLabels(o OperatorSummary, s Series) []promLabel {
	name, id := o.OperatorName(), VertexID("operator "+o.Name)
	if o.Committer != "" && committerMetrics[s.Metric] {
		name, id = o.Committer, VertexID("operator "+o.Committer)
	}
	return []promLabel{{"operator_id", id}, {"operator_name", truncateOperatorName(name)}}
}

// operatorNameMax is TaskMetricGroup.METRICS_OPERATOR_NAME_MAX_LENGTH:
// getOrAddOperator cuts a longer operator name to its first 80 characters
// (Java chars, UTF-16 units) for the operator's metric group, and logs a
// warning on the TaskManager.
const operatorNameMax = 80

// truncateOperatorName is an operator's name as its metric group holds it.
func truncateOperatorName(name string) string {
	n := 0
	for i, r := range name {
		w := utf16.RuneLen(r)
		if w < 0 {
			w = 1 // invalid UTF-8 decodes to U+FFFD, one char
		}
		if n+w > operatorNameMax {
			return name[:i]
		}
		n += w
	}
	return name
}

// labels is a series' label set, sorted by name: the variables of its
// scope (ScopeFormats: JobManagerJobScopeFormat, TaskScopeFormat,
// OperatorScopeFormat).
func (j promJob) labels(m promMetric, s Series) []promLabel {
	ls := []promLabel{{"job_id", j.id}, {"job_name", j.name}}
	if m.scope == scopeJob {
		return filterLabels(ls)
	}
	o, ok := j.ops[s.Operator]
	if !ok {
		o = OperatorSummary{Name: s.Operator, Task: s.Operator}
	}
	if m.scope == scopeOperator || m.scope == scopeOperatorSum {
		ls = append(ls, operatorLabels(o, s)...)
	}
	if m.scope != scopeOperatorSum && s.Subtask >= 0 {
		ls = append(ls, promLabel{"subtask_index", strconv.Itoa(s.Subtask)})
		if j.slots > 0 {
			ls = append(ls, promLabel{"tm_id", "taskmanager-" + strconv.Itoa(s.Subtask/j.slots)})
		}
	}
	ls = append(ls, promLabel{"task_id", VertexID(o.Task)}, promLabel{"task_name", o.Task})
	return filterLabels(ls)
}

// filterLabels filters the values and sorts the labels by name.
func filterLabels(ls []promLabel) []promLabel {
	for i := range ls {
		ls[i].value = filterChars(ls[i].value)
	}
	for i := 1; i < len(ls); i++ { // a handful: insertion sort
		for k := i; k > 0 && ls[k].name < ls[k-1].name; k-- {
			ls[k], ls[k-1] = ls[k-1], ls[k]
		}
	}
	return ls
}

// exported says whether series s goes into the OpenMetrics file, once:
// per-subtask series of task and operator metrics (the operator's own
// aggregate is flinksim's arithmetic: Prometheus sums), a task metric from
// the task's first operator only (chained operators record the same
// values), sums where flinksim records only those, job metrics.
func (j promJob) exported(m promMetric, s Series) bool {
	switch m.scope {
	case scopeJob:
		return s.Operator == JobOperator
	case scopeOperatorSum:
		return s.Subtask < 0
	case scopeTask:
		if s.Subtask < 0 {
			return false
		}
		o, ok := j.ops[s.Operator]
		return !ok || j.firstOfTask(o)
	}
	return s.Subtask >= 0
}

// firstOfTask says whether o is the first operator listed in its task.
func (j promJob) firstOfTask(o OperatorSummary) bool {
	return j.first[o.Task] == o.Name
}
