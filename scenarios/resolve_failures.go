package scenarios

import (
	"fmt"
	"strings"

	"github.com/flinksim/flinksim/models"
	"github.com/flinksim/flinksim/sim"
)

// Injected failures: validation and the models.Failure each becomes.

// detections are the ways a TaskManager loss is noticed ("" is the default).
var detections = map[string]models.Detection{
	"": models.DetectProcessExit, "process-exit": models.DetectProcessExit,
	"unreachable": models.DetectUnreachable, "hang": models.DetectHang,
}

// taskManagers is how many TaskManagers the job runs on.
func (r *resolver) taskManagers() int {
	p := 1
	for _, n := range r.nodes {
		p = max(p, n.parallelism)
	}
	slots := r.fs.int("taskmanager.numberOfTaskSlots")
	return (p + slots - 1) / slots
}

// failures checks the injected failures, one kind per entry.
func (r *resolver) failures(checkpointing bool) {
	for i, f := range r.sc.Failures {
		path := fmt.Sprintf("failures[%d]", i)
		switch {
		case f.TaskManagerLoss != nil:
			r.taskManagerLoss(f.TaskManagerLoss, path+".taskmanager-loss", checkpointing)
		case f.CheckpointFailure != nil:
			r.checkpointFailure(f.CheckpointFailure, path+".checkpoint-failure", checkpointing)
		case f.StorageSlowdown != nil:
			r.storageEpisode(f.StorageSlowdown, path+".storage-slowdown", checkpointing, true)
		case f.StorageOutage != nil:
			r.storageEpisode(f.StorageOutage, path+".storage-outage", checkpointing, false)
		case f.KafkaOutage != nil:
			r.systemOutage(f.KafkaOutage, path+".kafka-outage")
			if fa := f.KafkaOutage.FailsAfter; *fa == 0 {
				// The restarted enumerator lists at once, before any
				// redeploy: a listing failing at once would restart forever.
				r.d.at(path+".kafka-outage.fails-after", "must be more than 0s: a partition listing takes time")
			}
		case f.SinkOutage != nil:
			r.systemOutage(f.SinkOutage, path+".sink-outage")
		case f.PoisonRecord != nil:
			r.poisonRecord(f.PoisonRecord, path+".poison-record")
		case f.Overload != nil:
			r.overload(f.Overload, path+".overload")
		case f.CommitFailure != nil:
			r.commitFailure(f.CommitFailure, path+".commit-failure", checkpointing)
		}
		r.failureAfterEnd(f, path)
		if (f.KafkaOutage != nil || f.SinkOutage != nil || f.PoisonRecord != nil || f.Overload != nil) && r.redeployAtOnce() {
			// A failure that comes back at once would restart the job
			// forever at one instant; Flink's cancel and deploy take time.
			r.d.at("recovery.redeploy", "must be more than 0s with %s (cancelling and deploying tasks takes time)", path)
		}
	}
	for _, n := range r.nodes {
		if k := n.sink; k != nil && k.Guarantee == "exactly-once" && k.Kafka != nil && k.Kafka.TransactionTimeout != nil && k.Kafka.BrokerMaxTimeout != nil &&
			*k.Kafka.TransactionTimeout > *k.Kafka.BrokerMaxTimeout && r.redeployAtOnce() {
			r.d.at("recovery.redeploy", "must be more than 0s while %s's transaction-timeout is above the broker's maximum (it fails as it starts, after every restart)", n.path)
		}
	}
}

func (r *resolver) taskManagerLoss(l *TaskManagerLoss, p string, checkpointing bool) {
	d, tms := r.d, r.taskManagers()
	if n := btoi(l.At != nil) + btoi(l.MTBF != nil) + btoi(l.Checkpoint != nil); n != 1 {
		d.at(p, "needs exactly one of at (one loss; with when, as the first checkpoint from then completes), mtbf (random losses) or checkpoint (as checkpoint N completes)")
	}
	if l.Checkpoint != nil {
		if !checkpointing {
			d.at(p+".checkpoint", "needs checkpointing: set flink.execution.checkpointing.interval")
		} else if *l.Checkpoint < 1 {
			d.at(p+".checkpoint", "checkpoints are numbered from 1")
		}
	}
	switch {
	case l.When != "" && l.Checkpoint == nil && l.At == nil:
		d.at(p+".when", "goes with checkpoint (N) or at (the first checkpoint from then): just before or after it completes")
	case l.When != "" && l.When != "after-completion" && l.When != "before-completion":
		d.at(p+".when", "%q is not after-completion or before-completion", l.When)
	case l.When != "" && !checkpointing:
		d.at(p+".when", "needs checkpointing: set flink.execution.checkpointing.interval")
	}
	if l.MTBF != nil && *l.MTBF <= 0 {
		d.at(p+".mtbf", "must be more than 0s")
	}
	// how many TaskManagers is not known when a key it derives from is refused
	if known := r.fs.usable("taskmanager.numberOfTaskSlots", "parallelism.default"); l.TaskManager != nil && (*l.TaskManager < 0 || *l.TaskManager >= tms && known) {
		d.at(p+".taskmanager", "%d is not a TaskManager of this job (0 to %d)", *l.TaskManager, tms-1)
	}
	if _, ok := detections[l.Detection]; !ok {
		d.at(p+".detection", "%q is not a way a loss is noticed (process-exit, unreachable, hang)", l.Detection)
	}
}

func (r *resolver) checkpointFailure(c *CheckpointFailure, p string, checkpointing bool) {
	d := r.d
	if !checkpointing {
		d.at(p, "needs checkpointing: set flink.execution.checkpointing.interval")
	}
	if (c.At == nil) == (c.Checkpoint == nil) {
		d.at(p, "needs exactly one of at (the checkpoint pending then) or checkpoint (its number)")
	}
	if c.Checkpoint != nil && *c.Checkpoint < 1 {
		d.at(p+".checkpoint", "checkpoints are numbered from 1")
	}
}

func (r *resolver) storageEpisode(e *StorageEpisode, p string, checkpointing, slowdown bool) {
	d := r.d
	if !checkpointing {
		d.at(p, "needs checkpointing: set flink.execution.checkpointing.interval")
	} else if r.ckpt.maxState > 0 {
		r.noRemoteStore(p)
	}
	if e.For <= 0 {
		d.at(p+".for", "must be more than 0s")
	}
	if slowdown && (e.Factor == nil || *e.Factor <= 1) {
		d.at(p+".factor", "needs a factor above 1 (how many times slower)")
	}
	if !slowdown && e.Factor != nil {
		d.at(p+".factor", "an outage moves nothing; factor is for storage-slowdown")
	}
}

// noRemoteStore refuses a storage episode at p when checkpoints go to the
// JobManager's memory (JobManagerCheckpointStorage, or 1.x's
// MemoryStateBackend): each state handle goes to the JobManager with the
// task's acknowledgement (MemCheckpointStreamFactory), and without a
// directory the metadata stays there too, so no remote store is there to
// slow down or stop. flinksim's episodes scale the store's connections and
// throughput; with the JobManager's memory a snapshot claims neither
// (models/storage.go, memstorage.go), and only a restore's download would
// be slowed, from a store the job does not use.
func (r *resolver) noRemoteStore(p string) {
	fix := ""
	switch {
	case r.ckpt.class == "MemoryStateBackend":
		fix = fmt.Sprintf(", and %s hashmap or rocksdb", r.release.nameIn(optionByKey["state.backend.type"]))
	case r.fs.given["execution.checkpointing.storage"]:
		fix = fmt.Sprintf(", and %s filesystem or left out", r.release.nameIn(optionByKey["execution.checkpointing.storage"]))
	}
	r.d.at(p, "checkpoints go to the JobManager's memory (%s), so there is no remote checkpoint store to slow down or stop; allowed with a file system checkpoint store (checkpoint-storage: block or a checkpoint directory%s)",
		r.ckpt.class, fix)
}

// systemOutage checks a kafka-outage or sink-outage and fills in
// fails-after.
func (r *resolver) systemOutage(o *SystemOutage, p string) {
	if o.At == nil {
		r.d.at(p, "needs at: when it starts")
	}
	switch {
	case o.For == nil:
		r.d.at(p, "needs for: how long it lasts")
	case *o.For <= 0:
		r.d.at(p+".for", "must be more than 0s")
	}
	if o.FailsAfter == nil {
		o.FailsAfter = ptr(Duration(defaultClientTimeout))
	}
}

// overload checks that the operator exists and the rate is records.
func (r *resolver) overload(o *Overload, p string) {
	if o.Operator == "" {
		r.d.at(p, "needs operator: the one that fails")
	} else if r.byName[o.Operator] == nil {
		var names []string
		for _, m := range r.nodes {
			names = append(names, m.name)
		}
		r.d.at(p+".operator", "%q is not an operator of this job (%s)", o.Operator, strings.Join(names, ", "))
	}
	switch {
	case o.Above == nil:
		r.d.at(p+".above", "is required: the records per second into one subtask above which it fails")
	case o.Above.Bytes || o.Above.PerSecond <= 0:
		r.d.at(p+".above", "must be records per second above 0, e.g. 50k/s")
	}
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// commitFailure checks that the sink exists and commits transactions.
func (r *resolver) commitFailure(c *CommitFailure, p string, checkpointing bool) {
	d := r.d
	n := r.byName[c.Sink]
	switch {
	case c.Sink == "":
		d.at(p, "needs sink: the exactly-once sink whose commit fails")
	case n == nil || n.sink == nil:
		var names []string
		for _, m := range r.nodes {
			if m.sink != nil {
				names = append(names, m.name)
			}
		}
		d.at(p+".sink", "%q is not a sink of this job (%s)", c.Sink, strings.Join(names, ", "))
	case n.sink.Guarantee != "exactly-once" && !d.badUnder(n.path+".delivery-guarantee"): // a refused one is told there
		d.at(p+".sink", "%s is %s: only an exactly-once sink commits", c.Sink, n.sink.Guarantee)
	}
	switch {
	case c.Checkpoint == nil:
		d.at(p+".checkpoint", "is required: the checkpoint (numbered from 1) whose commit fails")
	case *c.Checkpoint < 1:
		d.at(p+".checkpoint", "checkpoints are numbered from 1")
	}
	if c.Reason == "" {
		c.Reason = "unknown"
	}
	if c.Reason != "known" && c.Reason != "unknown" {
		d.at(p+".reason", "%q is not known or unknown", c.Reason)
	}
	if !checkpointing { // last: a problem of the whole entry hides those of its fields
		d.at(p, "needs checkpointing: set flink.execution.checkpointing.interval")
	}
}

// defaultClientTimeout is how long a Kafka client waits for a cluster that
// does not answer before it throws: default.api.timeout.ms (KafkaConsumer's
// metadata and offset calls) and max.block.ms (KafkaProducer.send waiting
// for metadata) are both 60000 ms by default (Kafka's ConsumerConfig and
// ProducerConfig).
const defaultClientTimeout = 60 * sim.Second

// poisonRecord checks that a poison record's source, partition and offset
// exist.
func (r *resolver) poisonRecord(pr *PoisonRecord, p string) {
	if pr.Partition == nil || pr.Offset == nil || pr.Source == "" {
		r.d.at(p, "needs source, partition and offset: where the record is")
		return
	}
	n := r.byName[pr.Source]
	if n == nil || n.src == nil {
		var names []string
		for _, m := range r.nodes {
			if m.src != nil {
				names = append(names, m.name)
			}
		}
		r.d.at(p+".source", "%q is not a source of this job (%s)", pr.Source, strings.Join(names, ", "))
		return
	}
	if parts := *n.src.Partitions; !r.d.badUnder(n.path+".partitions") && (*pr.Partition < 0 || *pr.Partition >= parts) {
		r.d.at(p+".partition", "%d is not a partition of %s's topic (0 to %d)", *pr.Partition, pr.Source, parts-1)
	}
	if c := n.src.Cost; !r.d.badUnder(p) && (c == nil || (c.Constant != nil && *c.Constant == 0)) {
		// The reader meets the record again in each replay: what the job
		// processes before it fails depends on how fast it reads.
		r.d.warn(r.d.nodes[p], p, "%s reads at no cost (its cost is 0s): after each restart it reads the replay up to this record as fast as the network buffers below it take it, "+
			"at once where they hold it all, and the sinks write twice only what the job processed while it waited for buffers; "+
			"set %s.cost to the deserializer's CPU time per record (the source task's busy time per record it reads)", pr.Source, n.path)
	}
}

// failureAfterEnd warns of a failure whose at is after the run's end: it
// never happens in the run. A TaskManager loss or a checkpoint failure at
// the end itself happens (the run takes every event up to and including
// its end); an outage or a slowdown from the end on covers none of the
// run, and the summary says it never came: it is warned of too.
func (r *resolver) failureAfterEnd(f FailureSpec, path string) {
	var at *Duration
	episode := f.StorageSlowdown != nil || f.StorageOutage != nil || f.KafkaOutage != nil || f.SinkOutage != nil
	switch {
	case f.TaskManagerLoss != nil:
		at, path = f.TaskManagerLoss.At, path+".taskmanager-loss.at"
	case f.CheckpointFailure != nil:
		at, path = f.CheckpointFailure.At, path+".checkpoint-failure.at"
	case f.StorageSlowdown != nil:
		at, path = &f.StorageSlowdown.At, path+".storage-slowdown.at"
	case f.StorageOutage != nil:
		at, path = &f.StorageOutage.At, path+".storage-outage.at"
	case f.KafkaOutage != nil:
		at, path = f.KafkaOutage.At, path+".kafka-outage.at"
	case f.SinkOutage != nil:
		at, path = f.SinkOutage.At, path+".sink-outage.at"
	}
	if at == nil || !r.durationOK || r.sc.Duration == nil || r.d.badUnder(path) {
		return
	}
	dur := sim.Time(*r.sc.Duration)
	switch {
	case episode && sim.Time(*at) >= dur:
		r.d.warn(r.d.nodes[path], path, "%s is at or after the end of the run (duration %s): the failure never happens in it; run longer, or set at before %s",
			FormatDuration(sim.Time(*at)), FormatDuration(dur), FormatDuration(dur))
	case sim.Time(*at) > dur:
		r.d.warn(r.d.nodes[path], path, "%s is after the end of the run (duration %s): the failure never happens in it; run longer, or set at to %s or before",
			FormatDuration(sim.Time(*at)), FormatDuration(dur), FormatDuration(dur))
	}
}

// failureSpecs are the injected failures in the order written.
func (r *resolver) failureSpecs() []models.Failure {
	var out []models.Failure
	for _, f := range r.sc.Failures {
		switch {
		case f.TaskManagerLoss != nil:
			l := f.TaskManagerLoss
			mf := models.Failure{Kind: models.FailTaskManager, TaskManager: -1}
			if l.At != nil {
				mf.At = sim.Time(*l.At)
			}
			if l.MTBF != nil {
				mf.MTBF = sim.Time(*l.MTBF)
			}
			if l.TaskManager != nil {
				mf.TaskManager = *l.TaskManager
			}
			if l.Checkpoint != nil || l.When != "" {
				mf.OnCheckpoint, mf.BeforeCompletion = true, l.When == "before-completion"
			}
			if l.Checkpoint != nil {
				mf.AtCheckpoint = int64(*l.Checkpoint)
			}
			mf.Detection = detections[l.Detection]
			out = append(out, mf)
		case f.CheckpointFailure != nil:
			mf := models.Failure{Kind: models.FailCheckpoint}
			if f.CheckpointFailure.At != nil {
				mf.At = sim.Time(*f.CheckpointFailure.At)
			}
			if f.CheckpointFailure.Checkpoint != nil {
				mf.Checkpoint = int64(*f.CheckpointFailure.Checkpoint)
			}
			out = append(out, mf)
		case f.StorageSlowdown != nil:
			e := f.StorageSlowdown
			out = append(out, models.Failure{Kind: models.FailStorageSlowdown, At: sim.Time(e.At), For: sim.Time(e.For), Factor: *e.Factor})
		case f.StorageOutage != nil:
			e := f.StorageOutage
			out = append(out, models.Failure{Kind: models.FailStorageOutage, At: sim.Time(e.At), For: sim.Time(e.For)})
		case f.KafkaOutage != nil:
			o := f.KafkaOutage
			out = append(out, models.Failure{Kind: models.FailKafkaOutage, At: sim.Time(*o.At), For: sim.Time(*o.For), FailsAfter: sim.Time(*o.FailsAfter)})
		case f.SinkOutage != nil:
			o := f.SinkOutage
			out = append(out, models.Failure{Kind: models.FailSinkOutage, At: sim.Time(*o.At), For: sim.Time(*o.For), FailsAfter: sim.Time(*o.FailsAfter)})
		case f.PoisonRecord != nil:
			pr := f.PoisonRecord
			out = append(out, models.Failure{Kind: models.FailPoisonRecord, Source: pr.Source, Partition: *pr.Partition, Offset: *pr.Offset})
		case f.Overload != nil:
			out = append(out, models.Failure{Kind: models.FailOverload, Operator: f.Overload.Operator, Above: f.Overload.Above.PerSecond})
		case f.CommitFailure != nil:
			c := f.CommitFailure
			out = append(out, models.Failure{Kind: models.FailCommit, Operator: c.Sink, Checkpoint: int64(*c.Checkpoint), KnownReason: c.Reason == "known"})
		}
	}
	return out
}

// checkpointingSpec is the checkpoint coordinator's, state backend's and
// storage's settings; nil without execution.checkpointing.interval.
func (r *resolver) checkpointingSpec() *models.Checkpointing {
	sc, fs := r.sc, r.fs
	if !fs.has("execution.checkpointing.interval") {
		return nil
	}
	cs, sb := sc.CheckpointStorage, sc.StateBackend
	c := &models.Checkpointing{
		Interval:          fs.duration("execution.checkpointing.interval"),
		Timeout:           fs.duration("execution.checkpointing.timeout"),
		MinPause:          fs.duration("execution.checkpointing.min-pause"),
		MaxConcurrent:     fs.int("execution.checkpointing.max-concurrent-checkpoints"),
		Tolerable:         fs.int("execution.checkpointing.tolerable-failed-checkpoints"),
		NumRetained:       fs.int("execution.checkpointing.num-retained"),
		HistorySize:       fs.int("web.checkpoints.history"),
		NoSavepointFormat: r.release.before("1.17"),
		Retention:         fs.str("execution.checkpointing.externalized-checkpoint-retention"),
		AtLeastOnce:       fs.str("execution.checkpointing.mode") == "AT_LEAST_ONCE",
		Unaligned:         fs.bool("execution.checkpointing.unaligned.enabled"),
		AlignedTimeout:    fs.duration("execution.checkpointing.aligned-checkpoint-timeout"),
		AfterTasksFinish:  fs.bool("execution.checkpointing.checkpoints-after-tasks-finish"),
		Incremental:       fs.bool("execution.checkpointing.incremental"),
		RocksDB:           fs.str("state.backend.type") == "rocksdb",
		SyncPhase:         sim.Time(*sb.SyncPhase),
		LocalRecovery:     fs.bool("execution.state-recovery.from-local"),
		LocalBackup:       fs.bool("execution.state-recovery.from-local"),
		LSM:               r.lsmSpec(),
		Claimed:           fs.str("execution.state-recovery.claim-mode") != "NO_CLAIM",
		Changelog:         r.changelogSpec(),
		// reported as configured, on or off (checkpoint-config.json)
		ChangelogStorage:    fs.str("state.changelog.storage"),
		MaterializeInterval: fs.duration("state.changelog.periodic-materialize.interval"),
		Storage: models.Storage{
			Kind: cs.Type, RequestLatency: sim.Time(*cs.RequestLatency), FileSize: int64(*cs.FileSize),
			TransferThreads: fs.int("state.backend.rocksdb.checkpoint.transfer.thread.num"),
		},
		StorageClass: r.ckpt.class, MaxStateSize: r.ckpt.maxState, MetadataInMemory: r.ckpt.metadataInMemory,
		Directory: r.ckpt.dir, InlineThreshold: r.ckpt.inline,
	}
	if fs.has("execution.checkpointing.local-backup.enabled") {
		c.LocalBackup = fs.bool("execution.checkpointing.local-backup.enabled")
	}
	if cs.StreamBandwidth != nil {
		c.Storage.StreamUpload, c.Storage.StreamDownload = cs.StreamBandwidth.PerSecond, cs.StreamBandwidth.PerSecond
	}
	if cs.Throughput != nil {
		c.Storage.Throughput = cs.Throughput.PerSecond
	}
	return c
}

// lsmSpec is RocksDB's settings and the CPU rates of state.
func (r *resolver) lsmSpec() models.LSM {
	l := models.DefaultLSM()
	sb := r.sc.StateBackend
	l.WriteBufferSize = r.fs.bytes("state.backend.rocksdb.writebuffer.size")
	l.BackgroundThreads = r.fs.int("state.backend.rocksdb.thread.num")
	l.WriteAmplification = *sb.WriteAmplification
	l.CompactionRate, l.SnapshotRate, l.RestoreRate = sb.CompactionRate.PerSecond, sb.SnapshotRate.PerSecond, sb.RestoreRate.PerSecond
	return l
}

// changelogSpec is the changelog state backend's settings, nil when off.
func (r *resolver) changelogSpec() *models.Changelog {
	fs := r.fs
	if !fs.bool("state.changelog.enabled") {
		return nil
	}
	return &models.Changelog{
		MaterializeInterval: fs.duration("state.changelog.periodic-materialize.interval"),
		UploadThreads:       fs.int("state.changelog.dstl.dfs.upload.num-threads"),
		MaxInFlight:         float64(fs.bytes("state.changelog.dstl.dfs.upload.max-in-flight")),
		PreEmptiveThreshold: float64(fs.bytes("state.changelog.dstl.dfs.preemptive-persist-threshold")),
	}
}

// redeployAtOnce: recovery.redeploy is 0s as written (a negative one is
// told that durations are at least 0).
func (r *resolver) redeployAtOnce() bool {
	return *r.sc.Recovery.Redeploy == 0 && !r.d.negative("recovery.redeploy")
}
