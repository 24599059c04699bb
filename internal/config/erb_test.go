package config

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

func testEnv(k string) (string, bool) {
	v, ok := map[string]string{"ZK": "zk1:2181", "EMPTY": "", "MULTI": "a\nb"}[k]
	return v, ok
}

func TestRenderERB(t *testing.T) {
	tests := []struct{ name, src, want string }{
		{"single quotes", "h: <%= ENV['ZK'] %>", "h: zk1:2181"},
		{"double quotes", `h: <%= ENV["ZK"] %>`, "h: zk1:2181"},
		{"no spaces", "h: <%=ENV['ZK']%>", "h: zk1:2181"},
		{"inner spaces", "h: <%=  ENV[ 'ZK' ]  %>", "h: zk1:2181"},
		{"unset is empty", "h: '<%= ENV['NOPE'] %>'", "h: ''"},
		{"set but empty", "h: '<%= ENV['EMPTY'] %>'", "h: ''"},
		{"fetch set", "h: <%= ENV.fetch('ZK', 'x') %>", "h: zk1:2181"},
		{"fetch default", "h: <%= ENV.fetch('NOPE', 'localhost:2181') %>", "h: localhost:2181"},
		{"fetch double quotes", `h: <%= ENV.fetch("NOPE", "d") %>`, "h: d"},
		{"fetch mixed quotes", `h: <%= ENV.fetch("NOPE", 'd') %>`, "h: d"},
		{"fetch spaces", "h: <%= ENV.fetch( 'NOPE' ,'d' ) %>", "h: d"},
		{"fetch empty default", "h: '<%= ENV.fetch('NOPE', '') %>'", "h: ''"},
		{"fetch set to empty beats default", "h: '<%= ENV.fetch('EMPTY', 'd') %>'", "h: ''"},
		{"fetch without default, set", "h: <%= ENV.fetch('ZK') %>", "h: zk1:2181"},
		{"single-quote escapes", `h: <%= ENV.fetch('NOPE', 'it\'s a \\ path\n') %>`, `h: it's a \ path\n`},
		{"percent in default", "h: <%= ENV.fetch('NOPE', '50%') %>", "h: 50%"},
		{"trim newline", "a: <%= ENV['ZK'] -%>\nb: 1\n", "a: zk1:2181b: 1\n"},
		{"trim crlf", "a: <%= ENV['ZK'] -%>\r\nb", "a: zk1:2181b"},
		{"trim without newline", "a: <%= ENV['ZK'] -%> b", "a: zk1:2181 b"},
		{"comment dropped", "a: 1 <%# set by puppet %>\n", "a: 1 \n"},
		{"comment trimmed", "<%# header -%>\na: 1\n", "a: 1\n"},
		{"escaped tag", "a: '<%% literal %>'", "a: '<% literal %>'"},
		{"several", "<%= ENV['ZK'] %>,<%= ENV['ZK'] %>", "zk1:2181,zk1:2181"},
		{"value not rendered again", "<%= ENV['MULTI'] %>", "a\nb"},
		{"close without open", "a: 100%>", "a: 100%>"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := RenderERB("f", []byte(tc.src), testEnv)
			if err != nil || string(got) != tc.want {
				t.Errorf("got %q %v, want %q", got, err, tc.want)
			}
		})
	}
}

func TestRenderERBErrors(t *testing.T) {
	tests := []struct {
		name, src string
		want      []string
	}{
		{"statement", "a: 1\n<% if true %>\nb: 2\n<% end %>\n", []string{
			`s.yaml:2: erb tag "<% if true %>": unsupported, only <%= ENV['NAME'] %> and <%= ENV.fetch('NAME', 'default') %> are supported`,
			`s.yaml:4: erb tag "<% end %>": unsupported, only <%= ENV['NAME'] %> and <%= ENV.fetch('NAME', 'default') %> are supported`,
		}},
		{"arithmetic", "\n\na: <%= 1+1 %>", []string{`s.yaml:3: erb tag "<%= 1+1 %>": unsupported`}},
		{"method call on value", "a: <%= ENV['A'].upcase %>", []string{`s.yaml:1: erb tag "<%= ENV['A'].upcase %>": unsupported`}},
		{"fetch block", "a: <%= ENV.fetch('A') { 'x' } %>", []string{`s.yaml:1: erb tag "<%= ENV.fetch('A') { 'x' } %>": unsupported`}},
		{"interpolation", `a: <%= ENV.fetch('A', "#{x}") %>`, []string{`s.yaml:1: erb tag "<%= ENV.fetch('A', \"#{x}\") %>": unsupported`}},
		{"unquoted name", "a: <%= ENV[A] %>", []string{`s.yaml:1: erb tag "<%= ENV[A] %>": unsupported`}},
		{"unterminated quote", "a: <%= ENV['A] %>", []string{`s.yaml:1: erb tag "<%= ENV['A] %>": unsupported`}},
		{"leading trim", "a: <%- x %>", []string{`s.yaml:1: erb tag "<%- x %>": unsupported`}},
		{"fetch unset, no default", "a: 1\nb: <%= ENV.fetch('NOPE') %>",
			[]string{`s.yaml:2: erb tag "<%= ENV.fetch('NOPE') %>": environment variable NOPE is not set and ENV.fetch has no default`}},
		{"unterminated", "a: 1\nb: <%= ENV['ZK']\nc: 2\n", []string{`s.yaml:2: erb tag "<%= ENV['ZK']\nc: 2\n": unterminated erb tag, missing %>`}},
		{"line after multi-line tag", "<%# a\nb %>\n<% x %>", []string{`s.yaml:3: erb tag "<% x %>": unsupported`}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := RenderERB("s.yaml", []byte(tc.src), testEnv)
			got := errorLines(err)
			if len(got) != len(tc.want) {
				t.Fatalf("got %q, want %q", got, tc.want)
			}
			for i := range got {
				if !strings.HasPrefix(got[i], tc.want[i]) {
					t.Errorf("got  %q\nwant %q...", got[i], tc.want[i])
				}
			}
			var e *Error
			if !errors.As(err, &e) || e.File != "s.yaml" || e.Line == 0 {
				t.Errorf("not an *Error with file and line: %#v", err)
			}
		})
	}
}

func TestRenderERBUntouched(t *testing.T) {
	src := []byte("a: 100%\nb: '%>'\nc: <\n%\n\xff\xfe binary\x00")
	got, err := RenderERB("f", src, nil)
	if err != nil || !bytes.Equal(got, src) {
		t.Errorf("got %q %v", got, err)
	}
}

func TestRenderERBDefaultLookup(t *testing.T) {
	t.Setenv("SMARTSTACK_CONFIG_TEST", "from-env")
	got, err := RenderERB("f", []byte("<%= ENV['SMARTSTACK_CONFIG_TEST'] %>"), nil)
	if err != nil || string(got) != "from-env" {
		t.Errorf("got %q %v", got, err)
	}
}
