package plan

import (
	"reflect"
	"testing"

	hapi "github.com/smartstack-go/smartstack/pkg/haproxy"
)

// A record plans what Socket plans, in the same order, reading only the
// wanted backends' rows; a record kept current by Patch plans as one
// built afresh.
func TestRecordPlanMatchesSocket(t *testing.T) {
	rows := []hapi.StatRow{
		row("b", "", "UP"), row("b", "x:1", "UP"), row("b", "y:1", "MAINT"),
		row("a", "", "UP"), row("a", "p:1", "MAINT"), row("a", "q:1", "UP"),
		row("other", "z:1", "UP"), row("b", "w:1", "UP"),
	}
	want := Wants{
		"a": {Service: "a", Name: "a", Live: []string{"p:1"}},
		"b": {Service: "b", Name: "b", Live: []string{"y:1", "x:1", "v:1"}},
	}
	full := Socket(rows, Running(rows), want)
	if len(full.Commands) == 0 || len(full.Reasons) == 0 {
		t.Fatalf("the case plans nothing: %+v", full)
	}
	rec := NewRecord(rows[:len(rows)-1])
	rec.Patch(nil, rows[len(rows)-1:], nil)
	for name, got := range map[string]Plan{"fresh": NewRecord(rows).Plan(want), "added": rec.Plan(want)} {
		if !reflect.DeepEqual(got, full) {
			t.Errorf("%s index: %+v\nwant %+v", name, got, full)
		}
	}
	if got := NewRecord(rows).Plan(Wants{"a": want["a"]}).Commands; !reflect.DeepEqual(got, []string{"enable server a/p:1", "disable server a/q:1"}) {
		t.Errorf("backend a alone: %q", got)
	}
}
