package scenarios

import (
	"fmt"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/flinksim/flinksim/models"
)

// metrics.job.status.enable (MetricOptions.JOB_STATUS_METRICS, since 1.15:
// FLINK-23976) is a List<JobStatusMetrics> of STATE, CURRENT_TIME and
// TOTAL_TIME, CURRENT_TIME by default: which kinds of JobStatusMetrics
// gauge the job reports (models/jobstatus.go).
const jobStatusMetricsKey = "metrics.job.status.enable"

// jobStatusMetricKinds are MetricOptions.JobStatusMetrics' names.
var jobStatusMetricKinds = []string{"STATE", "CURRENT_TIME", "TOTAL_TIME"}

// jobStatusMetricsList reads metrics.job.status.enable's text as Flink's
// ConfigurationUtils.convertToList reads a list: split at ';'
// (StructuredOptionsSplitter.splitEscaped: blanks around an item dropped,
// an item may be quoted, nothing before the first ';' or after the last
// is no item, nothing between two is an empty one), each item one of the
// enum's names in any case (convertToEnum). Its value is the names in
// upper case, joined by ';'.
func jobStatusMetricsList(s string) (any, error) {
	parts := strings.Split(s, ";")
	var names []string
	for i, p := range parts {
		p = strings.TrimSpace(p)
		if len(p) >= 2 && (p[0] == '\'' || p[0] == '"') && p[len(p)-1] == p[0] {
			p = p[1 : len(p)-1]
		} else if p == "" && (i == 0 || i == len(parts)-1) {
			continue
		}
		name, err := jobStatusMetricKind(p)
		if err != nil {
			return nil, fmt.Errorf("%q: %v", s, err)
		}
		names = append(names, name)
	}
	if len(names) == 0 {
		return nil, fmt.Errorf("%q lists none of %s: no JobStatusMetrics gauge at all is a setting flinksim does not model", s, strings.Join(jobStatusMetricKinds, ", "))
	}
	return strings.Join(names, ";"), nil
}

// jobStatusMetricKind is one item of the list, as convertToEnum reads it.
func jobStatusMetricKind(item string) (string, error) {
	for _, k := range jobStatusMetricKinds {
		if strings.EqualFold(item, k) {
			return k, nil
		}
	}
	return "", fmt.Errorf("%q is none of %s (Flink: \"Could not parse value for enum\")", item, strings.Join(jobStatusMetricKinds, ", "))
}

// flinkListEntry reads an entry of a List option written as a YAML
// sequence: config.yaml (1.19 and later) gives Flink the list, each
// element converted alone (convertToEnum); flink-conf.yaml, read line by
// line before 1.19, has no lists. handled is false for any other entry.
func flinkListEntry(d *decoder, o *flinkOption, e FlinkEntry, f flinkRelease) (v any, handled, ok bool) {
	if o.Key != jobStatusMetricsKey || e.Node == nil || e.Node.Kind != yaml.SequenceNode {
		return nil, false, false
	}
	if f.before("1.19") {
		d.fail(e.Node, e.Path, "Flink %s reads flink-conf.yaml line by line, where a list is one value: write it as STATE;TOTAL_TIME (config.yaml, with YAML lists, came in 1.19)", f)
		return nil, true, false
	}
	var names []string
	for _, n := range e.Node.Content {
		if n.Kind != yaml.ScalarNode {
			d.fail(n, e.Path, "each item must be one of %s, not %s", strings.Join(jobStatusMetricKinds, ", "), describe(n))
			return nil, true, false
		}
		name, err := jobStatusMetricKind(n.Value)
		if err != nil {
			d.fail(n, e.Path, "%v", err)
			return nil, true, false
		}
		names = append(names, name)
	}
	v, err := jobStatusMetricsList(strings.Join(names, ";"))
	if err != nil {
		d.fail(e.Node, e.Path, "%v", err)
		return nil, true, false
	}
	return v, true, true
}

// jobStatusMetricsSpec is the kinds of gauge the value lists.
func (r *resolver) jobStatusMetricsSpec() *models.JobStatusMetricKinds {
	var k models.JobStatusMetricKinds
	for _, name := range strings.Split(r.fs.str(jobStatusMetricsKey), ";") {
		switch name {
		case "STATE":
			k.State = true
		case "CURRENT_TIME":
			k.CurrentTime = true
		case "TOTAL_TIME":
			k.TotalTime = true
		}
	}
	return &k
}
