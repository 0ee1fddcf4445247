package main

import (
	"bufio"
	"encoding/csv"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/flinksim/flinksim/result"
)

// TestSinkMetricsMarkedAlikeInCSVAndOpenMetrics: in a run with a JDBC
// sink (a SinkFunction) and a KafkaSink (a Sink V2 writer and its chained
// committer), both exactly-once, the JDBC sink's numRecordsSend and
// committer metrics are flinksim's own in metrics.csv
// (flinksim.numRecordsSend, flinksim.pendingCommittables, ...), with no
// row under Flink's names, and the KafkaSink's the reverse; and every
// series metrics.om.txt holds is flinksim's (flinksim_) there exactly when
// metrics.csv names it flinksim's (flinksim.), but MessagesInPerSec, which
// metrics.csv names as Kafka's broker does.
func TestSinkMetricsMarkedAlikeInCSVAndOpenMetrics(t *testing.T) {
	t.Parallel() // a run in its own directory
	out := filepath.Join(t.TempDir(), "out")
	code, _, errs := cli(t, "run", "sink-exactly-once", "--variant", "two-phase-commit", "--duration", "2m", "--no-plots",
		"--openmetrics", "-q", "--out", out)
	if code != 0 {
		t.Fatal(errs)
	}
	dir := filepath.Join(out, "two-phase-commit")
	rows := csvSeries(t, filepath.Join(dir, result.FileMetrics))
	sinkMetrics := []string{result.MetricRecordsSend, result.MetricTotalCommittables, result.MetricSuccessfulCommittables,
		result.MetricAlreadyCommittedCommittables, result.MetricFailedCommittables, result.MetricRetriedCommittables,
		result.MetricPendingCommittables}
	for _, m := range sinkMetrics {
		own := result.OwnPrefix + m
		for op, want := range map[string]string{"orders-db": own, "orders-topic": m} {
			not := map[bool]string{true: m, false: own}[want == own]
			if rows[csvKey{op, "0", want}] == 0 || countOf(rows, op, not) != 0 {
				t.Errorf("%s: %d rows of %s[0], %d of %s: want some and none", op, rows[csvKey{op, "0", want}], want, countOf(rows, op, not), not)
			}
		}
	}
	res, err := result.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	checkMarksAgree(t, res.Summary, rows, omSeries(t, filepath.Join(dir, result.FileOpenMetrics)))
}

// csvKey is a series of metrics.csv: operator, subtask ("" for the whole
// operator), metric.
type csvKey struct{ op, sub, metric string }

// csvSeries counts the rows of each series of a metrics.csv.
func csvSeries(t *testing.T, path string) map[csvKey]int {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	rows := map[csvKey]int{}
	for _, r := range recs[1:] {
		rows[csvKey{r[1], r[2], r[3]}]++
	}
	return rows
}

func countOf(rows map[csvKey]int, op, metric string) int {
	n := 0
	for k, c := range rows {
		if k.op == op && k.metric == metric {
			n += c
		}
	}
	return n
}

// omKey is a series of metrics.om.txt, as metrics.csv's columns can find
// it: the id of what it measures (operator_id, else task_id, else the
// job's), its subtask_index ("" without one) and its name without the
// flink_ or flinksim_ prefix and the scope.
type omKey struct{ id, sub, name string }

var omSample = regexp.MustCompile(`^(flinksim|flink)_(\w+)\{([^}]*)\} `)

// omSeries reads the series of a metrics.om.txt: whether each is
// flinksim's own.
func omSeries(t *testing.T, path string) map[omKey]bool {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	series := map[omKey]bool{}
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		m := omSample.FindStringSubmatch(sc.Text())
		if m == nil {
			continue
		}
		labels := map[string]string{}
		for _, l := range strings.Split(m[3], ",") {
			k, v, _ := strings.Cut(l, "=")
			labels[k] = strings.Trim(v, `"`)
		}
		name := m[2]
		for _, scope := range []string{"taskmanager_job_task_operator_", "taskmanager_job_task_", "jobmanager_job_"} {
			if rest, ok := strings.CutPrefix(name, scope); ok {
				name = rest
				break
			}
		}
		id := "job"
		if v, ok := labels["operator_id"]; ok {
			id = v
		} else if v, ok := labels["task_id"]; ok {
			id = v
		}
		series[omKey{id, labels["subtask_index"], name}] = m[1] == "flinksim"
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return series
}

// checkMarksAgree finds each series of metrics.csv in metrics.om.txt (by
// the ids its operator column can have there: the operator's, its chained
// committer's, the task's, the job's) and checks that both call it
// flinksim's or both Flink's; every sink's numRecordsSend must be found.
func checkMarksAgree(t *testing.T, sum result.Summary, rows map[csvKey]int, om map[omKey]bool) {
	t.Helper()
	committer := map[string]string{}
	for _, o := range sum.Operators {
		committer[o.Name] = o.Committer
	}
	found := map[string]bool{}
	for k := range rows {
		own := strings.HasPrefix(k.metric, result.OwnPrefix)
		name := strings.NewReplacer(".", "_", "-", "_").Replace(strings.TrimPrefix(k.metric, result.OwnPrefix))
		ids := []string{result.VertexID("operator " + k.op), result.VertexID(k.op), "job"}
		if c := committer[k.op]; c != "" {
			ids = append(ids, result.VertexID("operator "+c))
		}
		for key, omOwn := range om {
			if key.sub != k.sub || !slices.Contains(ids, key.id) || key.name != name && !strings.HasSuffix(key.name, "_"+name) {
				continue
			}
			found[k.op+" "+k.metric] = true
			if omOwn != own && k.metric != result.MetricProduced {
				t.Errorf("%s[%s] %s is flinksim's in metrics.csv: %v, in metrics.om.txt (%s): %v", k.op, k.sub, k.metric, own, key.name, omOwn)
			}
		}
	}
	for _, k := range []string{"orders-db flinksim.numRecordsSend", "orders-topic numRecordsSend", "orders-db flinksim.pendingCommittables",
		"orders-topic pendingCommittables", "orders-db flinksim.e2eLatencyP99Ms", "orders numRecordsOutPerSecond"} {
		if !found[k] {
			t.Errorf("%s: not found in metrics.om.txt", k)
		}
	}
}
