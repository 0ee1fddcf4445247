package plots_test

import (
	"bytes"
	"fmt"

	"github.com/flinksim/flinksim/plots"
	"github.com/flinksim/flinksim/result"
)

func ExampleFormat() {
	fmt.Println(plots.Format(plots.UnitRate, 1e5))
	fmt.Println(plots.Format(plots.UnitBytes, 1.5e9))
	fmt.Println(plots.Format(plots.UnitSeconds, 300))
	fmt.Println(plots.Format(plots.UnitMillis, 250))
	fmt.Println(plots.Format(plots.UnitCount, 1.5e6))
	// Output:
	// 100k/s
	// 1.5 GB
	// 5 min
	// 250 ms
	// 1.5M
}

func ExampleDashboard() {
	res := &result.Result{
		Times: []float64{60, 120, 180},
		Series: []result.Series{
			{Operator: "kafka", Subtask: -1, Metric: result.MetricPending, Values: []float64{0, 5e4, 2e5}},
		},
	}
	f := plots.Dashboard(res)
	svg, err := f.SVG()
	if err != nil {
		panic(err)
	}
	fmt.Println(f.Empty(), bytes.Contains(svg, []byte("Kafka lag")), bytes.Contains(svg, []byte("Checkpoint duration")))
	// f.WriteFiles(dir, "dashboard", plots.Dashboard(res)) writes
	// dashboard.svg, and dashboard.png drawn from the twin at the same time.

	fmt.Println(plots.Dashboard(&result.Result{}).Empty())
	// Output:
	// false true false
	// true
}
