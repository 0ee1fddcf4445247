package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/grafana/grafana-foundation-sdk/go/cog"
	"github.com/grafana/grafana-foundation-sdk/go/cog/plugins"
	"github.com/grafana/grafana-foundation-sdk/go/dashboard"
	"github.com/grafana/grafana-foundation-sdk/go/prometheus"
	"github.com/grafana/grafana-foundation-sdk/go/timeseries"
	"go.yaml.in/yaml/v3"

	"github.com/flinksim/flinksim/result"
)

// The stack of deploy/grafana/compose.yaml, as far as this machine can run
// it without Docker: the backfill service's promtool command, then the
// prometheus service's own flags on the backfilled TSDB, and every query
// of the dashboard (dashboards/flinksim.json) through Prometheus' HTTP API,
// as Grafana's data source would send it (provisioning/datasources).
// Grafana itself is not run (no Docker, no Debian package); the test checks
// that its data source and dashboard provider point where compose.yaml
// mounts and serves them.

const grafanaDir = "../../deploy/grafana"

// composeFile is what the test reads of compose.yaml.
type composeFile struct {
	Services map[string]struct {
		Command []string `yaml:"command"`
		Volumes []string `yaml:"volumes"`
		Ports   []string `yaml:"ports"`
	} `yaml:"services"`
}

// dashboardFile is what the test reads of the dashboard.
type dashboardFile struct {
	Time struct {
		From string `json:"from"`
	} `json:"time"`
	Templating struct {
		List []struct {
			Name       string `json:"name"`
			Definition string `json:"definition"`
		} `json:"list"`
	} `json:"templating"`
	Panels []struct {
		Title      string `json:"title"`
		Datasource struct {
			UID string `json:"uid"`
		} `json:"datasource"`
		Targets []struct {
			Expr string `json:"expr"`
		} `json:"targets"`
	} `json:"panels"`
}

// TestGrafanaStackServesTheDashboard: a run's metrics.om.txt, backfilled as
// compose.yaml's backfill service does and served by Prometheus started
// with the prometheus service's flags and prometheus.yml, answers every
// panel's query of the dashboard with the run's series, over the dashboard's
// default time range (which starts at the default --start-time); the job
// variable's query finds the run's job.
func TestGrafanaStackServesTheDashboard(t *testing.T) {
	tool, server := promtool(t), ciTool(t, "prometheus")
	t.Parallel() // a whole run in its own directory
	var compose composeFile
	readYAML(t, filepath.Join(grafanaDir, "compose.yaml"), &compose)
	var dash dashboardFile
	b, err := os.ReadFile(filepath.Join(grafanaDir, "dashboards", "flinksim.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &dash); err != nil {
		t.Fatal(err)
	}
	checkGrafanaWiring(t, compose, dash)

	out := filepath.Join(t.TempDir(), "out")
	if code, _, errs := cli(t, "run", "testdata/ckpt-variants.yaml", "--variant", "base", "--duration", "2m", "--no-plots",
		"--openmetrics", "--out", out); code != 0 {
		t.Fatal(errs)
	}
	run := filepath.Join(out, "base")
	// The backfill service's command, with its mounts: /run is the run's
	// directory, /prometheus the TSDB volume.
	db := filepath.Join(t.TempDir(), "tsdb")
	backfill := strings.Join(compose.Services["backfill"].Command, " ")
	m := regexp.MustCompile(`promtool (tsdb create-blocks-from openmetrics) /run/(\S+) /prometheus$`).FindStringSubmatch(backfill)
	if m == nil || m[2] != result.FileOpenMetrics {
		t.Fatalf("compose.yaml's backfill command is not the one this test runs (on %s): %q", result.FileOpenMetrics, backfill)
	}
	if b, err := exec.Command(tool, append(strings.Fields(m[1]), filepath.Join(run, m[2]), db)...).CombinedOutput(); err != nil {
		t.Fatalf("backfill: %v\n%s", err, b)
	}

	addr := freeAddress(t)
	args := []string{"--web.listen-address=" + addr}
	mounts := map[string]string{"/etc/prometheus/prometheus.yml": filepath.Join(grafanaDir, "prometheus.yml"), "/prometheus": db}
	for _, a := range compose.Services["prometheus"].Command {
		k, v, _ := strings.Cut(a, "=")
		if host, ok := mounts[v]; ok {
			v = host
		}
		args = append(args, k+"="+v)
	}
	cmd := exec.Command(server, args...)
	logs := &strings.Builder{}
	cmd.Stdout, cmd.Stderr = logs, logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	base := "http://" + addr
	waitReady(t, base+"/-/ready", logs)

	from, err := time.Parse(time.RFC3339, dash.Time.From)
	if err != nil {
		t.Fatal(err)
	}
	jobs := promLabelValues(t, base, dash)
	if len(jobs) != 1 || jobs[0] != "ckpt_variants" {
		t.Fatalf("the job variable's query found %v, want [ckpt_variants]", jobs)
	}
	for _, p := range dash.Panels {
		for _, tg := range p.Targets {
			expr := strings.ReplaceAll(tg.Expr, "$job_name", regexp.QuoteMeta(jobs[0]))
			if n := promRangeSeries(t, base, expr, from, from.Add(2*time.Minute)); n == 0 {
				t.Errorf("panel %q: %s returns no series", p.Title, expr)
			}
		}
	}
	// The numbers are the run's: the completed checkpoints at its end.
	res, err := result.ReadDir(run)
	if err != nil {
		t.Fatal(err)
	}
	end := from.Add(time.Duration(res.Summary.VirtualDurationS * float64(time.Second)))
	if got, want := promInstant(t, base, `flink_jobmanager_job_numberOfCompletedCheckpoints`, end), fmt.Sprint(res.Summary.Checkpoints.Completed); got != want {
		t.Errorf("numberOfCompletedCheckpoints at the end: Prometheus %s, the run's summary %s", got, want)
	}
}

// promInstant is the value of a query that returns one series at time at.
func promInstant(t *testing.T, base, expr string, at time.Time) string {
	t.Helper()
	var r struct {
		Data struct {
			Result []struct {
				Value [2]any `json:"value"`
			} `json:"result"`
		} `json:"data"`
	}
	promGet(t, base+"/api/v1/query?"+url.Values{"query": {expr}, "time": {fmt.Sprint(at.Unix())}}.Encode(), &r)
	if len(r.Data.Result) != 1 {
		t.Fatalf("%s: %d series, want 1", expr, len(r.Data.Result))
	}
	return fmt.Sprint(r.Data.Result[0].Value[1])
}

// checkGrafanaWiring: Grafana's data source is compose.yaml's prometheus
// service at its port, the panels use that data source, and the dashboard
// provider reads the directory compose.yaml mounts the dashboards at.
func checkGrafanaWiring(t *testing.T, compose composeFile, dash dashboardFile) {
	t.Helper()
	var ds struct {
		Datasources []struct {
			UID string `yaml:"uid"`
			URL string `yaml:"url"`
		} `yaml:"datasources"`
	}
	readYAML(t, filepath.Join(grafanaDir, "provisioning", "datasources", "prometheus.yaml"), &ds)
	if len(ds.Datasources) != 1 {
		t.Fatalf("%d data sources, want 1", len(ds.Datasources))
	}
	u, err := url.Parse(ds.Datasources[0].URL)
	if listen := prometheusListenPort(compose.Services["prometheus"].Command); err != nil || u.Hostname() != "prometheus" || u.Port() != listen {
		t.Errorf("the data source %q is not compose.yaml's prometheus service at the port it listens on in its container (%s)", ds.Datasources[0].URL, listen)
	}
	for _, p := range dash.Panels {
		if p.Datasource.UID != ds.Datasources[0].UID {
			t.Errorf("panel %q uses data source %q, provisioned is %q", p.Title, p.Datasource.UID, ds.Datasources[0].UID)
		}
	}
	var prov struct {
		Providers []struct {
			Options struct {
				Path string `yaml:"path"`
			} `yaml:"options"`
		} `yaml:"providers"`
	}
	readYAML(t, filepath.Join(grafanaDir, "provisioning", "dashboards", "flinksim.yaml"), &prov)
	if len(prov.Providers) != 1 || !containsPrefix(compose.Services["grafana"].Volumes, "./dashboards:"+prov.Providers[0].Options.Path) {
		t.Errorf("the dashboard provider reads %+v, compose.yaml mounts %v", prov.Providers, compose.Services["grafana"].Volumes)
	}
}

// prometheusListenPort is the port Prometheus listens on inside its
// container, which is where Grafana reaches it on compose's network (a
// ports: mapping only publishes it on the host): --web.listen-address, or
// Prometheus's default 0.0.0.0:9090 (cmd/prometheus/main.go).
func prometheusListenPort(command []string) string {
	addr := "0.0.0.0:9090"
	for _, a := range command {
		if v, ok := strings.CutPrefix(a, "--web.listen-address="); ok {
			addr = v
		}
	}
	return addr[strings.LastIndex(addr, ":")+1:]
}

func containsPrefix(list []string, prefix string) bool {
	for _, s := range list {
		if strings.HasPrefix(s, prefix) {
			return true
		}
	}
	return false
}

func readYAML(t *testing.T, path string, v any) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := yaml.Unmarshal(b, v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}

// freeAddress is a loopback address with a port free at the time.
func freeAddress(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// waitReady waits up to a minute for Prometheus to load its TSDB and serve.
func waitReady(t *testing.T, u string, logs fmt.Stringer) {
	t.Helper()
	for deadline := time.Now().Add(time.Minute); time.Now().Before(deadline); time.Sleep(200 * time.Millisecond) {
		if r, err := http.Get(u); err == nil {
			r.Body.Close()
			if r.StatusCode == http.StatusOK {
				return
			}
		}
	}
	t.Fatalf("prometheus not ready after a minute:\n%s", logs)
}

// promLabelValues answers the dashboard's job variable, label_values(METRIC,
// LABEL), as Grafana asks Prometheus for it (the series API).
func promLabelValues(t *testing.T, base string, dash dashboardFile) []string {
	t.Helper()
	if len(dash.Templating.List) != 1 {
		t.Fatalf("%d dashboard variables, want job_name alone", len(dash.Templating.List))
	}
	m := regexp.MustCompile(`^label_values\((\w+), (\w+)\)$`).FindStringSubmatch(dash.Templating.List[0].Definition)
	if m == nil {
		t.Fatalf("variable query %q", dash.Templating.List[0].Definition)
	}
	var r struct {
		Status string   `json:"status"`
		Data   []string `json:"data"`
	}
	promGet(t, base+"/api/v1/label/"+m[2]+"/values?"+url.Values{"match[]": {m[1]}}.Encode(), &r)
	return r.Data
}

// promRangeSeries is how many series a range query returns.
func promRangeSeries(t *testing.T, base, expr string, from, to time.Time) int {
	t.Helper()
	q := url.Values{"query": {expr}, "start": {fmt.Sprint(from.Unix())}, "end": {fmt.Sprint(to.Unix())}, "step": {"15"}}
	var r struct {
		Status string `json:"status"`
		Error  string `json:"error"`
		Data   struct {
			Result []json.RawMessage `json:"result"`
		} `json:"data"`
	}
	promGet(t, base+"/api/v1/query_range?"+q.Encode(), &r)
	if r.Status != "success" {
		t.Errorf("%s: %s", expr, r.Error)
	}
	return len(r.Data.Result)
}

func promGet(t *testing.T, u string, v any) {
	t.Helper()
	r, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Body.Close()
	if err := json.NewDecoder(r.Body).Decode(v); err != nil {
		t.Fatalf("%s: %v", u, err)
	}
}

// TestDashboardFollowsGrafanasSchema: the dashboard decodes strictly into
// the types Grafana publishes for its dashboard schema (the Grafana
// Foundation SDK, generated from Grafana's own schemas): no field missing
// that the schema requires, none it does not know, every panel a
// timeseries with its options and Prometheus queries, and every value
// within the schema's constraints. Grafana itself is not run here.
func TestDashboardFollowsGrafanasSchema(t *testing.T) {
	plugins.RegisterDefaultPlugins()
	raw, err := os.ReadFile(filepath.Join(grafanaDir, "dashboards", "flinksim.json"))
	if err != nil {
		t.Fatal(err)
	}
	var d dashboard.Dashboard
	// The SDK returns its error list typed even when it is empty.
	failed := func(err error) bool {
		var list cog.BuildErrors
		return err != nil && (!errors.As(err, &list) || len(list) > 0)
	}
	if err := d.UnmarshalJSONStrict(raw); failed(err) {
		t.Fatalf("not Grafana's dashboard schema:\n%v", err)
	}
	// The strict decoding keeps no panel (v0.0.22's PanelOrRowPanel takes
	// its panel's empty error list for an error): the panels are read again.
	d = dashboard.Dashboard{}
	if err := json.Unmarshal(raw, &d); err != nil {
		t.Fatal(err)
	}
	if err := d.Validate(); failed(err) {
		t.Fatalf("outside the schema's constraints:\n%v", err)
	}
	if len(d.Panels) == 0 {
		t.Fatal("no panels")
	}
	for i, p := range d.Panels {
		if p.Panel == nil || p.Panel.Type != "timeseries" {
			t.Errorf("panel %d: not a timeseries panel", i)
			continue
		}
		if _, ok := p.Panel.Options.(*timeseries.Options); !ok {
			t.Errorf("panel %d (%s): options of type %T, not the timeseries plugin's", i, *p.Panel.Title, p.Panel.Options)
		}
		for j, q := range p.Panel.Targets {
			if _, ok := q.(*prometheus.Dataquery); !ok {
				t.Errorf("panel %d (%s) target %d: a %T, not a Prometheus query", i, *p.Panel.Title, j, q)
			}
		}
	}
}
