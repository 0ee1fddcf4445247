package scenarios

import (
	"strings"
	"testing"

	"github.com/flinksim/flinksim/models"
)

// TestJobStatusMetricsKey: metrics.job.status.enable takes what Flink's
// ConfigurationUtils reads into a List<JobStatusMetrics>: names in any
// case joined by ';' (blanks around them and a ';' at either end
// ignored), or from 1.19 a YAML list; its kinds reach the run, and
// the resolved scenario writes them and loads again to the same run.
// Without it, CURRENT_TIME alone. A name Flink's enum lacks, an empty item
// between two ';', and a YAML list before 1.19 (flink-conf.yaml, a line a
// key) are refused at the entry.
func TestJobStatusMetricsKey(t *testing.T) {
	all := models.JobStatusMetricKinds{State: true, CurrentTime: true, TotalTime: true}
	for _, c := range []struct {
		flink string
		want  models.JobStatusMetricKinds
	}{
		{"", models.JobStatusMetricKinds{CurrentTime: true}},
		{"flink: {metrics.job.status.enable: total_time}\n", models.JobStatusMetricKinds{TotalTime: true}},
		{"flink: {metrics.job.status.enable: 'STATE; current_time;TOTAL_TIME;'}\n", all},
		{"flink: {metrics.job.status.enable: [STATE, TOTAL_TIME]}\n", models.JobStatusMetricKinds{State: true, TotalTime: true}},
		{"flink-version: \"1.15\"\nflink: {metrics.job.status.enable: STATE}\n", models.JobStatusMetricKinds{State: true}},
	} {
		l, err := Load("m.yaml", []byte(minimal+c.flink), nil)
		if err != nil {
			t.Fatalf("%q: %v", c.flink, err)
		}
		if got := l.Spec.JobStatusMetrics; got == nil || *got != c.want {
			t.Errorf("%q: kinds %+v, want %+v", c.flink, got, c.want)
		}
		assertRoundTrip(t, l)
	}
	for _, c := range []struct{ flink, want string }{
		{"flink: {metrics.job.status.enable: RUNNING_TIME}\n", `"RUNNING_TIME" is none of STATE, CURRENT_TIME, TOTAL_TIME`},
		{"flink: {metrics.job.status.enable: 'STATE;;TOTAL_TIME'}\n", `"" is none of`},
		{"flink: {metrics.job.status.enable: [STATE, uptime]}\n", `"uptime" is none of`},
		{"flink-version: \"1.18\"\nflink: {metrics.job.status.enable: [STATE]}\n", "write it as STATE;TOTAL_TIME"},
	} {
		_, err := Load("m.yaml", []byte(minimal+c.flink), nil)
		if err == nil || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), "flink.metrics.job.status.enable") {
			t.Errorf("%q: %v, want a problem at the entry saying %s", c.flink, err, c.want)
		}
	}
}
