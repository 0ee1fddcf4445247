// Command flinksim simulates Apache Flink jobs and their failure modes on a
// virtual clock. Run "flinksim --help".
//
// Files:
//
//	main.go      the entry point: memory limit, signals, exit code
//	root.go      the root command, exit codes, unknown commands, reading a scenario argument
//	flagcheck.go  every problem with a command's flags, collected and reported with the scenario's; --grid and --target values loaded
//	argscan.go   flags pflag would stop at (unknown, no value), found and taken out before cobra parses
//	version.go   --version: the module version and commit from the build information
//	run.go       flinksim run: one scenario (or its variants), its outputs and dashboard
//	variants.go  a scenario's variants: planned, run in parallel, printed side by side
//	compare.go   flinksim compare: runs made now or read back, drawn over each other
//	sweep.go     flinksim sweep (+ plan, merge): grids, shard files, the resumable journal
//	sweptkeys.go  a sweep's keys swept twice, or swept and set (under any of their names), refused once before any point loads
//	shards.go    which slice of a sweep to run: --shard i/n, or --shards n and the index from the environment
//	charts.go    a sweep's charts and table: units of axes and outcomes, bands and grids
//	replicas.go  replicas: --replicas checked, how many ended in each outcome, MIXED where they differ
//	plan.go      flinksim plan: bisection for the smallest (or largest) value that meets conditions
//	estimate.go  work estimates before anything runs: memory, and the wall time a probe predicts
//	probe.go     the probe: the run's start simulated apart, its events and wall time extrapolated past the start
//	list.go      flinksim list, schema and validate
//	jsonout.go   -o json: the documents run, validate, list and compare print for scripts
//	completion.go  dynamic shell completion: scenarios, variants, --set keys, outcomes
//	warnings.go  the scenario's warnings: every run's, a sweep's points', plan's values', each once, whatever -q says
//	inertaxes.go  a sweep's one axis (plan's --target) whose values all give the same job: warned of
//	print.go     the human summary of a run
//	table.go     small tables as aligned text and Markdown; the outcome table of runs, and its CSV
//	sinks.go     the sinks' lines and columns: records seen more than once, lost, commit latency
//	outputs.go   output directories: --out checks, staging, atomic files
//	progress.go  the one progress bar (share done, ETA) of run, compare and sweep, on a terminal
//	signals.go   SIGINT, SIGTERM and SIGHUP: temporaries removed, a note, exit 128+signal
package main
