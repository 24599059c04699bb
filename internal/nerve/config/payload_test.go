package config

import (
	"path/filepath"
	"strings"
	"testing"
)

// service wraps the keys of one service "s" into a config.
func service(keys string) string {
	return "instance_id: i-1\nservices:\n  s:\n    zk_hosts: [zk1:2181]\n    zk_path: /nerve/s\n" +
		"    " + strings.ReplaceAll(strings.TrimSpace(keys), "\n", "\n    ") + "\n"
}

// The payload rules: key order, optional
// keys only when configured, the port in its configured JSON type, labels
// in file order.
func TestPayload(t *testing.T) {
	tests := []struct {
		name, keys string
		want       string // payload, or the error line's end
	}{
		{"minimal", "host: 1.2.3.4\nport: 3000", `{"host":"1.2.3.4","port":3000,"name":"i-1"}`},
		{"weight 3", "host: h\nport: 1\nweight: 3", `{"host":"h","port":1,"name":"i-1","weight":3}`},
		{"weight 0", "host: h\nport: 1\nweight: 0", `{"host":"h","port":1,"name":"i-1","weight":0}`},
		{"weight string", "host: h\nport: 1\nweight: \"3\"", `{"host":"h","port":1,"name":"i-1","weight":3}`},
		{"weight hello", "host: h\nport: 1\nweight: hello", `services.s.weight: invalid 'weight' argument in service data: "hello", want a non-negative integer`},
		{"weight -1", "host: h\nport: 1\nweight: -1", `services.s.weight: invalid 'weight' argument in service data: "-1", want a non-negative integer`},
		{"string port", "host: h\nport: \"3000\"", `{"host":"h","port":"3000","name":"i-1"}`},
		{"haproxy_server_options", "host: h\nport: 1\nhaproxy_server_options: backup", `{"host":"h","port":1,"name":"i-1","haproxy_server_options":"backup"}`},
		{"haproxy_server_options null", "host: h\nport: 1\nhaproxy_server_options:", `{"host":"h","port":1,"name":"i-1","haproxy_server_options":null}`},
		{"labels", "host: h\nport: 1\nlabels: {az: us-west-1, custom_key: custom_value}",
			`{"host":"h","port":1,"name":"i-1","labels":{"az":"us-west-1","custom_key":"custom_value"}}`},
		{"labels keep file order and JSON types", "host: h\nport: 1\nlabels: {zz: 1, aa: {y: on, b: ~}, mm: [1, x, 2.50], e: 1e5, q: \"2\"}",
			`{"host":"h","port":1,"name":"i-1","labels":{"zz":1,"aa":{"y":true,"b":null},"mm":[1,"x",2.5],"e":"1e5","q":"2"}}`},
		{"labels null", "host: h\nport: 1\nlabels: ~", `{"host":"h","port":1,"name":"i-1","labels":null}`},
		{"all keys in order", "labels: {b: 1}\nhaproxy_server_options: backup\nweight: 2\nport: 1\nhost: h",
			`{"host":"h","port":1,"name":"i-1","weight":2,"haproxy_server_options":"backup","labels":{"b":1}}`},
		{"escaping as ruby", "host: h\nport: 1\nlabels: {u: \"é</\"}", `{"host":"h","port":1,"name":"i-1","labels":{"u":"é</"}}`},
		{"no host", "port: 1", "services.s: missing required argument host"},
		{"no port", "host: h", "services.s: missing required argument port"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cfg, _, err := loadString(t, "nerve.yaml", service(tc.keys))
			if !strings.HasPrefix(tc.want, "{") {
				if err == nil || !strings.HasSuffix(err.Error(), tc.want) {
					t.Fatalf("error %v, want one ending in %q", err, tc.want)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := string(cfg.Services["s"].Payload()); got != tc.want {
				t.Fatalf("payload\n got %s\nwant %s", got, tc.want)
			}
		})
	}
}

// instance_id is required as well.
func TestPayloadNeedsInstanceID(t *testing.T) {
	_, _, err := loadString(t, "nerve.yaml", "services: {s: {host: h, port: 1, zk_hosts: [z], zk_path: /p}}")
	if err == nil || !strings.HasSuffix(err.Error(), "instance_id: you need to specify required argument instance_id") {
		t.Fatalf("error %v", err)
	}
}

// Each example service file loads with instance_id
// "1", gets its reporter and checks, and writes weight 2; labels added by
// an overlay reach the payload.
func TestExampleServices(t *testing.T) {
	dir := t.TempDir()
	main := writeFile(t, dir, "nerve.yaml", "instance_id: \"1\"\nservice_conf_dir: testdata/example/nerve_services\n")
	overlay := writeFile(t, dir, "overlay.yaml", `services:
  etcd_service1: {labels: {az: us-west-1}}
  zookeeper_service1: {labels: {az: us-west-1}}
`)
	files, err := filepath.Glob("testdata/example/nerve_services/*.json")
	if err != nil || len(files) != 2 {
		t.Fatalf("example services: %v %v", files, err)
	}
	plain := mustLoad(t, LoadOptions{Path: main})
	labelled := mustLoad(t, LoadOptions{Path: main, OverlayPath: overlay})
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".json")
		t.Run(name, func(t *testing.T) {
			s := plain.Services[name]
			if s.Reporter == nil || len(s.Checks) != 1 || s.Checks[0].Check == nil {
				t.Fatalf("not built: %+v", s)
			}
			want := `{"host":"1.2.3.4","port":3000,"name":"1","weight":2}`
			if got := string(s.Payload()); got != want {
				t.Errorf("payload %s, want %s", got, want)
			}
			want = `{"host":"1.2.3.4","port":3000,"name":"1","weight":2,"labels":{"az":"us-west-1"}}`
			if got := string(labelled.Services[name].Payload()); got != want {
				t.Errorf("labelled payload %s, want %s", got, want)
			}
		})
	}
}

func TestRegistration(t *testing.T) {
	cfg, _, err := loadString(t, "nerve.yaml", service("host: h\nport: \"8080\"\nweight: 5"))
	if err != nil {
		t.Fatal(err)
	}
	s := cfg.Services["s"]
	r := s.Registration()
	if r.Host != "h" || !r.Port.IsString() || r.Port.String() != "8080" || r.Name != "i-1" || *r.Weight != 5 {
		t.Errorf("registration %+v", r)
	}
	rs := s.ReporterService()
	if rs.Name != "s" || rs.InstanceID != "i-1" || string(rs.Payload) != string(s.Payload()) || rs.CheckInterval != s.CheckInterval {
		t.Errorf("reporter service %+v", rs)
	}
	// Payload returns a copy: a caller cannot change what later ones get.
	p := s.Payload()
	p[0] = 'X'
	if s.Payload()[0] != '{' {
		t.Error("Payload returns shared bytes")
	}
}
