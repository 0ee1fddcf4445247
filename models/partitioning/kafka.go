package partitioning

// KafkaSplitOwner is KafkaSourceEnumerator.getSplitOwner: partitions of a topic
// are dealt round-robin to the readers, starting at a reader chosen from the
// topic name's hash.
func KafkaSplitOwner(topic string, partition, numReaders int) int {
	start := int((uint32(JavaStringHash(topic))*31)&0x7FFFFFFF) % numReaders
	return (start + partition) % numReaders
}
