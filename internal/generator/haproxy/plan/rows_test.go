package plan

import (
	"reflect"
	"testing"

	hapi "github.com/smartstack-go/smartstack/pkg/haproxy"
)

// SocketIndexed plans what Socket plans, in the same order, reading only
// the wanted backends' rows; an index kept current by Add plans as one
// built afresh.
func TestSocketIndexedMatchesSocket(t *testing.T) {
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
	ix := NewIndex(rows[:len(rows)-1])
	ix.Add(rows[len(rows)-1], len(rows)-1)
	for name, got := range map[string]Plan{"fresh": SocketIndexed(rows, NewIndex(rows), want), "added": SocketIndexed(rows, ix, want)} {
		if !reflect.DeepEqual(got, full) {
			t.Errorf("%s index: %+v\nwant %+v", name, got, full)
		}
	}
	if got := SocketIndexed(rows, NewIndex(rows), Wants{"a": want["a"]}).Commands; !reflect.DeepEqual(got, []string{"enable server a/p:1", "disable server a/q:1"}) {
		t.Errorf("backend a alone: %q", got)
	}
}
