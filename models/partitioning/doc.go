// Package partitioning reproduces how Flink decides where things go: the key
// group of a key, the subtask that owns a key group, the default max
// parallelism, and the Kafka source reader that owns a partition.
//
// Every function follows Flink's Java arithmetic exactly (32-bit wrapping
// ints, logical shifts), so a key lands on the same subtask here as in Flink:
//
//	key.hashCode() → MathUtils.murmurHash → % maxParallelism → key group
//	key group × parallelism / maxParallelism → subtask index
//
// Sources: KeyGroupRangeAssignment, MathUtils, KafkaSourceEnumerator in
// apache/flink and apache/flink-connector-kafka (Flink 1.20 / 2.x).
//
//	keygroups.go  Java hashCode of longs and strings, murmur hash, key
//	              groups and ranges, default and bounds of max parallelism
//	kafka.go      the Kafka source reader that owns a partition
package partitioning
