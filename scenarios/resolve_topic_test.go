package scenarios

import (
	"strings"
	"testing"
)

// TestTopicNamesAsKafkaAllows: Kafka's Topic.validate takes names of at
// most 249 characters from [a-zA-Z0-9._-], other than "." and "..".
func TestTopicNamesAsKafkaAllows(t *testing.T) {
	for _, c := range []struct {
		topic string
		ok    bool
	}{
		{"orders", true}, {"app.events_v2-eu", true}, {"...", true}, {strings.Repeat("a", 249), true},
		{".", false}, {"..", false}, {strings.Repeat("a", 250), false},
		{"my topic", false}, {"a/b", false}, {"ünï", false}, {"a:b", false},
	} {
		if got := topicProblem(c.topic) == ""; got != c.ok {
			t.Errorf("topic %.30q: allowed %t, want %t (%s)", c.topic, got, c.ok, topicProblem(c.topic))
		}
	}
}
