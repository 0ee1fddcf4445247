package result

import (
	"html"
	"testing"
)

// TestPlanDescriptionEscapesAsEscapeHtml4: the characters escapeHtml4
// escapes are HTML 4.01's 252 named entities (no &apos;, which HTML 4 does
// not have); each name stands for its character (as Go's HTML5 table reads
// it, but for lang and rang, which HTML5 moved to U+27E8 and U+27E9).
// Characters without an entity pass unchanged.
func TestPlanDescriptionEscapesAsEscapeHtml4(t *testing.T) {
	if len(html4Entities) != 252 {
		t.Errorf("%d entities, want HTML 4.01's 252", len(html4Entities))
	}
	for r, name := range html4Entities {
		got := html.UnescapeString("&" + name + ";")
		if name == "lang" || name == "rang" {
			got = map[string]string{"lang": "\u2329", "rang": "\u232a"}[name]
		}
		if got != string(r) {
			t.Errorf("&%s; is %q, not %q", name, got, string(r))
		}
	}
	for _, c := range []struct{ in, want string }{
		{"CASE((w0$o0 > 0), w0$o1, null:BIGINT)\n", "CASE((w0$o0 &gt; 0), w0$o1, null:BIGINT)<br/>"},
		{"it's 5€ — café\n+- 测测吧\n", "it's 5&euro; &mdash; caf&eacute;<br/>+- 测测吧<br/>"},
		{`C:\tmp` + "\n", "C:&#92;tmp<br/>"},
	} {
		if got := PlanDescription(c.in); got != c.want {
			t.Errorf("PlanDescription(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}
