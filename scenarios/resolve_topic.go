package scenarios

import "fmt"

// Kafka's topic names (org.apache.kafka.common.internals.Topic): at most
// 249 characters, each an ASCII letter or digit, '.', '_' or '-', and
// neither "." nor "..". A source's topic decides which reader owns each
// partition (KafkaSourceEnumerator.getSplitOwner hashes it), so a name
// Kafka refuses would model a job that cannot run.
const maxTopicLength = 249

// topicProblem says what Kafka refuses in topic name t, or "".
func topicProblem(t string) string {
	if t == "." || t == ".." {
		return fmt.Sprintf("%q is not a topic Kafka allows (neither \".\" nor \"..\")", t)
	}
	if len(t) > maxTopicLength {
		return fmt.Sprintf("is %d characters long; Kafka allows at most %d", len(t), maxTopicLength)
	}
	for _, c := range t {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '_' || c == '-') {
			return fmt.Sprintf("%q has %q; Kafka's topic names take ASCII letters, digits, '.', '_' and '-'", t, c)
		}
	}
	return ""
}

// topic checks source n's topic (a given one: the default, its name, is
// flinksim's), and that sources reading one topic agree on its partitions:
// a Kafka topic has one partition count.
func (r *resolver) topic(n *node, given bool) {
	s := n.src
	if given {
		if why := topicProblem(s.Topic); why != "" {
			r.d.at(n.path+".topic", "%s", why)
			return
		}
	}
	if r.d.badUnder(n.path + ".partitions") {
		return
	}
	if r.topics == nil {
		r.topics = map[string]topicReader{}
	}
	first, ok := r.topics[s.Topic]
	if !ok {
		r.topics[s.Topic] = topicReader{n, given}
		return
	}
	// Two defaults alike are a repeated name, reported as such.
	if a, b := *first.n.src.Partitions, *s.Partitions; a != b && (given || first.given) {
		r.d.at(n.path+".partitions", "%d, where %s reads topic %q with %d: a Kafka topic has one partition count", b, first.n.path, s.Topic, a)
	}
}

// topicReader is the first source of a topic, and whether it named it.
type topicReader struct {
	n     *node
	given bool
}
