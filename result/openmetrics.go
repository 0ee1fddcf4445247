package result

import (
	"bufio"
	"io"
	"math"
	"slices"
	"sort"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
)

// FileOpenMetrics is the run's metrics in the OpenMetrics text format, a
// sample per series and sample time with its timestamp, named and labelled
// as Flink's PrometheusReporter names them (prometheus.go). A sample with
// no value (NoValue: a gauge Flink registers later, as watermarkLag at a
// reader's first watermark) is left out, as a Prometheus series has no
// sample before its gauge is registered; a series with none is left out.
// A registered gauge whose value is NaN (GaugeNaN: records-lag-max with
// nothing in its windows) is a NaN sample, as OpenMetrics writes it and
// Flink's PrometheusReporter exports it. Prometheus
// loads it with "promtool tsdb create-blocks-from openmetrics FILE DIR".
const FileOpenMetrics = "metrics.om.txt"

// promSeries is one exported series: its family, its labels.
type promSeries struct {
	family string
	labels []*dto.LabelPair
	key    string // the label values joined, for ordering
	values []float64
}

// WriteOpenMetrics writes FileOpenMetrics with Prometheus' own encoder
// (expfmt.MetricFamilyToOpenMetrics): families in name order, a family's
// series in label order, each series' samples in time order, timestamps
// from the summary's StartTime in plain decimal seconds (stampWriter);
// "# EOF" at the end. Equal runs give equal bytes.
func (r *Result) WriteOpenMetrics(w io.Writer) error {
	job := newPromJob(r)
	help := map[string]string{}
	var series []promSeries
	for _, s := range r.Series {
		m := promMetricOf(s.Metric)
		if !job.exported(m, s) || !slices.ContainsFunc(s.Values, exposed) {
			continue
		}
		ps := promSeries{family: m.name(s.Metric), values: s.Values}
		if isWatermark(s.Metric) {
			ps.values = make([]float64, len(s.Values))
			for i, v := range s.Values {
				ps.values[i] = r.fileValue(s.Metric, v)
			}
		}
		for _, l := range job.labels(m, s) {
			ps.labels = append(ps.labels, &dto.LabelPair{Name: &l.name, Value: &l.value})
			ps.key += l.value + "\x00"
		}
		help[ps.family] = m.help(s.Metric)
		series = append(series, ps)
	}
	sort.SliceStable(series, func(i, k int) bool {
		if series[i].family != series[k].family {
			return series[i].family < series[k].family
		}
		return series[i].key < series[k].key
	})
	stamps := make([]int64, len(r.Times))
	start := r.startMs()
	for i, t := range r.Times {
		stamps[i] = start + int64(math.Round(t*1000))
	}
	bw := bufio.NewWriterSize(w, 1<<16)
	sw := &stampWriter{w: bw}
	for lo := 0; lo < len(series); {
		hi := lo + 1
		for hi < len(series) && series[hi].family == series[lo].family {
			hi++
		}
		fam := family(series[lo:hi], help[series[lo].family], stamps)
		if _, err := expfmt.MetricFamilyToOpenMetrics(sw, fam); err != nil {
			return err
		}
		lo = hi
	}
	if _, err := expfmt.FinalizeOpenMetrics(sw); err != nil {
		return err
	}
	return bw.Flush()
}

// family is one metric family, a gauge as all of Flink's are: a sample per
// series and time that has a value or is GaugeNaN (written NaN). Samples are allocated in blocks,
// labels shared by a series' samples.
func family(series []promSeries, help string, stamps []int64) *dto.MetricFamily {
	name, typ := series[0].family, dto.MetricType_GAUGE
	n := len(series) * len(stamps)
	metrics := make([]dto.Metric, n)
	gauges := make([]dto.Gauge, n)
	values := make([]float64, n)
	fam := &dto.MetricFamily{Name: &name, Help: &help, Type: &typ, Metric: make([]*dto.Metric, 0, n)}
	k := 0
	for _, s := range series {
		for i := range stamps {
			if !exposed(s.values[i]) {
				continue
			}
			values[k] = s.values[i]
			gauges[k].Value = &values[k]
			m := &metrics[k]
			m.Label, m.Gauge, m.TimestampMs = s.labels, &gauges[k], &stamps[i]
			fam.Metric = append(fam.Metric, m)
			k++
		}
	}
	return fam
}
