package serveropt

import "testing"

// TestKeywordTable keeps the table consistent: a keyword is allowed or
// excluded, never both; every entry says since when; companions exist.
func TestKeywordTable(t *testing.T) {
	for name, kw := range keywords {
		t.Run(name, func(t *testing.T) {
			if _, ok := excluded[name]; ok {
				t.Error("both allowed and excluded")
			}
			if kw.since == (version{}) {
				t.Error("no since version")
			}
			if kw.arg != nil && kw.arg.want == "" {
				t.Error("argument shape without a description")
			}
			if c, ok := keywords[kw.needs]; kw.needs != "" && (!ok || c.since.after(oldest)) {
				t.Errorf("needs %q, which is not allowed", kw.needs)
			}
			if kw.httpArg != "" && (kw.arg == nil || !kw.arg.ok(kw.httpArg)) {
				t.Errorf("http-only argument %q does not fit the shape", kw.httpArg)
			}
		})
	}
}
