// Package models simulates a Flink job on the sim engine: New builds the
// runtime from a Spec (the scenarios package makes one from YAML), Run
// simulates it and returns a result.Result. What is said about the run (the
// verdict, the sustainable rate) is package diagnose's; charts are package
// plots'. One Simulation is one run, one goroutine: run many in parallel.
//
// The package is one mechanism per file, each with its own state beside
// its code. The data plane, in the order a chunk of records passes:
//
//	kafka.go        Kafka partitions: lazy arrivals, lag, retention, rewind
//	step.go         a subtask's step: take input, run the chain, finish
//	exchange.go     forward, rebalance and keyBy routing between tasks
//	evensplit.go    the keyBy split when all weights are 1/D (D a power of two), lazily in integers
//	network.go      buffers, credits, output flusher, delivery, release
//	openbuf.go      a channel's open buffer: finished, sliced for the flusher, records far apart in event time in segments
//	room.go         a partition's room kept as channels change (O(log P) per step), and a step's fit to its free buffers (closed form for equal weights)
//	park.go         a writer out of buffers in the middle of a record waits, its task blocked
//	spanning.go     a record larger than a buffer: sent buffer by buffer against credit, its first buffers copied and recycled by the receiver's deserializer, persisted by an unaligned snapshot
//	resolution.go   a source's step follows its rate (records per chunk-delay)
//	deferread.go    when an idle source looks again; a sparse source reads at its output flusher's tick
//	debloat.go      buffer debloating: buffer sizes from each gate's throughput
//	sink.go         sink write time, the sinks' writers deployed
//	sinkwriter.go   a sink's writer: buffer, flushes, barrier, failover and restore
//	twophase.go     two-phase commit: transactions, commits and their committer counts, Kafka's timeouts
//	attempt.go      counters per execution attempt: from the counts at its deployment, none while cancelled
//	pendingrecords.go pendingRecords as a Kafka reader reports it: each partition's lag at its last fetch, summed
//	lagmax.go       records-lag-max as Kafka's consumer keeps it: the most recorded over 30 to 60 s, none when not fetching
//	sinknode.go     a sink's account: visibility, the last stable offset, upserts
//	fates.go        every record's fate at a sink, by position: seen once, more, never
//	minibatch.go    mini-batch pre-aggregation and salting's partial stage
//	keys.go         key populations over key groups (KeySpace, KeyLayout)
//	salting.go      salted (key, salt) populations
//	keyed.go        key-group ranges per subtask, hot-key partitioner
//	eventtime.go    records' timestamps, split watermarks, idleness, paused producers
//	watermarks.go   watermarks in the buffers, a task's minimum over its channels
//	watermarkdue.go a watermark not held back by chunk-delay (flush, gather)
//	alignment.go    watermark alignment: a group's readers pause splits that run ahead
//	windows.go      event-time windows: assignment, lateness, firing, purging
//	windowgrid.go   the window grid: cells, window starts and ends, when a slot's records are late
//	windowresults.go a window's results downstream: late records' firings apart from the watermark's
//	sessions.go     session windows: each record placed by where its session ends
//	sessions_grid.go  session windows: when a record's session ends, per key rate
//
// The control plane, in the order a checkpoint passes:
//
//	coordinator.go  trigger rules, expiry, tolerable failures, completion
//	barriers.go     barriers in the channels: alignment, unaligned overtaking
//	barriers_timeoutable.go  a sender's timeoutable barriers: its ack waits for them to leave or time out
//	snapshot.go     sync phase, async upload, acknowledgement
//	sourcestate.go  a Kafka source reader's operator state: its splits, serialized, and the inline threshold under which they stay in the metadata
//	storage.go      uploads, downloads and compaction as flows
//	memstorage.go   checkpoints to the JobManager's memory: the state handle limit, the decline
//	resources.go    a TaskManager's cores, network and disk; task threads' claims
//	retime.go       a step in flight runs at its thread's current share of the cores
//	share.go        max-min fair sharing of resources among claims
//	lsm.go          RocksDB's LSM tree: memtable, flushes, compaction, stalls
//	lsm_files.go    what an incremental checkpoint uploads: live SST files by level; what a restore reopens
//	changelog.go    the changelog state backend: its log, materialization, replay
//	regions.go      pipelined regions and the failover strategy (region, full)
//	failover.go     cancel, restart delay, redeploy, restore downloads
//	jobstatus.go    the job's status (RUNNING, RESTARTING, FAILED) over time, and the gauges read from it: uptime, JobStatusMetrics'
//	deploystate.go  the job's deploying time after a failover (DeploymentStateTimeMetrics: deployingTime, ...)
//	cutstep.go      a step cut by a failover: what went through before it
//	restore.go      a region's restore ending: rewind, channel state, running
//	failures.go     the record of failovers: counted in full, listed up to a bound
//	restart.go      restart strategies (fixed, failure-rate, exponential)
//	restart_legacy.go exponential-delay before FLIP-364 (Flink 1.18 and older)
//	faults.go       injected failures, TaskManager losses and their detection
//	outages.go      failures that come back: external outages, poison records, overload
//	memory.go       TaskManager memory: the task heap, out-of-memory failures of heap state
//	netbuffers.go   the network buffers a TaskManager's tasks require at deployment, and each input gate's exclusive and floating buffers (GateBuffersSpec)
//
// Around them:
//
//	spec.go         Spec: the resolved run, every default applied
//	spec_time.go    the Spec's event time (EventTime) and windows (Window)
//	spec_sink.go    the Spec's delivery guarantees (Delivery, Guarantee, Upsert)
//	rate.go         input rate profiles
//	chunk.go        Chunk, the unit of records moved, and its ring queue
//	runtime.go      runtime types: nodes, edges, tasks, subtasks
//	deploy.go       building the runtime from a Spec, as named steps
//	names.go        operator and task names as Flink gives them: sources, SinkFunctions, Sink V2 writers and committers; a sink's series names (seriesName)
//	simulation.go   Simulation, New, Run (and RunPrefix, a run's start for the work probe) and the event dispatch
//	recorder.go     metrics sampled with Flink's names
//	recorder_time.go watermark and window metrics, summary.json's windows
//	recorder_bound.go bounded samples (pairs merge past 4096) and checkpoint details
//	recorder_vals.go one sample's per-subtask values, a flat slice by metric id
//	recorder_debloat.go buffer debloating's gauges per task and input gate, when it is on
//	summary.go      assembling the result.Result at the end
//	skew.go         load per keyed subtask, top keys, parallelism limit
//	capacity.go     work per input record and checkpoint costs (result.Capacity)
//	windowload.go   a window's firing work and results per record, at an input rate
//	netload.go      network bytes per input record, per TaskManager
//	invariants.go   conservation of records and buffers, checked after every run
//	text.go         settings' durations in failure reasons and summaries, exact as written; a Kafka setting in ms
//	trace.go        the trace hook: a line per step of a checkpoint (testdata/trace)
//	estimate.go     memory footprint of a Spec before building it (channels, subtasks, samples, Kafka logs); how full the network is, for the work probe
//
// Flink's arithmetic (hash codes, key groups, split assignment) is in
// models/partitioning.
package models
