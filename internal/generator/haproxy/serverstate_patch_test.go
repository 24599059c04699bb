package haproxy

import (
	"testing"

	"github.com/smartstack-go/smartstack/internal/generator/haproxy/stanza"
)

// Live slots are saved at their config line's address; free slots, other
// servers, host names and unreadable lines are kept.
func TestWithConfigAddrs(t *testing.T) {
	backends := stanza.Parse("backend svc\n\tserver slot1 10.0.0.1:80 id 1\n\tserver slot2 10.0.0.2:80 id 2 disabled\n" +
		"\tserver slot3 db.example:80 id 3\n\tserver other 10.0.0.4:80\n")
	state := "1\n# be_id be_name srv_id srv_name srv_addr srv_op_state srv_port\n" +
		"3 svc 1 slot1 10.9.9.1 2 99\n" +
		"3 svc 2 slot2 10.9.9.2 2 99\n" +
		"3 svc 3 slot3 10.9.9.3 2 99\n" +
		"3 svc 4 other 10.9.9.4 2 99\n" +
		"3 svc 5\n" +
		"4 gone 1 slot1 10.9.9.5 2 99\n"
	want := "1\n# be_id be_name srv_id srv_name srv_addr srv_op_state srv_port\n" +
		"3 svc 1 slot1 10.0.0.1 2 80\n" +
		"3 svc 2 slot2 10.9.9.2 2 99\n" +
		"3 svc 3 slot3 10.9.9.3 2 99\n" +
		"3 svc 4 other 10.9.9.4 2 99\n" +
		"3 svc 5\n" +
		"4 gone 1 slot1 10.9.9.5 2 99\n"
	if got := withConfigAddrs(state, backends); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	if got := withConfigAddrs("1\nno header\n", backends); got != "1\nno header\n" {
		t.Errorf("a dump without header changed: %q", got)
	}
}
