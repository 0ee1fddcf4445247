package scenarios

import (
	"fmt"
	"strings"

	"github.com/flinksim/flinksim/models"
	"github.com/flinksim/flinksim/sim"
)

// storagePreset is what a checkpoint storage type means before any field is
// set: one connection's bandwidth, the aggregate throughput and the request
// latency, from the provider's published guidance. Override them with what
// you measure.
type storagePreset struct {
	stream, throughput float64 // bytes/s; 0: unlimited
	latency            sim.Time
}

var storagePresets = map[string]storagePreset{
	// Amazon S3 "Performance guidelines": one concurrent request per 85-90
	// MB/s of desired throughput; "Performance design patterns": first-byte
	// latencies of roughly 100-200 ms. No aggregate limit per bucket (it
	// scales per prefix).
	"s3": {stream: 85e6, latency: 100 * sim.Millisecond},
	// Google Cloud Storage publishes no per-connection figure: S3's.
	"gcs": {stream: 85e6, latency: 100 * sim.Millisecond},
	// Azure "Scalability and performance targets for Blob storage": up to
	// 60 MiB/s for a single blob.
	"azure-blob": {stream: 60 << 20, latency: 100 * sim.Millisecond},
	// In-cluster file systems: a connection is bounded by the TaskManager's
	// network; a request is a round trip and a metadata call.
	"hdfs": {latency: 5 * sim.Millisecond},
	"nfs":  {latency: 2 * sim.Millisecond},
}

// checkpointing resolves the checkpoint, restart and recovery settings.
func (r *resolver) checkpointing() {
	d, sc, fs := r.d, r.sc, r.fs
	on := fs.has("execution.checkpointing.interval")
	if !fs.has("restart-strategy.type") {
		// Flink 1.19+: exponential-delay when checkpointing is on, else none.
		if on {
			fs.values["restart-strategy.type"] = "exponential-delay"
		} else {
			fs.values["restart-strategy.type"] = "none"
		}
	}
	if !on {
		// Checked all the same, so that every problem is reported at once;
		// an interval that was given but is wrong is reported on its own.
		if sc.CheckpointStorage != nil {
			r.storage()
		}
		if sc.StateBackend != nil {
			r.stateBackend()
		}
		for _, f := range []struct {
			set  bool
			path string
		}{{sc.CheckpointStorage != nil, "checkpoint-storage"}, {sc.StateBackend != nil, "state-backend"}} {
			if f.set && !fs.given["execution.checkpointing.interval"] {
				d.at(f.path, "needs checkpointing: set flink.execution.checkpointing.interval")
			}
		}
	} else {
		if fs.bool("execution.checkpointing.unaligned.enabled") {
			if fs.str("execution.checkpointing.mode") != "EXACTLY_ONCE" {
				d.at("flink.execution.checkpointing.unaligned.enabled", "unaligned checkpoints need execution.checkpointing.mode EXACTLY_ONCE")
			}
			if fs.int("execution.checkpointing.max-concurrent-checkpoints") != 1 {
				d.at("flink.execution.checkpointing.unaligned.enabled", "unaligned checkpoints need execution.checkpointing.max-concurrent-checkpoints 1")
			}
		}
		if fs.bool("state.changelog.enabled") && fs.str("state.backend.type") != "rocksdb" {
			d.at("flink.state.changelog.enabled", "flinksim simulates the changelog backend over rocksdb only (state.backend.type: rocksdb)")
		}
		if fs.bool("state.changelog.enabled") && fs.duration("state.changelog.periodic-materialize.interval") <= 0 {
			d.at("flink.state.changelog.periodic-materialize.interval", "must be more than 0s (flinksim does not simulate a changelog that is never materialized)")
		}
		if fs.bool("execution.checkpointing.incremental") && fs.str("state.backend.type") != "rocksdb" {
			d.at("flink.execution.checkpointing.incremental", "incremental checkpoints need state.backend.type: rocksdb")
		}
		r.storage()
		r.stateBackend()
	}
	if sc.Recovery == nil {
		sc.Recovery = &RecoverySpec{}
	}
	if sc.Recovery.Redeploy == nil {
		sc.Recovery.Redeploy = ptr(Duration(10 * sim.Second))
	}
	if sc.Recovery.TaskManagerStart == nil {
		sc.Recovery.TaskManagerStart = ptr(Duration(30 * sim.Second))
	}
	r.failures(on)
}

func (r *resolver) storage() {
	d, sc := r.d, r.sc
	if sc.CheckpointStorage == nil {
		sc.CheckpointStorage = &CheckpointStorage{}
	}
	cs := sc.CheckpointStorage
	if cs.Type == "" {
		cs.Type = "s3"
	}
	preset, ok := storagePresets[cs.Type]
	if !ok {
		d.at("checkpoint-storage.type", "%q is not a storage type flinksim knows (s3, gcs, azure-blob, hdfs, nfs)", cs.Type)
		preset = storagePresets["s3"]
	}
	r.byteRate(&cs.StreamBandwidth, preset.stream, "checkpoint-storage.stream-bandwidth", "", "85MB/s")
	r.byteRate(&cs.Throughput, preset.throughput, "checkpoint-storage.throughput", "", "10GB/s")
	if cs.RequestLatency == nil {
		cs.RequestLatency = ptr(Duration(preset.latency))
	}
	if cs.FileSize == nil {
		// state.backend.rocksdb.compaction.level.target-file-size-base
		cs.FileSize = ptr(Size(64 << 20))
	} else if *cs.FileSize < 1 {
		d.at("checkpoint-storage.file-size", "must be at least 1B")
	}
}

func (r *resolver) stateBackend() {
	sc := r.sc
	if sc.StateBackend == nil {
		sc.StateBackend = &StateBackend{}
	}
	sb := sc.StateBackend
	if sb.SyncPhase == nil {
		sync := 10 * sim.Millisecond
		if r.fs.str("state.backend.type") == "rocksdb" {
			sync = 100 * sim.Millisecond
		}
		sb.SyncPhase = ptr(Duration(sync))
	}
	def := models.DefaultLSM()
	if sb.WriteAmplification == nil {
		sb.WriteAmplification = ptr(def.WriteAmplification)
	} else if w := *sb.WriteAmplification; !(w >= 1 && w <= 1000) {
		r.d.at("state-backend.write-amplification", "must be from 1 (flushes only) to 1000, not %g", w)
	}
	r.byteRate(&sb.CompactionRate, def.CompactionRate, "state-backend.compaction-rate", " per core", "100MB/s")
	r.byteRate(&sb.SnapshotRate, def.SnapshotRate, "state-backend.snapshot-rate", " per core", "200MB/s")
	r.byteRate(&sb.RestoreRate, def.RestoreRate, "state-backend.restore-rate", " per core", "100MB/s")
}

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

func (r *resolver) failures(checkpointing bool) {
	d := r.d
	tms := r.taskManagers()
	for i, f := range r.sc.Failures {
		path := fmt.Sprintf("failures[%d]", i)
		switch {
		case f.TaskManagerLoss != nil:
			l := f.TaskManagerLoss
			p := path + ".taskmanager-loss"
			if (l.At == nil) == (l.MTBF == nil) {
				d.at(p, "needs exactly one of at (one loss) or mtbf (random losses)")
			}
			if l.MTBF != nil && *l.MTBF <= 0 {
				d.at(p+".mtbf", "must be more than 0s")
			}
			if l.TaskManager != nil && (*l.TaskManager < 0 || *l.TaskManager >= tms) {
				d.at(p+".taskmanager", "%d is not a TaskManager of this job (0 to %d)", *l.TaskManager, tms-1)
			}
			if _, ok := detections[l.Detection]; !ok {
				d.at(p+".detection", "%q is not a way a loss is noticed (process-exit, unreachable, hang)", l.Detection)
			}
		case f.CheckpointFailure != nil:
			c := f.CheckpointFailure
			p := path + ".checkpoint-failure"
			if !checkpointing {
				d.at(p, "needs checkpointing: set flink.execution.checkpointing.interval")
			}
			if (c.At == nil) == (c.Checkpoint == nil) {
				d.at(p, "needs exactly one of at (the checkpoint pending then) or checkpoint (its number)")
			}
			if c.Checkpoint != nil && *c.Checkpoint < 1 {
				d.at(p+".checkpoint", "checkpoints are numbered from 1")
			}
		case f.StorageSlowdown != nil, f.StorageOutage != nil:
			e, p := f.StorageSlowdown, path+".storage-slowdown"
			if e == nil {
				e, p = f.StorageOutage, path+".storage-outage"
			}
			if !checkpointing {
				d.at(p, "needs checkpointing: set flink.execution.checkpointing.interval")
			}
			if e.For <= 0 {
				d.at(p+".for", "must be more than 0s")
			}
			if f.StorageSlowdown != nil && (e.Factor == nil || *e.Factor <= 1) {
				d.at(p+".factor", "needs a factor above 1 (how many times slower)")
			}
			if f.StorageOutage != nil && e.Factor != nil {
				d.at(p+".factor", "an outage moves nothing; factor is for storage-slowdown")
			}
		case f.KafkaOutage != nil, f.SinkOutage != nil:
			o, p := f.KafkaOutage, path+".kafka-outage"
			if o == nil {
				o, p = f.SinkOutage, path+".sink-outage"
			}
			if o.For <= 0 {
				d.at(p+".for", "must be more than 0s")
			}
			if o.FailsAfter == nil {
				o.FailsAfter = ptr(Duration(defaultClientTimeout))
			} else if *o.FailsAfter < 0 {
				d.at(p+".fails-after", "must be 0s or more")
			}
		case f.PoisonRecord != nil:
			r.poisonRecord(f.PoisonRecord, path+".poison-record")
		}
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
	if parts := *n.src.Partitions; pr.Partition < 0 || pr.Partition >= parts {
		r.d.at(p+".partition", "%d is not a partition of %s's topic (0 to %d)", pr.Partition, pr.Source, parts-1)
	}
	if pr.Offset < 0 {
		r.d.at(p+".offset", "must be 0 or more, not %d", pr.Offset)
	}
}

// restartSpec is the restart strategy from Flink's restart-strategy.* keys.
func (r *resolver) restartSpec() models.RestartStrategy {
	fs := r.fs
	rs := models.RestartStrategy{
		Kind:                   fs.str("restart-strategy.type"),
		InitialBackoff:         fs.duration("restart-strategy.exponential-delay.initial-backoff"),
		MaxBackoff:             fs.duration("restart-strategy.exponential-delay.max-backoff"),
		ResetThreshold:         fs.duration("restart-strategy.exponential-delay.reset-backoff-threshold"),
		Multiplier:             fs.float("restart-strategy.exponential-delay.backoff-multiplier"),
		Jitter:                 fs.float("restart-strategy.exponential-delay.jitter-factor"),
		AttemptsBeforeReset:    fs.int("restart-strategy.exponential-delay.attempts-before-reset-backoff"),
		Delay:                  fs.duration("restart-strategy.fixed-delay.delay"),
		Attempts:               fs.int("restart-strategy.fixed-delay.attempts"),
		MaxFailuresPerInterval: fs.int("restart-strategy.failure-rate.max-failures-per-interval"),
		FailureRateInterval:    fs.duration("restart-strategy.failure-rate.failure-rate-interval"),
	}
	if rs.Kind == "failure-rate" {
		rs.Delay = fs.duration("restart-strategy.failure-rate.delay")
	}
	return rs
}

// recoverySpec is how long detecting a lost TaskManager and redeploying take.
func (r *resolver) recoverySpec() models.Recovery {
	strategy := models.FailoverRegion
	if r.fs.str("jobmanager.execution.failover-strategy") == "full" {
		strategy = models.FailoverFull
	}
	return models.Recovery{
		FailoverStrategy:    strategy,
		HeartbeatTimeout:    r.fs.duration("heartbeat.timeout"),
		HeartbeatInterval:   r.fs.duration("heartbeat.interval"),
		RPCFailureThreshold: r.fs.int("heartbeat.rpc-failure-threshold"),
		Redeploy:            sim.Time(*r.sc.Recovery.Redeploy),
		TaskManagerStart:    sim.Time(*r.sc.Recovery.TaskManagerStart),
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
			out = append(out, models.Failure{Kind: models.FailKafkaOutage, At: sim.Time(o.At), For: sim.Time(o.For), FailsAfter: sim.Time(*o.FailsAfter)})
		case f.SinkOutage != nil:
			o := f.SinkOutage
			out = append(out, models.Failure{Kind: models.FailSinkOutage, At: sim.Time(o.At), For: sim.Time(o.For), FailsAfter: sim.Time(*o.FailsAfter)})
		case f.PoisonRecord != nil:
			pr := f.PoisonRecord
			out = append(out, models.Failure{Kind: models.FailPoisonRecord, Source: pr.Source, Partition: pr.Partition, Offset: pr.Offset})
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
		Interval:       fs.duration("execution.checkpointing.interval"),
		Timeout:        fs.duration("execution.checkpointing.timeout"),
		MinPause:       fs.duration("execution.checkpointing.min-pause"),
		MaxConcurrent:  fs.int("execution.checkpointing.max-concurrent-checkpoints"),
		Tolerable:      fs.int("execution.checkpointing.tolerable-failed-checkpoints"),
		AtLeastOnce:    fs.str("execution.checkpointing.mode") == "AT_LEAST_ONCE",
		Unaligned:      fs.bool("execution.checkpointing.unaligned.enabled"),
		AlignedTimeout: fs.duration("execution.checkpointing.aligned-checkpoint-timeout"),
		Incremental:    fs.bool("execution.checkpointing.incremental"),
		RocksDB:        fs.str("state.backend.type") == "rocksdb",
		SyncPhase:      sim.Time(*sb.SyncPhase),
		LocalRecovery:  fs.bool("execution.state-recovery.from-local"),
		LocalBackup:    fs.bool("execution.state-recovery.from-local"),
		LSM:            r.lsmSpec(),
		Claimed:        fs.str("execution.state-recovery.claim-mode") != "NO_CLAIM",
		Changelog:      r.changelogSpec(),
		Storage: models.Storage{
			Kind: cs.Type, RequestLatency: sim.Time(*cs.RequestLatency), FileSize: int64(*cs.FileSize),
			TransferThreads: fs.int("state.backend.rocksdb.checkpoint.transfer.thread.num"),
		},
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
	}
}
