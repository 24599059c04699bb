package modernize

import (
	"errors"
	"slices"
	"strings"
	"testing"

	hapi "github.com/smartstack-go/smartstack/pkg/haproxy"
)

func version(t *testing.T, s string) hapi.Version {
	t.Helper()
	v, err := hapi.ParseVersion(s)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// translation is one 1.x line and what it becomes on HAProxy 2.6; these
// are also the lines the haproxy -c test loads.
type translation struct {
	name string
	kind Kind
	line string
	want []string // nil: left out
}

var translations = []translation{
	{"contimeout", Defaults, "contimeout 5000", []string{"timeout connect 5000"}},
	{"clitimeout", Defaults, "clitimeout  50s", []string{"timeout client 50s"}},
	{"srvtimeout", Backend, "srvtimeout 1m", []string{"timeout server 1m"}},
	{"timeout contimeout", Defaults, "timeout contimeout 5s", []string{"timeout connect 5s"}},
	{"timeout clitimeout", Frontend, "timeout clitimeout 5s", []string{"timeout client 5s"}},
	{"timeout srvtimeout", Listen, "timeout srvtimeout 5s", []string{"timeout server 5s"}},
	{"redispatch", Defaults, "redispatch", []string{"option redispatch"}},
	{"redisp", Backend, "redisp", []string{"option redispatch"}},
	{"option forceclose", Defaults, "option forceclose", []string{"option httpclose"}},
	{"no option forceclose", Backend, "no option forceclose", []string{"no option httpclose"}},
	{"option independant-streams", Defaults, "option independant-streams", []string{"option independent-streams"}},
	{"no option independant-streams", Listen, "no option independant-streams", []string{"no option independent-streams"}},
	{"option http-tunnel", Defaults, "option http-tunnel", nil},
	{"no option http-tunnel", Frontend, "no option http-tunnel", nil},
	{"option http-use-htx", Defaults, "option http-use-htx", nil},
	{"block if", Frontend, "block if { src 10.0.0.1 }", []string{"http-request deny if { src 10.0.0.1 }"}},
	{"block unless", Listen, "block unless METH_GET", []string{"http-request deny unless METH_GET"}},
	{"reqpass", Frontend, `reqpass ^X-Foo:`, nil},
	{"reqipass", Backend, `reqipass ^x-foo:`, nil},
	{"reqadd", Frontend, `reqadd X-Foo:\ bar`, []string{"http-request add-header X-Foo bar"}},
	{"reqadd with spaces and percent", Backend, `reqadd X-Foo:\ a\ 50%\ b`, []string{"http-request add-header X-Foo 'a 50%% b'"}},
	{"reqadd with condition", Listen, `reqadd X-Forwarded-Proto:\ https if { ssl_fc }`, []string{"http-request add-header X-Forwarded-Proto https if { ssl_fc }"}},
	{"rspadd", Frontend, `rspadd Strict-Transport-Security:\ max-age=31536000`, []string{"http-response add-header Strict-Transport-Security max-age=31536000"}},
	{"reqdel", Backend, `reqdel ^X-Forwarded-For:.*`, []string{"http-request del-header X-Forwarded-For"}},
	{"reqidel", Frontend, `reqidel ^x-real-ip:`, []string{"http-request del-header x-real-ip"}},
	{"rspidel name prefix", Frontend, `rspidel ^X-Backend`, []string{"http-response del-header X-Backend -m beg"}},
	{"reqdel name prefix", Backend, `reqdel ^X-Debug.*`, []string{"http-request del-header X-Debug -m beg"}},
	{"rspdel", Backend, `rspdel ^Server:\ .*`, []string{"http-response del-header Server"}},
	{"rspidel with condition", Listen, `rspidel ^X-Powered-By:.* unless { src 127.0.0.1 }`, []string{"http-response del-header X-Powered-By unless { src 127.0.0.1 }"}},
	{"reqrep path prefix", Backend, `reqrep ^([^\ :]*)\ /api/(.*) \1\ /\2`, []string{`http-request replace-path ^/api/(.*) '/\1'`}},
	{"reqrep path prefix added", Frontend, `reqrep ^([^\ :]*)\ /(.*) \1\ /v1/\2`, []string{`http-request replace-path ^/(.*) '/v1/\1'`}},
	{"reqrep path and query", Backend, `reqrep ^([^\ :]*)\ /old\?(.*) \1\ /new?\2`, []string{`http-request replace-pathq '^/old\?(.*)' '/new?\1'`}},
	{"reqirep path", Listen, `reqirep ^([^\ :]*)\ /CASE/(.*) \1\ /ci/\2 if { src 10.0.0.0/8 }`, []string{`http-request replace-path (?i)^/CASE/(.*) '/ci/\1' if { src 10.0.0.0/8 }`}},
	{"reqrep header", Backend, `reqrep ^Host:\ (.*)\.old\.com Host:\ \1.new.com`, []string{`http-request replace-header Host '^(.*)\.old\.com' '\1.new.com'`}},
	{"rsprep header", Frontend, `rsprep ^Location:\ http://(.*) Location:\ https://\1`, []string{`http-response replace-header Location ^http://(.*) 'https://\1'`}},
	{"rspirep header", Backend, `rspirep ^set-cookie:\ (.*)\ secure(.*) Set-Cookie:\ \1\2`, []string{`http-response replace-header set-cookie '(?i)^(.*) secure(.*)' '\1\2'`}},
	{"reqdeny header", Frontend, `reqdeny ^User-Agent:\ .*sqlmap`, []string{`http-request deny if { req.fhdr(User-Agent) -m reg ^.*sqlmap }`}},
	{"reqideny header present", Listen, `reqideny ^X-Debug:`, []string{`http-request deny if { req.fhdr_cnt(X-Debug) gt 0 }`}},
	{"reqideny with unless", Frontend, `reqideny ^User-Agent:\ curl unless { src 10.0.0.0/8 }`, []string{`http-request deny if { req.fhdr(User-Agent) -m reg -i ^curl } !{ src 10.0.0.0/8 }`}},
	{"reqtarpit", Backend, `reqtarpit ^X-Bad:\ yes if METH_POST`, []string{`http-request tarpit if { req.fhdr(X-Bad) -m reg ^yes } METH_POST`}},
	{"reqitarpit", Frontend, `reqitarpit ^user-agent:\ evil`, []string{`http-request tarpit if { req.fhdr(user-agent) -m reg -i ^evil }`}},
	{"rspdeny", Backend, `rspdeny ^X-Internal:`, []string{`http-response deny if { res.fhdr_cnt(X-Internal) gt 0 }`}},
	{"rspideny", Listen, `rspideny ^Content-Type:\ text/debug`, []string{`http-response deny if { res.fhdr(Content-Type) -m reg -i ^text/debug }`}},
	{"nbproc 1", Global, "nbproc 1", nil},
	{"stats socket process 1", Global, "stats socket /tmp/modernize-test.sock level admin process 1", []string{"stats socket /tmp/modernize-test.sock level admin"}},
	{"bind process all", Frontend, "bind 127.0.0.1:4 process all name web", []string{"bind 127.0.0.1:4 name web"}},
	{"bind-process", Frontend, "bind-process 1", nil},
	{"stats bind-process", Global, "stats bind-process 1", nil},
	{"tune.chksize", Global, "tune.chksize 16384", nil},
	{"tune.ssl.capture-cipherlist-size", Global, "tune.ssl.capture-cipherlist-size 0", []string{"tune.ssl.capture-buffer-size 0"}},
}

func TestTranslations(t *testing.T) {
	tr := Translator{Target: version(t, "2.6.12")}
	for _, c := range translations {
		t.Run(c.name, func(t *testing.T) {
			out, warns, err := tr.Section(c.kind, []Line{{Text: c.line, Where: "haproxy.defaults[0]"}})
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(out, c.want) && !(len(out) == 0 && c.want == nil) {
				t.Errorf("got %q, want %q", out, c.want)
			}
			if len(warns) != 1 || !strings.HasPrefix(warns[0], "haproxy.defaults[0]: ") {
				t.Errorf("warnings = %q, want one naming where the line came from", warns)
			}
		})
	}
}

func TestWarningWording(t *testing.T) {
	tr := Translator{Target: version(t, "2.6")}
	_, warns, err := tr.Section(Listen, []Line{{Text: `reqadd X-Foo:\ bar`, Where: "services.web.haproxy.listen[2]"}})
	if err != nil {
		t.Fatal(err)
	}
	want := `services.web.haproxy.listen[2]: "reqadd X-Foo:\\ bar" is HAProxy 1.x syntax, removed in 2.1; writing "http-request add-header X-Foo bar"`
	if len(warns) != 1 || warns[0] != want {
		t.Errorf("warnings = %q, want %q", warns, want)
	}
}

func TestUntranslatable(t *testing.T) {
	cases := []struct {
		name string
		kind Kind
		line string
		why  string
	}{
		{"reqrep on the HTTP version", Frontend, `reqrep ^(.*)\ HTTP/1\.0$ \1\ HTTP/1.1`, "only rewrites"},
		{"reqrep renaming a header", Backend, `reqrep ^X-A:\ (.*) X-B:\ \1`, "renaming"},
		{"reqrep with a wildcard path", Backend, `reqrep ^([^\ :]*)\ /a.b/(.*) \1\ /\2`, "literal path prefix"},
		{"reqrep dropping the rest", Backend, `reqrep ^([^\ :]*)\ /api/(.*) \1\ /`, "replacement"},
		{"reqrep with a method that matches headers", Backend, `reqrep ^([^\ ]*)\ /api/(.*) \1\ /\2`, "only rewrites"},
		{"rsprep on the status line", Frontend, `rsprep ^HTTP/1\.1\ 302\ (.*) HTTP/1.1\ 301\ \1`, "only rewrites"},
		{"reqdel on a value", Backend, `reqdel ^X-Foo:\ bad`, "one header"},
		{"reqdel unanchored", Backend, `reqdel X-Foo:`, "one header"},
		{"reqdel name regex", Backend, `reqdel ^X-(Foo|Bar):`, "one header"},
		{"reqdeny on the request line", Frontend, `reqdeny ^GET\ /admin`, "maps to an ACL"},
		{"reqdeny with an or condition", Frontend, `reqdeny ^X-A: if a || b`, "condition"},
		{"reqallow", Frontend, `reqallow ^X-Ok:`, "skips every later"},
		{"reqiallow", Frontend, `reqiallow ^X-Ok:`, "skips every later"},
		{"reqadd with a quote", Frontend, `reqadd X-Foo:\ "a"`, "quotes"},
		{"reqadd without a colon", Frontend, `reqadd X-Foo`, "header line"},
		{"block without a condition", Frontend, "block", "condition"},
		{"reqsetbe", Frontend, `reqsetbe ^Host:\ api api`, "use_backend"},
		{"appsession", Backend, "appsession JSESSIONID len 52 timeout 3h", "cookie"},
		{"monitor-net", Frontend, "monitor-net 10.0.0.0/8", "http-request return"},
		{"mode health", Listen, "mode health", "mode http"},
		{"grace", Frontend, "grace 10s", "grace"},
		{"option http_proxy", Backend, "option http_proxy", "set-dst"},
		{"nbproc 4", Global, "nbproc 4", "nbthread 4"},
		{"debug", Global, "debug", "-d"},
	}
	tr := Translator{Target: version(t, "2.6")}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			out, _, err := tr.Section(c.kind, []Line{{Text: c.line, Where: "haproxy.global[1]"}})
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("got %q, %v; want an *Error", out, err)
			}
			if !strings.HasPrefix(err.Error(), `haproxy.global[1]: "`) || !strings.Contains(err.Error(), c.why) {
				t.Errorf("error = %q, want one naming the key and containing %q", err, c.why)
			}
		})
	}
}

func TestVersions(t *testing.T) {
	cases := []struct {
		name, target string
		kind         Kind
		line         string
		want         []string
		warns        int
	}{
		{"1.x writes as is", "1.8.30", Frontend, `reqadd X-Foo:\ bar`, []string{`reqadd X-Foo:\ bar`}, 0},
		{"unknown writes as is", "", Frontend, "contimeout 5s", []string{"contimeout 5s"}, 0},
		{"2.0 translates", "2.0.33", Frontend, `reqadd X-Foo:\ bar`, []string{"http-request add-header X-Foo bar"}, 1},
		{"2.0 keeps an untranslatable reqrep it still loads", "2.0", Backend, `reqrep ^X-A:\ (.*) X-B:\ \1`, []string{`reqrep ^X-A:\ (.*) X-B:\ \1`}, 1},
		{"2.1 keeps replace-uri territory to the user", "2.0", Backend, `reqrep ^([^\ :]*)\ /api/(.*) \1\ /\2`, []string{`reqrep ^([^\ :]*)\ /api/(.*) \1\ /\2`}, 1},
		{"nbproc 1 stays before 2.5", "2.4", Global, "nbproc 1", []string{"nbproc 1"}, 0},
		{"monitor-net stays before 2.3", "2.2", Frontend, "monitor-net 10.0.0.0/8", []string{"monitor-net 10.0.0.0/8"}, 0},
		{"global keywords only in global", "2.6", Frontend, "nbproc 1", []string{"nbproc 1"}, 0},
		{"proxy keywords not in global", "2.6", Global, "contimeout 5s", []string{"contimeout 5s"}, 0},
		{"other sections as is", "2.6", Other, "contimeout 5s", []string{"contimeout 5s"}, 0},
		{"2.6 keeps a process 2 it still loads", "2.6", Frontend, "bind :80 process 2", []string{"bind :80 process 2"}, 1},
		{"bind without process is not looked at", "2.6", Frontend, `bind :443 ssl crt "/etc/x.pem"`, []string{`bind :443 ssl crt "/etc/x.pem"`}, 0},
		{"redispatch with arguments is not the old keyword", "2.6", Backend, "redispatch 1", []string{"redispatch 1"}, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var v hapi.Version
			if c.target != "" {
				v = version(t, c.target)
			}
			out, warns, err := Translator{Target: v}.Section(c.kind, []Line{{Text: c.line, Where: "k"}})
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(out, c.want) || len(warns) != c.warns {
				t.Errorf("got %q with %d warnings %q, want %q with %d", out, len(warns), warns, c.want, c.warns)
			}
		})
	}
}

func TestHeader(t *testing.T) {
	cases := []struct {
		header, head string
		body         []string
		warn         bool
	}{
		{"listen stats :1937", "listen stats", []string{"bind :1937"}, true},
		{"frontend f 0.0.0.0:80,:81", "frontend f", []string{"bind 0.0.0.0:80,:81"}, true},
		{"backend b 10.0.0.1:80", "backend b", nil, true},
		{"listen stats", "listen stats", nil, false},
		{"userlist admins", "userlist admins", nil, false},
		{"peers mypeers", "peers mypeers", nil, false},
	}
	tr := Translator{Target: version(t, "2.6")}
	for _, c := range cases {
		t.Run(c.header, func(t *testing.T) {
			head, body, w, err := tr.Header(`haproxy.extra_sections["`+c.header+`"]`, c.header)
			if err != nil {
				t.Fatal(err)
			}
			if head != c.head || !slices.Equal(body, c.body) || (w != "") != c.warn {
				t.Errorf("got %q %q %q", head, body, w)
			}
		})
	}
	if _, _, _, err := tr.Header("k", "listen stats :1937 extra"); err == nil {
		t.Error("words after the address: no error")
	}
	if head, _, w, _ := (Translator{}).Header("k", "listen stats :1937"); head != "listen stats :1937" || w != "" {
		t.Errorf("unknown version changed the header: %q %q", head, w)
	}
}

// TestOrder checks that converted rules run in 1.x's order: block first,
// then the proxy's http-request rules, then the filters in file order,
// reqadd last, all after the ACLs they name.
func TestOrder(t *testing.T) {
	in := []string{
		`reqadd X-Added:\ 1`,
		"acl bad src 10.0.0.1",
		`reqdel ^X-Del:`,
		"http-request set-header X-Set 1",
		"block if bad",
		"mode http",
		`rspadd X-R:\ 1`,
		"http-response set-header X-S 1",
	}
	var lines []Line
	for _, l := range in {
		lines = append(lines, Line{Text: l, Where: "k"})
	}
	out, _, err := Translator{Target: version(t, "2.6")}.Section(Frontend, lines)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"acl bad src 10.0.0.1",
		"http-request deny if bad",
		"http-request set-header X-Set 1",
		"http-request del-header X-Del",
		"http-request add-header X-Added 1",
		"mode http",
		"http-response set-header X-S 1",
		"http-response add-header X-R 1",
	}
	if !slices.Equal(out, want) {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(out, "\n"), strings.Join(want, "\n"))
	}
	plainOnly := []Line{{Text: "http-request set-header A 1"}, {Text: "acl a src 1.2.3.4"}, {Text: "http-request deny if a"}}
	out, _, _ = Translator{Target: version(t, "2.6")}.Section(Frontend, plainOnly)
	if !slices.Equal(out, []string{"http-request set-header A 1", "acl a src 1.2.3.4", "http-request deny if a"}) {
		t.Errorf("a section without converted rules was reordered: %q", out)
	}
}

func TestSplitWords(t *testing.T) {
	w, err := splitWords(`reqadd  X-A:\ b\#c\\d\x41\t # comment`)
	if err != nil {
		t.Fatal(err)
	}
	if len(w) != 2 || w[0].text != "reqadd" || w[1].text != "X-A: b#c\\dA\t" || w[1].start != 8 {
		t.Errorf("words = %+v", w)
	}
	if w, _ := splitWords(`x a\.b`); w[1].text != `a\.b` {
		t.Errorf("unknown escape: %q, want it kept for the regex", w[1].text)
	}
}
