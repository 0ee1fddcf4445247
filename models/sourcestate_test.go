package models

import (
	"strings"
	"testing"

	"github.com/flinksim/flinksim/models/partitioning"
	"github.com/flinksim/flinksim/sim"
)

// TestModifiedUTF8: DataOutputStream.writeUTF's byte counts per UTF-16
// unit: ASCII 1, NUL and up to U+07FF 2, the rest of the BMP 3, a
// character beyond it two surrogates of 3.
func TestModifiedUTF8(t *testing.T) {
	for s, want := range map[string]int64{"": 0, "orders": 6, "\x00": 2, "é": 2, "€": 3, "😀": 6, "a😀é": 1 + 6 + 2} {
		if got := modifiedUTF8Len(s); got != want {
			t.Errorf("%q: %d bytes, want %d", s, got, want)
		}
	}
}

// TestKafkaReaderStateInCheckpoints: each Kafka source subtask's part of a
// checkpoint is its splits as KafkaPartitionSplitSerializer writes them
// (writeUTF topic, int partition, two long offsets) inside
// SimpleVersionedListState's framing (writeVersionAndSerialize's int
// version and int length) in the operator list state (an int length per
// element, BytePrimitiveArraySerializer), counted whole in both the state
// size and the checkpointed size; splits go to readers as
// KafkaSourceEnumerator assigns them. Below the inline threshold it costs
// no upload: the source acknowledges as without it.
func TestKafkaReaderStateInCheckpoints(t *testing.T) {
	const topic, partitions, readers = "clicks-é", 8, 3
	spec := ckptJob(30*sim.Second, 10)
	spec.Duration = 2 * sim.Minute
	src := &spec.Nodes[0]
	src.Parallelism = readers
	src.Kafka.Topic, src.Kafka.Partitions = topic, partitions
	_, res := runWith(t, spec)
	splits := make([]int64, readers)
	for p := range partitions {
		splits[partitioning.KafkaSplitOwner(topic, p, readers)]++
	}
	perSplit := int64(4 + 4 + 4 + (2 + 7 + 2) + 4 + 8 + 8) // element length, version, split length; "clicks-" and é, partition, offsets
	completed, sources := 0, 0
	for _, c := range res.Checkpoints {
		if c.Status != "COMPLETED" {
			continue
		}
		completed++
		for _, task := range c.Tasks {
			if !strings.Contains(task.Name, "src") {
				continue
			}
			sources++
			var sum int64
			for _, sub := range task.Subtasks {
				want := splits[sub.Index] * perSplit
				if sub.StateSize != want || sub.Uploaded != want || sub.Async != 0 {
					t.Errorf("checkpoint %d, %s[%d]: state %d, checkpointed %d, async %v; want %d bytes for %d splits, inlined (no upload)",
						c.ID, task.Name, sub.Index, sub.StateSize, sub.Uploaded, sub.Async, want, splits[sub.Index])
				}
				sum += want
			}
			if task.StateSize != sum || task.Checkpointed != sum {
				t.Errorf("checkpoint %d, %s: state %d, checkpointed %d, want %d", c.ID, task.Name, task.StateSize, task.Checkpointed, sum)
			}
		}
	}
	if completed == 0 || sources != completed {
		t.Fatalf("%d completed checkpoints, %d with the source task", completed, sources)
	}
}

// TestKafkaReaderStateAboveInlineThreshold: a reader's state larger than
// the inline threshold (1000 splits of a one-letter topic) is a file of its
// own, uploaded in the async phase.
func TestKafkaReaderStateAboveInlineThreshold(t *testing.T) {
	const partitions = 1000
	spec := ckptJob(30*sim.Second, 10)
	spec.Duration = 2 * sim.Minute
	spec.Nodes[0].Kafka.Topic, spec.Nodes[0].Kafka.Partitions = "t", partitions
	want := int64(partitions * (4 + 4 + 4 + (2 + 1) + 4 + 8 + 8)) // element length, version, split length; topic, partition, offsets
	if want <= DefaultInlineThreshold {
		t.Fatalf("%d bytes: not above the threshold", want)
	}
	_, res := runWith(t, spec)
	n := 0
	for _, c := range res.Checkpoints {
		for _, task := range c.Tasks {
			if c.Status != "COMPLETED" || !strings.Contains(task.Name, "src") {
				continue
			}
			n++
			if sub := task.Subtasks[0]; sub.StateSize != want || sub.Async <= 0 {
				t.Errorf("checkpoint %d: state %d, async %v; want %d bytes uploaded", c.ID, sub.StateSize, sub.Async, want)
			}
		}
	}
	if n == 0 {
		t.Fatal("no completed checkpoint of the source")
	}
}

// readerStateOf is all of spec's Kafka readers' state in a checkpoint
// (TestKafkaReaderStateInCheckpoints derives it per split): every partition
// is one reader's split.
func readerStateOf(spec Spec) int64 {
	var n int64
	for _, node := range spec.Nodes {
		if node.Kafka != nil {
			n += kafkaReaderStateBytes(node.Kafka.Topic, node.Kafka.Partitions)
		}
	}
	return n
}
