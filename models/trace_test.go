package models

import (
	"flag"
	"fmt"
	"math"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/cockroachdb/datadriven"
	"github.com/dustin/go-humanize"

	"github.com/flinksim/flinksim/result"
	"github.com/flinksim/flinksim/sim"
)

var updateTraces = flag.Bool("update", false, "rewrite the expected traces in testdata/trace")

// TestTrace runs the trace files in testdata/trace (etcd raft's interaction
// files, read with cockroachdb/datadriven): each holds a small job, runs it,
// and compares the trace of the checkpoint mechanism with the expected text.
// Regenerate them with go test ./models -run TestTrace -update, and read the
// diff: the traces are documentation of Flink's rules.
//
// Commands:
//
//	job [seed=1] [duration=1m] [slots=1] [chunk-records=N] [chunk-delay=1ms] [watermark-interval=200ms] [epoch=0s (Unix time of virtual 0)]
//	<one line per node and setting, see parseJobLine>
//	----
//	ok
//
//	run [from=0s]
//	----
//	<the trace, lines at or after from>
func TestTrace(t *testing.T) {
	if *updateTraces {
		if err := flag.Set("rewrite", "true"); err != nil {
			t.Fatal(err)
		}
	}
	datadriven.Walk(t, "testdata/trace", func(t *testing.T, path string) {
		var spec Spec
		datadriven.RunTest(t, path, func(t *testing.T, d *datadriven.TestData) string {
			switch d.Cmd {
			case "job":
				var err error
				if spec, err = parseJob(d); err != nil {
					d.Fatalf(t, "%v", err)
				}
				return "ok"
			case "run":
				var from sim.Time
				if a, ok := d.Arg("from"); ok {
					from = duration(t, d, a.SingleVal(t))
				}
				return traceRun(t, spec, from)
			}
			d.Fatalf(t, "unknown command %q (job, run)", d.Cmd)
			return ""
		})
	})
}

// traceRun simulates spec with a trace, and once more without to check that
// tracing changes nothing.
func traceRun(t *testing.T, spec Spec, from sim.Time) string {
	t.Helper()
	var b strings.Builder
	s, err := New(spec)
	if err != nil {
		t.Fatal(err)
	}
	s.SetTrace(func(at sim.Time, what string) {
		if at >= from {
			fmt.Fprintf(&b, "%s  %s\n", clock(at), what)
		}
	})
	traced, err := s.Run(nil)
	if err != nil {
		t.Fatal(err)
	}
	_, plain := runWith(t, spec)
	for _, r := range []*result.Result{traced, plain} {
		if r.Capacity != nil {
			r.Capacity.At = nil // a function (not comparable); the summary has the rate it gave
		}
		for _, sr := range r.Series {
			for i, v := range sr.Values {
				if !result.HasValue(v) {
					sr.Values[i] = math.Inf(-1) // NaN equals nothing, itself neither; -Inf is no value of a run
				}
			}
		}
	}
	if !reflect.DeepEqual(traced, plain) {
		t.Errorf("the results of the run differ with a trace: tracing must only read the simulation")
	}
	return b.String()
}

// parseJob builds a Spec from a job command: its arguments are the run's
// settings, its input lines the nodes and the checkpoint, restart and
// failure settings. Defaults: Flink's network defaults, chaining on, one
// slot per TaskManager, restart strategy none, recovery times as the
// scenarios' defaults (heartbeat 50s, redeploy 10s, TaskManager start 30s),
// and a storage that is a plain pipe (one file, no request latency; upload=
// sets the TaskManager's network, which its uploads share; no other
// resource is limited).
func parseJob(d *datadriven.TestData) (Spec, error) {
	spec := Spec{
		Name: "trace", Seed: 1, Duration: sim.Minute, Network: DefaultNetwork(), SlotsPerTaskManager: 1, Chaining: true,
		Sim:                   Settings{ChunkDelay: sim.Millisecond, SampleInterval: sim.Second},
		AutoWatermarkInterval: 200 * sim.Millisecond,
		Restart:               RestartStrategy{Kind: "none"},
		Recovery:              Recovery{HeartbeatTimeout: 50 * sim.Second, Redeploy: 10 * sim.Second, TaskManagerStart: 30 * sim.Second},
	}
	p := &argParser{where: "job"}
	p.each(d.CmdArgs, map[string]func(string){
		"seed":               func(v string) { spec.Seed = uint64(p.int(v)) },
		"duration":           func(v string) { spec.Duration = p.duration(v) },
		"slots":              func(v string) { spec.SlotsPerTaskManager = int(p.int(v)) },
		"chunk-records":      func(v string) { spec.Sim.ChunkRecords = p.int(v) },
		"chunk-delay":        func(v string) { spec.Sim.ChunkDelay = p.duration(v) },
		"watermark-interval": func(v string) { spec.AutoWatermarkInterval = p.duration(v) },
		"epoch":              func(v string) { spec.Epoch = p.duration(v) },
	})
	for i, line := range strings.Split(d.Input, "\n") {
		cmd, args, err := datadriven.ParseLine(line)
		if err != nil {
			return spec, err
		}
		if cmd == "" {
			continue
		}
		p.where = fmt.Sprintf("line %d: %s", i+1, cmd)
		parseJobLine(p, &spec, cmd, args)
	}
	return spec, p.err()
}

// parseJobLine reads one line of a job:
//
//	source NAME [parallelism=1] [partitions=1] [rate=0] [backlog=0] [record=100B] [cost=0s]
//	    [delay=D | delay=exp:D] [bound=D] [idleness=D] [pause=PARTITION@AT+FOR] (event time)
//	operator NAME input=(FROM:rebalance|keyBy|forward, ...) [parallelism=1] [cost=0s] [record=100B] [keys=N state-per-key=SIZE] [chain=true]
//	    [tumbling=D | sliding=SIZE/SLIDE | session=GAP] [offset=0s] [lateness=0s] [late=drop|side-output] [fire-cost=0s] (a window operator, with keys=)
//	sink NAME input=FROM [parallelism=1] [record=100B]
//	checkpointing interval=D [timeout=10m] [min-pause=0s] [max-concurrent=1] [tolerable=0]
//	    [mode=exactly-once|at-least-once] [unaligned=false] [aligned-timeout=0s]
//	    [upload=SIZE/s per TaskManager] [sync=0s]
//	restart fixed-delay [delay=10s] [attempts=N]
//	restart failure-rate [delay=10s] [max-failures=1] [interval=1m]
//	restart exponential-delay [initial=1s] [max=5m] [multiplier=1.5] [reset=1h] [before-1.19=false] (no jitter)
//	fail checkpoint=ID | fail taskmanager=N at=D (its process exits: noticed at once)
//	failover strategy=region|full
func parseJobLine(p *argParser, spec *Spec, cmd string, args []datadriven.CmdArg) {
	switch cmd {
	case "source", "operator", "sink":
		if len(args) == 0 || len(args[0].Vals) > 0 {
			p.fail("the node's name comes first")
			return
		}
		spec.Nodes = append(spec.Nodes, parseNode(p, cmd, args[0].Key, args[1:]))
	case "checkpointing":
		c := &Checkpointing{Timeout: 10 * sim.Minute, MaxConcurrent: 1,
			Storage: Storage{FileSize: 1 << 40, TransferThreads: 1}}
		p.each(args, map[string]func(string){
			"interval":       func(v string) { c.Interval = p.duration(v) },
			"timeout":        func(v string) { c.Timeout = p.duration(v) },
			"min-pause":      func(v string) { c.MinPause = p.duration(v) },
			"max-concurrent": func(v string) { c.MaxConcurrent = int(p.int(v)) },
			"tolerable":      func(v string) { c.Tolerable = int(p.int(v)) },
			"mode": func(v string) {
				if v != "exactly-once" && v != "at-least-once" {
					p.fail("mode %q (exactly-once, at-least-once)", v)
				}
				c.AtLeastOnce = v == "at-least-once"
			},
			"unaligned":       func(v string) { c.Unaligned = p.bool(v) },
			"aligned-timeout": func(v string) { c.AlignedTimeout = p.duration(v) },
			"sync":            func(v string) { c.SyncPhase = p.duration(v) },
			// checkpoints to the JobManager's memory with this limit per state handle
			"jobmanager-storage": func(v string) {
				c.MaxStateSize, c.StorageClass, c.MetadataInMemory = p.size(v), "JobManagerCheckpointStorage", true
			},
			"upload": func(v string) {
				bw := float64(p.size(strings.TrimSuffix(v, "/s")))
				// the TaskManager's network: its uploads share it
				spec.TaskManager.Network = bw
			},
		})
		spec.Checkpointing = c
	case "restart":
		spec.Restart = parseRestart(p, args)
	case "fail":
		f := Failure{Kind: FailCheckpoint, At: sim.Never}
		p.each(args, map[string]func(string){
			"checkpoint":  func(v string) { f.Checkpoint = p.int(v) },
			"taskmanager": func(v string) { f.Kind, f.TaskManager = FailTaskManager, int(p.int(v)) },
			"at":          func(v string) { f.At = p.duration(v) },
			"on-checkpoint": func(v string) {
				f.Kind, f.OnCheckpoint, f.AtCheckpoint = FailTaskManager, true, p.int(v)
			},
			"before": func(v string) { f.BeforeCompletion = p.bool(v) },
			"detection": func(v string) {
				f.Detection = map[string]Detection{"hang": DetectHang, "unreachable": DetectUnreachable}[v]
			},
		})
		spec.Failures = append(spec.Failures, f)
	case "failover":
		p.each(args, map[string]func(string){
			"strategy": func(v string) {
				if v != "region" && v != "full" {
					p.fail("strategy %q (region, full)", v)
				}
				spec.Recovery.FailoverStrategy = map[string]FailoverStrategy{"region": FailoverRegion, "full": FailoverFull}[v]
			},
		})
	default:
		p.fail("unknown line (source, operator, sink, checkpointing, restart, fail, failover)")
	}
}

// parseNode reads a source, operator or sink line after its name.
func parseNode(p *argParser, cmd, name string, args []datadriven.CmdArg) Node {
	node := Node{Name: name, Parallelism: 1, Chain: true, RecordSize: 100, Selectivity: 1}
	opts := map[string]func(string){
		"parallelism": func(v string) { node.Parallelism = int(p.int(v)) },
		"record":      func(v string) { node.RecordSize = p.size(v) },
	}
	switch cmd {
	case "source":
		node.Kind = KindSource
		node.Kafka = &Kafka{Topic: name, Partitions: 1, Rate: ConstantRate(0)}
		opts["partitions"] = func(v string) { node.Kafka.Partitions = int(p.int(v)) }
		opts["rate"] = func(v string) { node.Kafka.Rate = ConstantRate(float64(p.int(v))) }
		opts["backlog"] = func(v string) { node.Kafka.InitialBacklog = p.int(v) }
		opts["cost"] = func(v string) { node.Cost = sim.Constant{V: p.duration(v).Seconds()} }
		eventTimeOpts(p, &node, opts)
	case "operator", "sink":
		node.Kind = KindOperator
		if cmd == "sink" {
			node.Kind, node.Sink = KindSink, &Sink{}
			sinkOpts(p, node.Sink, opts)
		}
		node.MaxParallelism = 128 // Flink's default below parallelism 86 (KeyGroupRangeAssignment)
		keyed := &Keyed{Warm: true}
		opts["input"] = func(string) {} // read below, with all its values
		opts["cost"] = func(v string) { node.Cost = sim.Constant{V: p.duration(v).Seconds()} }
		opts["chain"] = func(v string) { node.Chain = p.bool(v) }
		opts["keys"] = func(v string) { keyed.Keys, node.Keyed = UniformKeys{N: p.int(v)}, keyed }
		opts["state-per-key"] = func(v string) { keyed.StatePerKey = p.size(v) }
		mb := func() *MiniBatch {
			if node.MiniBatch == nil {
				node.MiniBatch = &MiniBatch{}
			}
			return node.MiniBatch
		}
		opts["batch-size"] = func(v string) { mb().Size = p.int(v) }
		opts["batch-latency"] = func(v string) { mb().Interval = p.duration(v) }
		windowOpts(p, &node, opts)
		for _, a := range args {
			if a.Key != "input" {
				continue
			}
			for _, v := range a.Vals {
				from, x, _ := strings.Cut(v, ":")
				in := Input{From: from, Exchange: Forward}
				switch x {
				case "", "forward":
				case "rebalance":
					in.Exchange = Rebalance
				case "keyBy":
					in.Exchange = Hash
				default:
					p.fail("input %s: exchange %q (forward, rebalance, keyBy)", v, x)
				}
				node.Inputs = append(node.Inputs, in)
			}
		}
	}
	p.each(args, opts)
	return node
}

// sinkOpts are a sink's delivery: guarantee=exactly-once system=kafka
// transaction-timeout=30s batch=100 (Kafka's broker defaults otherwise).
func sinkOpts(p *argParser, k *Sink, opts map[string]func(string)) {
	d := &k.Delivery
	d.BrokerMaxTimeout, d.AbortInterval = 15*sim.Minute, 10*sim.Second
	opts["guarantee"] = func(v string) {
		d.Guarantee = map[string]Guarantee{"at-least-once": AtLeastOnce, "none": NoGuarantee, "exactly-once": ExactlyOnce}[v]
	}
	opts["system"] = func(v string) { d.System = map[string]SinkSystem{"kafka": SystemKafka, "jdbc": SystemJDBC}[v] }
	opts["transaction-timeout"] = func(v string) { d.TransactionTimeout = p.duration(v) }
	opts["batch"] = func(v string) { d.BatchSize = p.int(v) }
}

// argParser reads key=value arguments and collects every problem.
type argParser struct {
	where string
	errs  []string
}

func (p *argParser) fail(format string, args ...any) {
	p.errs = append(p.errs, p.where+": "+fmt.Sprintf(format, args...))
}

func (p *argParser) err() error {
	if len(p.errs) == 0 {
		return nil
	}
	return fmt.Errorf("%s", strings.Join(p.errs, "\n"))
}

// each calls the option of every argument; unknown keys are errors.
func (p *argParser) each(args []datadriven.CmdArg, opts map[string]func(string)) {
	for _, a := range args {
		f, ok := opts[a.Key]
		switch {
		case !ok:
			p.fail("unknown argument %q", a.Key)
		case len(a.Vals) == 0:
			p.fail("%s needs a value", a.Key)
		default:
			f(a.Vals[0])
		}
	}
}

func (p *argParser) int(v string) int64 {
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		p.fail("%q is not an integer", v)
	}
	return n
}

func (p *argParser) bool(v string) bool {
	b, err := strconv.ParseBool(v)
	if err != nil {
		p.fail("%q is not true or false", v)
	}
	return b
}

func (p *argParser) duration(v string) sim.Time {
	d, err := time.ParseDuration(v)
	if err != nil {
		p.fail("%q is not a duration (1.5s, 300ms, 2m)", v)
	}
	return sim.Time(d)
}

func (p *argParser) size(v string) int64 {
	n, err := humanize.ParseBytes(v)
	if err != nil {
		p.fail("%q is not a size (100B, 32KiB, 1MiB)", v)
	}
	return int64(n)
}

func duration(t *testing.T, d *datadriven.TestData, v string) sim.Time {
	var p argParser
	x := p.duration(v)
	if err := p.err(); err != nil {
		d.Fatalf(t, "%v", err)
	}
	return x
}

// eventTimeOpts reads a source's event time: delay=D (every record D old)
// or delay=exp:D (exponential, mean D), bound=, idleness= and
// pause=PARTITION@AT+FOR (its producers hold back, then send).
func eventTimeOpts(p *argParser, node *Node, opts map[string]func(string)) {
	et := func() *EventTime {
		if node.Kafka.EventTime == nil {
			node.Kafka.EventTime = &EventTime{}
		}
		return node.Kafka.EventTime
	}
	opts["delay"] = func(v string) {
		if m, ok := strings.CutPrefix(v, "exp:"); ok {
			et().Delay = sim.Exponential{M: p.duration(m).Seconds()}
			return
		}
		et().Delay = sim.Constant{V: p.duration(v).Seconds()}
	}
	opts["bound"] = func(v string) { et().OutOfOrderness = p.duration(v) }
	opts["idleness"] = func(v string) { et().Idleness = p.duration(v) }
	opts["pause"] = func(v string) {
		part, rest, ok1 := strings.Cut(v, "@")
		at, dur, ok2 := strings.Cut(rest, "+")
		if !ok1 || !ok2 {
			p.fail("pause %q (PARTITION@AT+FOR)", v)
			return
		}
		et().Pauses = append(et().Pauses, PartitionPause{Partitions: []int{int(p.int(part))}, At: p.duration(at), For: p.duration(dur)})
	}
}

// windowOpts reads a window operator: tumbling=SIZE, sliding=SIZE/SLIDE or
// session=GAP,
// offset=, lateness=, late=drop|side-output, fire-cost= (a
// ProcessWindowFunction that buffers its records).
func windowOpts(p *argParser, node *Node, opts map[string]func(string)) {
	w := func() *Window {
		if node.Window == nil {
			node.Window = &Window{Buffering: true}
		}
		return node.Window
	}
	opts["tumbling"] = func(v string) { w().Kind, w().Size = Tumbling, p.duration(v) }
	opts["sliding"] = func(v string) {
		size, slide, _ := strings.Cut(v, "/")
		w().Kind, w().Size, w().Slide = Sliding, p.duration(size), p.duration(slide)
	}
	opts["session"] = func(v string) { w().Kind, w().Gap = Session, p.duration(v) }
	opts["offset"] = func(v string) { w().Offset = p.duration(v) }
	opts["lateness"] = func(v string) { w().AllowedLateness = p.duration(v) }
	opts["late"] = func(v string) {
		if v != "drop" && v != "side-output" {
			p.fail("late %q (drop, side-output)", v)
		}
		w().SideOutput = v == "side-output"
	}
	opts["fire-cost"] = func(v string) { w().FireCost = sim.Constant{V: p.duration(v).Seconds()} }
}

// parseRestart reads a restart line's strategy and settings.
func parseRestart(p *argParser, args []datadriven.CmdArg) RestartStrategy {
	if len(args) == 0 || len(args[0].Vals) > 0 {
		p.fail("the strategy comes first (fixed-delay, failure-rate, exponential-delay)")
		return RestartStrategy{Kind: "none"}
	}
	r := RestartStrategy{Kind: args[0].Key, Delay: 10 * sim.Second, Attempts: 1 << 30, MaxFailuresPerInterval: 1, FailureRateInterval: sim.Minute,
		InitialBackoff: sim.Second, MaxBackoff: 5 * sim.Minute, Multiplier: 1.5, ResetThreshold: sim.Hour, AttemptsBeforeReset: 1 << 30}
	opts := map[string]func(string){}
	switch r.Kind {
	case "fixed-delay":
		opts["delay"] = func(v string) { r.Delay = p.duration(v) }
		opts["attempts"] = func(v string) { r.Attempts = int(p.int(v)) }
	case "failure-rate":
		opts["delay"] = func(v string) { r.Delay = p.duration(v) }
		opts["max-failures"] = func(v string) { r.MaxFailuresPerInterval = int(p.int(v)) }
		opts["interval"] = func(v string) { r.FailureRateInterval = p.duration(v) }
	case "exponential-delay":
		opts["initial"] = func(v string) { r.InitialBackoff = p.duration(v) }
		opts["max"] = func(v string) { r.MaxBackoff = p.duration(v) }
		opts["multiplier"] = func(v string) {
			f, err := strconv.ParseFloat(v, 64)
			if err != nil || f < 1 {
				p.fail("multiplier %q: a number of at least 1", v)
			}
			r.Multiplier = f
		}
		opts["reset"] = func(v string) { r.ResetThreshold = p.duration(v) }
		opts["before-1.19"] = func(v string) { r.BeforeFLIP364 = p.bool(v) }
	default:
		p.fail("restart strategy %q (fixed-delay, failure-rate, exponential-delay)", r.Kind)
	}
	p.each(args[1:], opts)
	return r
}
