package scenarios

import "strings"

// Flink hides the values of keys whose names look like secrets wherever it
// shows its configuration (logs, the REST API, the web UI):
// GlobalConfiguration.isSensitive, a case-insensitive substring match on
// these names, shown as GlobalConfiguration.HIDDEN_CONTENT. A pasted
// production configuration's credentials (s3.secret-key, a SASL JAAS
// config) are hidden alike in scenario.resolved.yaml, the one output that
// carries the flink: block's values.
var flinkSensitiveKeys = []string{"password", "secret", "fs.azure.account.key", "apikey", "auth-params",
	"service-key", "token", "basic-auth", "jaas.config", "http-headers"}

// flinkHiddenContent is what Flink shows in place of a sensitive value.
const flinkHiddenContent = "******"

// hiddenFlinkValue says whether key's value is written as
// flinkHiddenContent: a sensitive name (isSensitive) of a key flinksim
// neither models nor checks by a type other than any text (String, List,
// Map, or none established), so the written file loads again to the same
// run: a key that takes any value cannot change a simulation.
func hiddenFlinkValue(key string) bool {
	if optionByKey[key] != nil {
		return false
	}
	if t := flinkKeyTypes[key]; t != nil {
		for _, k := range t.kinds {
			if !flinkKinds[k].any {
				return false
			}
		}
	}
	lower := strings.ToLower(key)
	for _, s := range flinkSensitiveKeys {
		if strings.Contains(lower, s) {
			return true
		}
	}
	return false
}
