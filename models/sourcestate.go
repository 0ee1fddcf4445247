package models

import "unicode/utf16"

// A Kafka source subtask's operator state, as a checkpoint holds it.
//
// KafkaSourceReader (a SourceReaderBase) snapshots the splits it is
// assigned, and SourceOperator keeps them as the operator list state
// "SourceReaderState" (SourceOperator.SPLITS_STATE_DESC: a ListState of
// byte arrays with BytePrimitiveArraySerializer) through
// SimpleVersionedListState, which stores each split as the byte array
// SimpleVersionedSerialization.writeVersionAndSerialize makes: the split
// serializer's version (an int), the split's length (an int), then the
// split's bytes.
// KafkaPartitionSplitSerializer (flink-connector-kafka, version 0) writes
// a split with a DataOutputStream: the topic (writeUTF: a 2-byte length
// and the name in modified UTF-8), the partition (an int), the starting
// offset and the stopping offset (two longs, the latter
// KafkaPartitionSplit.NO_STOPPING_OFFSET when unbounded). The operator
// state backend writes each element of the list with its length ahead of
// it (BytePrimitiveArraySerializer.serialize: an int, then the bytes;
// PartitionableListState.write).
//
// Left out: the state stream's header (OperatorBackendSerializationProxy:
// the state's name, mode and serializer snapshot), once per subtask and
// checkpoint, whatever its splits. The enumerator's state is the source
// coordinator's, not a subtask's: Flink's checkpoint statistics sum what
// subtasks report.

// Java's primitive sizes in a DataOutputStream.
const (
	javaShort = 2
	javaInt   = 4
	javaLong  = 8
)

// DefaultInlineThreshold is execution.checkpointing.data-inline-threshold's
// default (CheckpointingOptions.FS_SMALL_FILE_THRESHOLD, 20 kb; named
// state.storage.fs.memory-threshold before 1.20):
// FsCheckpointStreamFactory's state stream of at most that many bytes
// (FsCheckpointStateOutputStream.closeAndGetHandle) becomes a
// ByteStreamStateHandle inside the checkpoint's metadata, not a file, so it
// is neither uploaded on its own nor downloaded at a restore.
// Checkpointing.InlineThreshold sets another.
const DefaultInlineThreshold = 20 << 10

// inlineThreshold is the largest state stream the checkpoint's metadata
// holds (Checkpointing.InlineThreshold, by default DefaultInlineThreshold).
func (s *Simulation) inlineThreshold() int64 {
	if t := s.spec.Checkpointing.InlineThreshold; t != nil {
		return *t
	}
	return DefaultInlineThreshold
}

// kafkaSplitBytes is one KafkaPartitionSplit as
// KafkaPartitionSplitSerializer writes it: topic, partition, starting and
// stopping offsets.
func kafkaSplitBytes(topic string) int64 {
	return javaShort + modifiedUTF8Len(topic) + javaInt + 2*javaLong
}

// kafkaReaderStateBytes is a Kafka source subtask's operator state with
// splits of topic assigned: per split, the list element's length
// (BytePrimitiveArraySerializer), then the serializer's version and the
// split's length (SimpleVersionedSerialization) ahead of the split's bytes:
// 4 + 8 + 28 = 40 bytes for a topic of 6 ASCII characters.
func kafkaReaderStateBytes(topic string, splits int) int64 {
	return int64(splits) * (javaInt + 2*javaInt + kafkaSplitBytes(topic))
}

// modifiedUTF8Len is the length of s in Java's modified UTF-8, as
// DataOutputStream.writeUTF encodes each UTF-16 unit: 1 byte for U+0001 to
// U+007F, 2 for U+0000 and up to U+07FF, 3 for the rest (a character
// beyond U+FFFF is two surrogates, 6 bytes).
func modifiedUTF8Len(s string) int64 {
	var n int64
	for _, u := range utf16.Encode([]rune(s)) {
		switch {
		case u >= 0x01 && u <= 0x7f:
			n++
		case u <= 0x7ff:
			n += 2
		default:
			n += 3
		}
	}
	return n
}

// readerState is subtask st's operator state: a Kafka source's splits,
// 0 for any other subtask.
func (s *Simulation) readerState(st *subtask) int64 {
	head := st.t.nodes[0]
	if head.spec.Kind != KindSource || head.spec.Kafka == nil || len(st.splits) == 0 {
		return 0
	}
	return kafkaReaderStateBytes(head.spec.Kafka.Topic, len(st.splits))
}

// opFile is the operator state snapshot sub writes to a file of its own:
// none when it is inlined in the checkpoint's metadata.
func (s *Simulation) opFile(sub *subtaskSnapshot) int64 {
	if sub.opState > s.inlineThreshold() {
		return sub.opState
	}
	return 0
}
