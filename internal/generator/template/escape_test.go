package template

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/smartstack-go/smartstack/internal/generator"
	"github.com/smartstack-go/smartstack/pkg/registration"
)

func TestValuesEscapedByDefault(t *testing.T) {
	tests := []struct {
		name, text, want string
	}{
		{"name", `{{range .Services}}{{range .Backends}}{{.Name}}{{end}}{{end}}`, `a%20b%3B%24%28x%29%23%22%C3%A9%25`},
		{"label key and value", `{{range .Services}}{{range .Backends}}{{range $k, $v := .Labels}}{{$k}}={{$v}}|{{end}}{{end}}{{end}}`, `az=us-east-1a|k%7Bx%7D=v%20%22w%22|`},
		{"raw name", `{{range .Services}}{{range .Backends}}{{.RawName}}{{end}}{{end}}`, `a b;$(x)#"é%`},
		{"json", `{{range .Services}}{{range .Backends}}{{json .RawName}} {{json .RawLabels}}{{end}}{{end}}`, `"a b;$(x)#\"é%" {"az":"us-east-1a","k{x}":"v \"w\""}`},
		{"quote", `{{range .Services}}{{range .Backends}}{{quote (index .RawLabels "k{x}")}}{{end}}{{end}}`, `"v \"w\""`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "o")
			g, err := newGen(t, `outputs: [{text: '`+tt.text+`', path: `+out+`}]`)
			if err != nil {
				t.Fatal(err)
			}
			cfg, err := g.Normalize("web", nil)
			if err != nil {
				t.Fatal(err)
			}
			b := backend(t, `{"host":"10.0.0.1","port":80,"name":"a b;$(x)#\"é%","labels":{"az":"us-east-1a","k{x}":"v \"w\""}}`)
			if err := g.Update(context.Background(), []generator.Service{svcOf("web", cfg, b)}); err != nil {
				t.Fatal(err)
			}
			got, _ := os.ReadFile(out)
			if string(got) != tt.want {
				t.Errorf("output %s, want %s", got, tt.want)
			}
		})
	}
}

func TestEscapeKeepsOrdinaryValues(t *testing.T) {
	for _, s := range []string{"", "i-0abc", "us-east-1a", "10.0.0.1:80", "a_b.c/d@e+f=g,h~i"} {
		if got := escape(s); got != s {
			t.Errorf("escape(%q) = %q", s, got)
		}
	}
}

func svcOf(name string, cfg any, bs ...registration.Backend) generator.Service {
	return generator.Service{Name: name, Config: cfg, Backends: bs}
}
