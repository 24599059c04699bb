package haproxy

import (
	"strings"
	"testing"

	"github.com/smartstack-go/smartstack/internal/generator/haproxy/plan"
	"github.com/smartstack-go/smartstack/internal/generator/haproxy/render"
	"github.com/smartstack-go/smartstack/internal/generator/haproxy/stanza"
	hapi "github.com/smartstack-go/smartstack/pkg/haproxy"
	"github.com/smartstack-go/smartstack/pkg/haproxy/serveropt"
	"github.com/smartstack-go/smartstack/pkg/registration"
)

// FuzzRegistrationIsData feeds arbitrary znode data through what synapse
// does with it: registration.Parse, Validate (the synapse choke point),
// the options intake, Render, and the runtime commands built from the
// rendered line. Whatever the bytes, the backend stanza holds exactly one
// server line, which splits back into the registration's own name,
// address and options, and no command carries a separator inside a value.
func FuzzRegistrationIsData(f *testing.F) {
	for _, s := range []string{
		`{"host":"10.0.0.1","port":80,"name":"i-1"}`,
		`{"host":"127.0.0.1 \n\thttp-request deny deny_status 403 #","port":80}`,
		`{"host":"1.2.3.4\n server evil 6.6.6.6:80","port":80}`,
		`{"host":"10.0.0.1","port":"80","name":"a b;$(rm -rf /)#x"}`,
		`{"host":"h","port":1,"haproxy_server_options":"check inter 2s; disable server x/y"}`,
		`{"host":"h","port":1,"haproxy_server_options":"id 5 backup","weight":9999}`,
		`{"host":"2001:db8::1","port":443,"haproxy_server_options":"check port %{port} agent-check agent-port 9"}`,
		`{"host":"exämple.com","port":1,"name":"é"}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		b, err := registration.Parse(data, registration.Format{Method: registration.Nerve})
		if err != nil || b.Validate() != nil {
			return // skipped by synapse, with a log line and a metric
		}
		b = optionsWarner{}.intake("svc", []registration.Backend{b}, func(string, error) {})[0]
		line := renderOne(t, b)
		checkServerLine(t, b, line)
		checkCommands(t, b, line)
	})
}

// renderOne renders a service with the one backend and returns its
// server line, failing unless the rest of the config is exactly what the
// same service renders without backends.
func renderOne(t *testing.T, b registration.Backend) string {
	t.Helper()
	cfg := testConfig()
	cfg.UseNerveWeights = true
	render := func(bs ...Backend) string {
		svc := Service{Name: "svc", Config: &ServiceConfig{BackendOrder: "asc", ServerOptions: "check"}, Backends: bs}
		res, err := Render(Input{Config: cfg, Services: []Service{svc}})
		if err != nil {
			t.Fatalf("Render: %v", err)
		}
		_, body, _ := strings.Cut(res.Text, "\n") // the timestamp header
		return body
	}
	empty, full := render(), render(Backend{Backend: b})
	var servers, rest []string
	for _, l := range strings.Split(full, "\n") {
		if strings.HasPrefix(l, "\tserver ") {
			servers = append(servers, l)
		} else {
			rest = append(rest, l)
		}
	}
	if len(servers) != 1 || strings.Join(rest, "\n") != empty {
		t.Fatalf("config with %+v:\n%s\nwant one server line added to:\n%s", b, full, empty)
	}
	return strings.TrimPrefix(servers[0], "\t")
}

func checkServerLine(t *testing.T, b registration.Backend, line string) {
	t.Helper()
	if strings.ContainsFunc(line, func(r rune) bool { return r < ' ' || r == 0x7f || r == '#' || r == ';' }) {
		t.Fatalf("server line %q carries a control character, '#' or ';'", line)
	}
	f := strings.Fields(line)
	name := ServerName(b)
	if len(f) < 3 || f[0] != "server" || f[1] != name || f[2] != b.Host+":"+b.Port.String() {
		t.Fatalf("server line %q does not split into name %q and address %s:%s", line, name, b.Host, b.Port)
	}
	for i := 0; i < len(name); i++ {
		if !nameChar(name[i]) {
			t.Fatalf("server name %q has %q", name, name[i])
		}
	}
	hso, ok := b.HAProxyServerOptions.AsString()
	if !ok {
		return
	}
	expanded, err := render.Expand(hso, b.Host, b.Port.String(), name)
	if err != nil {
		t.Fatalf("options %q kept but do not expand: %v", hso, err)
	}
	o, err := serveropt.Parse(expanded)
	if err != nil {
		t.Fatalf("options %q kept but refused: %v", hso, err)
	}
	words := strings.Join(f[3:], " ") + " "
	for _, tok := range o.Without("weight").Tokens() {
		if !strings.Contains(" "+words, " "+tok+" ") {
			t.Fatalf("server line %q lacks option word %q of %q", line, tok, hso)
		}
	}
}

func checkCommands(t *testing.T, b registration.Backend, line string) {
	t.Helper()
	s := stanza.LineServer(line)
	port, _ := b.PortInt()
	cmds := append(plan.AddServerCommands("svc", s),
		hapi.SetWeightCommand("svc", s.Name, s.Weight()),
		hapi.SetAddrCommand("svc", s.Name, b.Host, port),
		hapi.SetServerStateCommand("svc", s.Name, hapi.Maint))
	for _, c := range cmds {
		if strings.ContainsAny(c, ";\n\r\x00") {
			t.Fatalf("runtime command %q carries a separator or was refused", c)
		}
		if !strings.Contains(c, " svc/"+s.Name) {
			t.Fatalf("runtime command %q is not about server %s", c, s.Name)
		}
	}
}
