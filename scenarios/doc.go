// Package scenarios reads flinksim's YAML scenario format, checks it, fills
// in defaults and turns it into a models.Spec. It also embeds the built-in
// scenario library.
//
// Reading is strict and reports everything at once: [Load] returns
// [Problems], each "file:line:col: field.path: what is wrong and what is
// allowed". Field paths address list items by name (sources.clicks.rate), the
// same syntax --set overrides use, so a path from an error can be pasted into
// --set.
//
// The flink: block takes Flink's own configuration keys, flat or nested as in
// Flink's config.yaml. Keys flinksim models (flinkconf.go) are parsed with
// Flink's rules and defaults (sizes are binary there: 32kb = 32768 bytes; a
// bare duration is milliseconds). Of several entries for one option, the one
// Flink reads counts and the others are warned of; a what-if replaces the
// option however the file spells it. Other real Flink keys (flinkkeys.txt,
// and the plugins' families) are listed as not modelled, apart from those
// that cannot change a simulation (addresses, ports, security), kept quietly;
// their values are checked by the type Flink's docs give them (rest.port: abc
// is an error, as Flink refuses it); any other key is an error suggesting
// the closest.
//
// Files:
//
//	format.go    the YAML structs (the format's single source of truth; the JSON Schema is derived from them)
//	units.go     durations, sizes, counts and rates in human units
//	decode.go    strict yaml.Node → struct decoding with positions; an int field's range is the resolver's to tell
//	decode_alias.go  YAML aliases: followed to their anchor, problems placed where the alias is
//	decode_merge.go  YAML merge keys (<<): a mapping's entries with the merged mappings' keys it does not set
//	decode_tags.go  YAML tags (!!binary, !!str, !custom): refused wherever they are written
//	decode_overflow.go a whole number beyond an int64: the field's own range, with the value as written
//	values.go    unit types and one-of shapes (distributions, rate profiles)
//	flinkconf.go Flink configuration keys: modelled options and known keys
//	flinkvalues.go  Flink's value grammars: TimeUtils durations, Java numbers
//	flinkjobstatus.go  metrics.job.status.enable: a list of JobStatusMetrics kinds, as text (a;b) or a YAML list (config.yaml, 1.19 on)
//	flinkbackend.go state.backend.type: the shortcuts and factory classes each release's StateBackendLoader knows
//	flinkprecedence.go  which entry of one option Flink reads; what-ifs replacing the file's
//	flinkinert.go   unmodelled keys that cannot change a simulation, and plugin key families
//	flinksecrets.go values Flink hides (GlobalConfiguration.isSensitive), hidden in scenario.resolved.yaml
//	flinkkeytypes.go  flinkkeys.txt's lines and types: unmodelled keys' values checked as Flink's ConfigurationUtils converts them
//	flinkversion.go flink-version: defaults that changed between releases, the key names each reads, heartbeat times read as Longs of milliseconds before 1.20
//	load.go      Load, --set overrides, the resolved output
//	setmerge.go  a what-if's mapping merged key by key (flink: keys joined with dots, list items by name); a single value (a distribution) replaced whole
//	loadruns.go  LoadRuns: the base and every variant checked, their warnings gathered; the sweep: block's values tried
//	yamlerr.go   YAML syntax errors in a user's words, at the offending character; a file in UTF-16 or UTF-32 told as such
//	yamldepth.go    the parser's nesting limit: told at the bracket or block entry that crosses it (block scalars' text skipped)
//	yamlversion.go  the %YAML directive: 1.2 and 1.0 read as the parser reads 1.1 (which is as without it); others refused in words
//	variantspan.go  a variant's problems at the variant's path (variants.NAME.set.KEY), at set: *name's alias and at an alias for a key's value; the set: block's keys, its merge keys (<<: *name) merged in
//	problems.go  Problem and Problems: positioned errors, reported all at once
//	grid.go      sweep axes (key=v1,v2 or key=lo..hi/n) and quantities
//	grid_integers.go  which fields take whole numbers (a range over them is rounded)
//	grid_flink.go  axes over flink.* keys in Flink's units (MemorySize, TimeUtils), true/false and enums
//	schema.go    the JSON Schema derived from format.go, taking quoted numbers as the loader does
//	schemaflink.go the flink: block's schema: modelled keys typed, enums, deprecated names, other Flink keys and families
//	schemaflinkbounds.go  a modelled key's schema bounded as its parser bounds it (asked, not restated); an unmodelled key's by its type in flinkkeys.txt
//	schemaflinkvalues.go  patterns of Flink's values as the loader reads them: TimeUtils durations, MemorySize, Java ints and longs at their bounds
//	schemaflinknested.go  the nested form (config.yaml): each prefix's known children, checked from Flink 1.19 (the scenario's if/else)
//	resolve_resolution.go a warning when a buffer timeout given is within chunked mode's latency resolution
//	resolve.go   the resolver: top-level defaults, node names, limits, variants and sweep blocks
//	names.go     names: at most 255 bytes (a variant's is a directory), simple names for paths, the scenario's on one line; list items' paths (by name, by place where an earlier item has the name)
//	resolve_sources.go  Kafka sources: partitions, arrivals, rate profiles
//	resolve_topic.go    Kafka topic names as Kafka allows them; one partition count per topic
//	resolve_graph.go    operators and exchanges: inputs, cycles, forward/rebalance/keyBy, keyed settings
//	resolve_keys.go     key populations and skew mitigations (hot keys, salting, mini-batch)
//	resolve_partitioner.go  a hot-key partitioner's keys and top against the keys it can spread
//	resolve_eventtime.go  sources' event time: delays, offline devices, watermark strategy, paused partitions
//	resolve_window.go     event-time window operators: assigners, lateness, window function, their event-time source
//	resolve_sinks.go    sinks: capacity and latency
//	resolve_ckpt.go     checkpointing, storage and recovery
//	resolve_restart.go  the restart strategy: the default, the options Flink reads (the chosen strategy's) and those it ignores
//	resolve_ckptstorage.go  the checkpoint storage: the JobManager's memory (asked for, or without a directory) or a file system, the max state size, a file system's inline threshold
//	resolve_memory.go   TaskManager memory: the task heap that heap state must fit in
//	resolve_cpu.go      TaskManager cores: taskmanager.cpu.cores, else Kubernetes' or YARN's fallback, else the slots
//	resolve_failures.go injected failures: validation and their models.Failure
//	resolve_bounds.go   bounds on what a run counts (int64 and float64 exactness)
//	spec.go      the one place a models.Spec is built, from the parts the resolve files return
//	run.go       Run: simulate a loaded scenario and complete its summary
//	library.go   the embedded built-in scenarios (library/*.yaml)
package scenarios
