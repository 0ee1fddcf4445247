package scenarios

import (
	"fmt"
	"strings"
)

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
	for _, c := range t { // first: then a length is in characters
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '_' || c == '-') {
			return fmt.Sprintf("%q has %q; Kafka's topic names take ASCII letters, digits, '.', '_' and '-'", t, c)
		}
	}
	if len(t) > maxTopicLength {
		return fmt.Sprintf("is %d characters long; Kafka allows at most %d", len(t), maxTopicLength)
	}
	return ""
}

// topicCollision is the name under which Kafka finds two topics alike:
// '.' and '_' collide in its metric names (Topic.hasCollision), so it
// refuses to create app_events beside app.events.
func topicCollision(t string) string { return strings.ReplaceAll(t, ".", "_") }

// topic checks source n's topic (a given one: the default, its name, is
// flinksim's), that it does not collide with another in Kafka, and that
// sources giving a topic's partitions agree on them: a Kafka topic has one
// partition count. A count defaulted from a source's parallelism is
// flinksim's guess, not compared (a sweep of one source's parallelism
// would otherwise be refused).
func (r *resolver) topic(n *node, given, partitions bool) {
	s := n.src
	if given {
		if why := topicProblem(s.Topic); why != "" {
			r.d.at(n.path+".topic", "%s", why)
			return
		}
	}
	if r.topics == nil {
		r.topics = map[string]topicReader{}
	}
	key := topicCollision(s.Topic)
	first, ok := r.topics[key]
	if !ok {
		r.topics[key] = topicReader{n, given, partitions && !r.d.badUnder(n.path+".partitions")}
		return
	}
	if !given && !first.given {
		return // two of flinksim's defaults, the sources' names (alike: a repeated name, reported as such)
	}
	if t := first.n.src.Topic; t != s.Topic {
		r.d.at(n.path+".topic", "%q collides with %s's topic %q: Kafka takes '.' and '_' as one in a topic's name and refuses the second", s.Topic, first.n.path, t)
		return
	}
	if !partitions || r.d.badUnder(n.path+".partitions") {
		return // flinksim's guess, or refused already
	}
	if !first.partitions { // the first to give them: later ones are compared with it
		r.topics[key] = topicReader{n, given, true}
		return
	}
	if a, b := *first.n.src.Partitions, *s.Partitions; a != b {
		r.d.at(n.path+".partitions", "%d, where %s reads topic %q with %d: a Kafka topic has one partition count", b, first.n.path, s.Topic, a)
	}
}

// topicReader is a topic's first source, the first that gave its
// partitions once one has.
type topicReader struct {
	n                 *node
	given, partitions bool // it gave the topic; it gave the partitions
}
