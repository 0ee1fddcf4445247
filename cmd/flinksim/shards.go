package main

import (
	"os"
	"strconv"

	"github.com/flinksim/flinksim/scenarios/sweep"
)

// sweepShard is the slice to run: from --shard i/n, or --shards n with the
// index from the environment; shards 0 runs the whole plan.
func sweepShard(o sweepOptions) (shard, shards int, err error) {
	fc := &flagCheck{}
	if o.shards < 0 || o.shards == 0 && o.shardsSet {
		fc.addf("shards", "%d: must be 1 or more", o.shards)
	}
	if o.shard != "" && (o.shardsSet || o.shards != 0) {
		fc.addf("shard", "cannot go with --shards: give --shard i/n or --shards n, not both")
	}
	if o.shard != "" {
		if _, _, err := sweep.ParseShard(o.shard); err != nil {
			fc.addf("shard", "%v", err)
		}
	}
	if !fc.ok() {
		return 0, 0, fc.probs
	}
	switch {
	case o.shard != "":
		if shard, shards, err = sweep.ParseShard(o.shard); err != nil {
			return 0, 0, flagError("shard", "%v", err)
		}
	case o.shards > 0:
		shards = o.shards
		if shard, err = shardFromEnv(shards); err != nil {
			return 0, 0, err
		}
	}
	return shard, shards, nil
}

// shardFromEnv reads the shard index of a Kubernetes Indexed Job or a Slurm
// array task; one that is not of the n shards is a problem of --shards.
func shardFromEnv(n int) (int, error) {
	if v, ok := os.LookupEnv("JOB_COMPLETION_INDEX"); ok {
		i, err := strconv.Atoi(v)
		if err != nil || i < 0 || i >= n {
			return 0, flagError("shards", "JOB_COMPLETION_INDEX=%q is not a shard of %d: it must be from 0 to %d", v, n, n-1)
		}
		return i, nil
	}
	if v, ok := os.LookupEnv("SLURM_ARRAY_TASK_ID"); ok {
		lo := 0
		if m, ok := os.LookupEnv("SLURM_ARRAY_TASK_MIN"); ok {
			var err error
			if lo, err = strconv.Atoi(m); err != nil {
				return 0, flagError("shards", "SLURM_ARRAY_TASK_MIN=%q is not a whole number: it is the array's first task ID", m)
			}
		}
		i, err := strconv.Atoi(v)
		if err != nil || i-lo < 0 || i-lo >= n {
			return 0, flagError("shards", "SLURM_ARRAY_TASK_ID=%q (min %d) is not a shard of %d: it must be from %d to %d", v, lo, n, lo, lo+n-1)
		}
		return i - lo, nil
	}
	return 0, flagError("shards", "%d needs JOB_COMPLETION_INDEX (Kubernetes) or SLURM_ARRAY_TASK_ID (Slurm); or give --shard i/n", n)
}
