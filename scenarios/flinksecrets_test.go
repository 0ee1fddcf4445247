package scenarios

import (
	"strings"
	"testing"
)

// TestSecretsHiddenInResolved: scenario.resolved.yaml hides the values
// Flink hides (GlobalConfiguration.isSensitive: the name contains
// password, secret, token, jaas.config, ..., in any case) and shows the
// rest as Flink shows them (s3.access-key is not sensitive to Flink); a
// key checked by a type other than text (a Boolean whose name holds
// "token") keeps its value, so the file loads again to the same run.
func TestSecretsHiddenInResolved(t *testing.T) {
	data := withFlinkBlock(`s3.access-key: AKIAEXAMPLE
s3.secret-key: verysecret
security.ssl.internal.keystore-password: pw
security.delegation.tokens.enabled: "false"
fs.azure.account.key.acct.blob.core.windows.net: azkey
metrics.reporter.prom.Http-Headers: "Authorization: Bearer x"`)
	l, err := Load("x.yaml", data, nil)
	if err != nil {
		t.Fatal(err)
	}
	out, err := l.Resolved()
	if err != nil {
		t.Fatal(err)
	}
	text := string(out)
	for _, want := range []string{
		"s3.access-key: AKIAEXAMPLE\n",
		`s3.secret-key: "******"` + "\n",
		`security.ssl.internal.keystore-password: "******"` + "\n",
		"security.delegation.tokens.enabled: false\n",
		`fs.azure.account.key.acct.blob.core.windows.net: "******"` + "\n",
		`metrics.reporter.prom.Http-Headers: "******"` + "\n",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("resolved lacks %q", want)
		}
	}
	for _, secret := range []string{"verysecret", "pw\n", "azkey", "Bearer"} {
		if strings.Contains(text, secret) {
			t.Errorf("resolved shows the secret %q", secret)
		}
	}
	if _, err := Load("resolved.yaml", out, nil); err != nil {
		t.Errorf("the resolved scenario does not load again: %v", err)
	}
}
