package dns

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/smartstack-go/smartstack/internal/config"
	"github.com/smartstack-go/smartstack/pkg/registration"
)

func decode(t *testing.T, src string) (*Config, []config.Warning, error) {
	t.Helper()
	c := NewConfig()
	ws, err := config.Decode("synapse.yaml", []byte(src), c)
	if err == nil {
		err = c.Validate()
	}
	return c, ws, err
}

func TestConfigDecode(t *testing.T) {
	c, ws, err := decode(t, `
servers:
  - {name: web, host: web.example, port: "8080", labels: {zone: b, az: a}}
  - {name: 7, host: 10.0.0.1, port: 80, colour: red}
nameserver: 10.0.0.53
`)
	if err != nil {
		t.Fatal(err)
	}
	if len(ws) != 1 || !strings.Contains(ws[0].String(), "colour") {
		t.Errorf("warnings %v, want one naming colour", ws)
	}
	if time.Duration(c.CheckInterval) != DefaultCheckInterval {
		t.Errorf("check_interval default %s", c.CheckInterval)
	}
	if got := render([]registration.Backend{c.Servers[0].backend("10.1.1.1")}); got !=
		`{"name":"web","host":"10.1.1.1","port":"8080","id":null,"weight":null,"haproxy_server_options":null,"labels":{"zone":"b","az":"a"}}` {
		t.Errorf("server 0 as backend: %s", got)
	}
	if got := c.Nameserver.addrs(); !slices.Equal(got, []string{"10.0.0.53:53"}) {
		t.Errorf("nameserver %v", got)
	}
}

func TestConfigNameserverList(t *testing.T) {
	c, _, err := decode(t, `
servers: [{name: a, host: a.example, port: 1}]
nameserver: ["127.0.0.1:5353", "fd00::53", "[fd00::54]:54"]
check_interval: 0.25
`)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"127.0.0.1:5353", "[fd00::53]:53", "[fd00::54]:54"}
	if got := c.Nameserver.addrs(); !slices.Equal(got, want) {
		t.Errorf("nameservers %v, want %v", got, want)
	}
	if c.interval() != 250*time.Millisecond {
		t.Errorf("interval %s", c.interval())
	}
}

func TestConfigErrors(t *testing.T) {
	for src, want := range map[string]string{
		`nameserver: 10.0.0.1`:                                            "servers: missing",
		`servers: []`:                                                     "servers: missing",
		`servers: [web.example]`:                                          "want a mapping",
		`servers: [{name: a, port: 1}]`:                                   "host: missing",
		`servers: [{name: a, host: a}]`:                                   "port: missing",
		`servers: [{name: a, host: a, port: x}]`:                          "port",
		`servers: [{name: a, host: a, port: 1, labels: [x]}]`:             "labels",
		"servers: [{name: a, host: a, port: 1}]\nnameserver: dns.example": "nameserver[0]",
		"servers: [{name: a, host: a, port: 1}]\ncheck_interval: -1":      "check_interval",
	} {
		_, _, err := decode(t, src)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: err %v, want one mentioning %q", src, err, want)
		}
	}
}

// Without nameserver, resolv.conf's nameservers and search list are used.
func TestSystemNameservers(t *testing.T) {
	p := filepath.Join(t.TempDir(), "resolv.conf")
	if err := os.WriteFile(p, []byte("nameserver 10.9.9.9\nnameserver fd00::9\nsearch corp.example\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	old := resolvConfPath
	resolvConfPath = p
	t.Cleanup(func() { resolvConfPath = old })
	servers, names, err := (&Resolver{}).plan("web")
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"10.9.9.9:53", "[fd00::9]:53"}; !slices.Equal(servers, want) {
		t.Errorf("servers %v, want %v", servers, want)
	}
	if !slices.Contains(names, "web.corp.example.") {
		t.Errorf("names %v lack the search domain", names)
	}
}
