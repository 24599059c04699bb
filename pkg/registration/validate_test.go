package registration

import (
	"errors"
	"strings"
	"testing"
)

func TestValidate(t *testing.T) {
	long := strings.Repeat("a", 63)
	tests := []struct {
		name, json string
		key        string // "" when valid
	}{
		{"ipv4", `{"host":"10.0.0.1","port":80}`, ""},
		{"ipv6", `{"host":"2001:db8::1","port":80}`, ""},
		{"hostname", `{"host":"web-1.example.com.","port":80,"name":"i-1 ;$(x)#"}`, ""},
		{"labels ok", `{"host":"h","port":80,"labels":{"az":"a b","n":1,"o":{"x":["y"]}}}`, ""},
		{"63-char label", `{"host":"` + long + `.b","port":80}`, ""},
		{"newline in host", `{"host":"127.0.0.1 \n\thttp-request deny deny_status 403 #","port":80}`, "host"},
		{"second server", `{"host":"1.2.3.4\n server evil 6.6.6.6:80","port":80}`, "host"},
		{"space in host", `{"host":"a b","port":80}`, "host"},
		{"underscore", `{"host":"default_server1","port":80}`, ""},
		{"64-char label", `{"host":"` + long + `a.b","port":80}`, "host"},
		{"300-char host", `{"host":"` + strings.Repeat("a.", 150) + `","port":80}`, "host"},
		{"unicode host", `{"host":"exämple.com","port":80}`, "host"},
		{"leading hyphen", `{"host":"-a","port":80}`, "host"},
		{"empty label", `{"host":"a..b","port":80}`, "host"},
		{"ipv6 zone", `{"host":"fe80::1%eth0","port":80}`, "host"},
		{"bad ipv6", `{"host":"1::2::3","port":80}`, "host"},
		{"name newline", `{"host":"h","port":80,"name":"a\nb"}`, "name"},
		{"name DEL", `{"host":"h","port":80,"name":"a\u007fb"}`, "name"},
		{"name C1", `{"host":"h","port":80,"name":"a\u0085b"}`, "name"},
		{"options tab", `{"host":"h","port":80,"haproxy_server_options":"check\tinter 1s"}`, "haproxy_server_options"},
		{"label value", `{"host":"h","port":80,"labels":{"az":"a\rb"}}`, "labels.az"},
		{"nested label", `{"host":"h","port":80,"labels":{"o":{"x":["\u0000"]}}}`, "labels.o.x"},
		{"label key", `{"host":"h","port":80,"labels":{"a\nb":"x"}}`, "labels"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := Parse([]byte(tt.json), Format{Method: Nerve})
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			err = b.Validate()
			if tt.key == "" {
				if err != nil {
					t.Fatalf("Validate = %v, want nil", err)
				}
				return
			}
			var ie *InvalidError
			if !errors.As(err, &ie) || ie.Key != tt.key || !errors.Is(err, ErrInvalid) {
				t.Fatalf("Validate = %v, want an InvalidError for %q", err, tt.key)
			}
			if !strings.Contains(err.Error(), `"`+tt.key+`"`) {
				t.Errorf("error %q does not name the key", err)
			}
		})
	}
}

func TestWeightIntClamps(t *testing.T) {
	for _, tt := range []struct {
		w    string
		want int
		ok   bool
	}{{"0", 0, true}, {"256", 256, true}, {"257", 256, true}, {"9999", 256, true}, {"99999999999999999999", 0, false}, {"-1", 0, false}, {`"5"`, 0, false}} {
		b, err := Parse([]byte(`{"host":"h","port":1,"weight":`+tt.w+`}`), Format{Method: Nerve})
		if err != nil {
			t.Fatal(err)
		}
		if got, ok := b.WeightInt(); got != tt.want || ok != tt.ok {
			t.Errorf("weight %s: WeightInt = %d, %v; want %d, %v", tt.w, got, ok, tt.want, tt.ok)
		}
	}
}

func BenchmarkValidate(b *testing.B) {
	be, err := Parse([]byte(`{"host":"10.1.2.3","port":31000,"name":"i-0123456789abcdef","labels":{"az":"us-east-1a","rack":"r12"}}`), Format{Method: Nerve})
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if err := be.Validate(); err != nil {
			b.Fatal(err)
		}
	}
}
