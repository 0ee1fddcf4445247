package scenarios

import (
	"github.com/flinksim/flinksim/models"
	"github.com/flinksim/flinksim/sim"
	"strings"
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

// storageTypeOf is the storage preset a checkpoint directory's scheme
// names (Flink's file system plugins: s3://, s3a:// and s3p:// for S3,
// gs:// for Google Cloud Storage, wasb(s):// and abfs(s):// for Azure,
// hdfs:// for HDFS, file:// for a shared mount), for a checkpoint-storage:
// block without a type; s3 for any other directory, or none.
func storageTypeOf(dir string) string {
	scheme, _, ok := strings.Cut(dir, "://")
	if !ok {
		return "s3"
	}
	switch strings.ToLower(scheme) {
	case "gs":
		return "gcs"
	case "wasb", "wasbs", "abfs", "abfss":
		return "azure-blob"
	case "hdfs", "viewfs":
		return "hdfs"
	case "file":
		return "nfs"
	}
	return "s3"
}

// checkpointing resolves the checkpoint, restart and recovery settings.
func (r *resolver) checkpointing() {
	d, sc, fs := r.d, r.sc, r.fs
	// An interval given but refused is reported on its own: the rest is
	// checked as the scenario means it, with checkpointing (the run's spec
	// is never built from it).
	on := fs.checkpoints()
	if !fs.has("restart-strategy.type") {
		r.defaultRestartStrategy(on)
	}
	r.restartKeys(on)
	if !on {
		// Checked all the same, so that every problem is reported at once.
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
			if f.set {
				d.at(f.path, "needs checkpointing: set flink.execution.checkpointing.interval")
			}
		}
	} else {
		if k := "execution.checkpointing.unaligned.enabled"; fs.bool(k) && fs.str("execution.checkpointing.mode") != "EXACTLY_ONCE" {
			// StreamingJobGraphGenerator.preValidate logs it and turns
			// unaligned checkpoints off.
			d.warn(d.nodes[fs.at(k)], fs.at(k), "ignored: unaligned checkpoints can only be used with checkpointing mode EXACTLY_ONCE, so Flink turns them off")
			fs.values[k] = false
		}
		if fs.bool("execution.checkpointing.unaligned.enabled") {
			if fs.int("execution.checkpointing.max-concurrent-checkpoints") != 1 {
				d.at(r.fs.at("execution.checkpointing.unaligned.enabled"), "unaligned checkpoints need execution.checkpointing.max-concurrent-checkpoints 1")
			}
		}
		r.stateBackendKeys()
		block := sc.CheckpointStorage != nil // before storage() fills in its defaults
		r.storage()
		r.stateBackend()
		r.ckpt = r.checkpointStorage(block)
	}
	if sc.Recovery == nil {
		sc.Recovery = &RecoverySpec{}
	}
	if sc.Recovery.Redeploy == nil {
		sc.Recovery.Redeploy = ptr(Duration(10 * sim.Second))
	}
	if to, every := r.fs.wholeMs("heartbeat.timeout"), r.fs.wholeMs("heartbeat.interval"); to < every && fs.usable("heartbeat.timeout", "heartbeat.interval") {
		// HeartbeatServicesImpl refuses it.
		r.d.at(r.fs.at("heartbeat.timeout"), "%s is shorter than heartbeat.interval (%s); Flink requires the timeout to be at least the interval", FormatDuration(to), FormatDuration(every))
	}
	r.checkBackoff()
	if sc.Recovery.TaskManagerStart == nil {
		sc.Recovery.TaskManagerStart = ptr(Duration(30 * sim.Second))
	}
	r.failures(on)
}

// stateBackendKeys checks the keys that need the RocksDB backend (the
// changelog, incremental checkpoints) and the changelog's own.
func (r *resolver) stateBackendKeys() {
	d, fs := r.d, r.fs
	// A refused state.backend.type is reported as such: the default
	// standing in for it is no backend to judge other keys by.
	backendSet := !fs.refused["state.backend.type"]
	if fs.bool("state.changelog.enabled") && backendSet && fs.str("state.backend.type") != "rocksdb" {
		d.at(r.fs.at("state.changelog.enabled"), "flinksim simulates the changelog backend over rocksdb only (state.backend.type: rocksdb)")
	}
	if k := "state.changelog.storage"; fs.bool("state.changelog.enabled") && fs.str(k) != "filesystem" {
		at := fs.at(k)
		if !fs.given[k] {
			at = fs.at("state.changelog.enabled")
		}
		d.at(at, "the changelog backend keeps its log in the TaskManager's memory with state.changelog.storage: memory (Flink's default, InMemoryStateChangelogStorage, meant for tests); flinksim models the durable log only: set state.changelog.storage: filesystem")
	}
	if k := "state.changelog.periodic-materialize.interval"; fs.bool("state.changelog.enabled") && fs.duration(k) < sim.Millisecond {
		// Flink takes it in whole milliseconds (getPeriodicMaterializeIntervalMillis):
		// below 1 ms it is 0, which PeriodicMaterializationManager's initial
		// delay divides by; a negative one turns materialization off.
		d.at(r.fs.at(k), "must be at least 1ms, not %s (Flink takes it in whole milliseconds, and 0 fails its PeriodicMaterializationManager; flinksim does not simulate a changelog that is never materialized)", FormatDuration(fs.duration(k)))
	}
	if k := "execution.checkpointing.incremental"; fs.bool(k) && backendSet && fs.str("state.backend.type") != "rocksdb" {
		// HashMapStateBackend takes full snapshots whatever the key says.
		d.warn(d.nodes[fs.at(k)], fs.at(k), "ignored: the hashmap state backend takes full snapshots; incremental checkpoints need state.backend.type: rocksdb")
		fs.values[k] = false
	}
}

func (r *resolver) storage() {
	d, sc := r.d, r.sc
	if sc.CheckpointStorage == nil {
		sc.CheckpointStorage = &CheckpointStorage{}
	}
	cs := sc.CheckpointStorage
	if cs.Type == "" {
		cs.Type = storageTypeOf(r.checkpointDir())
	}
	preset, ok := storagePresets[cs.Type]
	if !ok {
		hint := ""
		if cs.Type == "filesystem" { // Flink's name of the storage, not of the system behind it
			hint = "; Flink's FileSystemCheckpointStorage writes to the file system its directory names: give that system's type (nfs for a file:// mount)"
		}
		d.at("checkpoint-storage.type", "%q is not a storage type flinksim knows (s3, gcs, azure-blob, hdfs, nfs)%s", cs.Type, hint)
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
		d.at("checkpoint-storage.file-size", "must be at least 1B, not %s", d.written("checkpoint-storage.file-size", FormatBytes(int64(*cs.FileSize))))
	}
	r.checkMaxStateSize()
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

// recoverySpec is how long detecting a lost TaskManager and redeploying take.
func (r *resolver) recoverySpec() models.Recovery {
	strategy := models.FailoverRegion
	if r.fs.str("jobmanager.execution.failover-strategy") == "full" {
		strategy = models.FailoverFull
	}
	return models.Recovery{
		FailoverStrategy:    strategy,
		HeartbeatTimeout:    r.fs.wholeMs("heartbeat.timeout"),
		HeartbeatInterval:   r.fs.wholeMs("heartbeat.interval"),
		RPCFailureThreshold: r.fs.int("heartbeat.rpc-failure-threshold"),
		AskTimeout:          r.fs.duration("pekko.ask.timeout"),
		Redeploy:            sim.Time(*r.sc.Recovery.Redeploy),
		TaskManagerStart:    sim.Time(*r.sc.Recovery.TaskManagerStart),
	}
}
