package plan

import (
	"strings"
	"testing"

	hapi "github.com/smartstack-go/smartstack/pkg/haproxy"
)

func TestRuns(t *testing.T) {
	cfg := Split("\nglobal\n\tdaemon\n\nfrontend f\n\tbind :1\n\nbackend b\n\tserver s1 h:1 id 1\n\tserver s2 h:2 id 2 disabled\n")
	want := Proxies(cfg)
	base := []hapi.StatRow{
		{Proxy: "GLOBAL", Type: hapi.TypeFrontend}, {Proxy: "f", Type: hapi.TypeFrontend},
		row("b", "", "UP"), row("b", "s1", "UP"), row("b", "s2", "MAINT"),
	}
	tests := []struct {
		name string
		rows []hapi.StatRow
		want string // error substring, "" for none
	}{
		{"same", base, ""},
		{"server missing", base[:4], "runs 1 servers"},
		{"extra server", append(append([]hapi.StatRow{}, base...), row("b", "s3", "UP")), "s3 is not in the config"},
		{"proxy missing", base[2:], "proxy f is not running"},
		{"extra proxy", append(append([]hapi.StatRow{}, base...), row("x", "", "UP")), "runs 3 proxies"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := Runs(tt.rows, want)
			if (err == nil) != (tt.want == "") || err != nil && !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Runs = %v, want %q", err, tt.want)
			}
		})
	}
}
