package registration

import (
	"testing"
)

func id(n int64) *int64 { return &n }

// Node data as other tools write it (from synapse's zookeeper watcher tests).
const zkData = `{"host":"server","port":"8888","name":"server","weight":"1","haproxy_server_options":"backup","labels":{"az":"us-east-1a"}}`

func TestParseChildSpecExamples(t *testing.T) {
	tests := []struct {
		name, child, data string
		f                 Format
		want              Backend
	}{
		{"decoded unchanged", "test_child_1", zkData, Format{},
			Backend{Name: StringValue("server"), Host: "server", Port: StringPort("8888"), ID: id(1),
				Weight: StringValue("1"), HAProxyServerOptions: StringValue("backup"), Labels: strMembers("az", "us-east-1a")}},
		{"extra field dropped", "i-xxxxxxx_0000000005",
			`{"host":"server","port":"8888","name":"server","weight":"1","haproxy_server_options":"backup","labels":{"az":"us-east-1a"},"skipGc":true,"haproxy_server_id":9}`,
			Format{},
			Backend{Name: StringValue("server"), Host: "server", Port: StringPort("8888"), ID: id(5),
				Weight: StringValue("1"), HAProxyServerOptions: StringValue("backup"), Labels: strMembers("az", "us-east-1a")}},
		{"nerve payload, no sequence", "mymachine_", `{"host":"1.2.3.4","port":3000,"name":"mymachine","weight":2}`, Format{},
			Backend{Name: StringValue("mymachine"), Host: "1.2.3.4", Port: NumberPort(3000), Weight: IntValue(2)}},
		{"nulls read as absent", "x_1", `{"host":"h","port":1,"name":null,"weight":null,"haproxy_server_options":null,"labels":null}`,
			Format{}, Backend{Host: "h", Port: NumberPort(1), ID: id(1)}},
		{"serverset serviceEndpoint, shard 0", "member_0000000007", serversetData, Format{Method: ServerSet},
			Backend{Name: StringValue("0"), Host: "somehostname", Port: NumberPort(31943), ID: id(7)}},
		{"serverset endpoint_name", "member_0000000007", serversetData, Format{Method: ServerSet, EndpointName: "otherport"},
			Backend{Name: StringValue("0"), Host: "somehostname", Port: NumberPort(31944), ID: id(7)}},
		{"serverset without shard, DEAD still used", "m",
			`{"serviceEndpoint":{"host":"h","port":1,"name":"ignored"},"status":"DEAD"}`, Format{Method: ServerSet},
			Backend{Host: "h", Port: NumberPort(1)}},
		{"serverset shard 12", "m", `{"serviceEndpoint":{"host":"h","port":"1"},"shard":12}`, Format{Method: ServerSet},
			Backend{Name: StringValue("12"), Host: "h", Port: StringPort("1")}},
		{"serverset shard false", "m", `{"serviceEndpoint":{"host":"h","port":1},"shard":false}`, Format{Method: ServerSet},
			Backend{Host: "h", Port: NumberPort(1)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseChild(tt.child, []byte(tt.data), tt.f)
			if err != nil {
				t.Fatalf("ParseChild: %v", err)
			}
			if !got.Equal(tt.want) {
				t.Errorf("got  %s\nwant %s", got.Value(), tt.want.Value())
			}
		})
	}
}

// From the comment in synapse's zookeeper.rb (serverset_decode).
const serversetData = `{"additionalEndpoints":{"serverset":{"host":"somehostname","port":31943},` +
	`"http":{"host":"somehostname","port":31943},"otherport":{"host":"somehostname","port":31944}},` +
	`"serviceEndpoint":{"host":"somehostname","port":31943},"shard":0,"status":"ALIVE"}`

func TestParseChildName(t *testing.T) {
	// As in synapse's zookeeper watcher tests; names computed with coreutils base64.
	labelled := "base64_112_eyJob3N0IjoiMTI3LjAuMC4xIiwicG9ydCI6IjMwMDAiLCJsYWJlbHMiOnsicmVnaW9uIjoidXMtZWFzdC0xIiwiYXoiOiJ1cy1lYXN0LTFhIn19_"
	plain := "base64_48_eyJob3N0IjoiMTI3LjAuMC4xIiwicG9ydCI6IjMwMDAifQ==_"
	labels := strMembers("region", "us-east-1", "az", "us-east-1a")
	tests := []struct {
		child string
		want  Backend
	}{
		{labelled + "0000000003", Backend{Host: "127.0.0.1", Port: StringPort("3000"), ID: id(3), Labels: labels}},
		{labelled, Backend{Host: "127.0.0.1", Port: StringPort("3000"), Labels: labels}},
		{plain + "0000000005", Backend{Host: "127.0.0.1", Port: StringPort("3000"), ID: id(5)}},
		{plain[:len(plain)-1], Backend{Host: "127.0.0.1", Port: StringPort("3000")}},
		{"base64_46_eyJob3N0IjoiMTI3LjAuMC4xIiwicG9ydCI6IjMwMDAifQ_0000000005", // unpadded
			Backend{Host: "127.0.0.1", Port: StringPort("3000"), ID: id(5)}},
		{encodedNames[0].prefix + "0000000000",
			Backend{Name: StringValue("macbook-pro"), Host: "127.0.0.1", Port: NumberPort(6007), ID: id(0)}},
		{encodedNames[5].prefix + "0000000042",
			Backend{Name: StringValue("~~~"), Host: "h>?", Port: NumberPort(1), ID: id(42)}},
	}
	for _, tt := range tests {
		t.Run(tt.child, func(t *testing.T) {
			got, err := ParseChildName(tt.child)
			if err != nil {
				t.Fatalf("ParseChildName: %v", err)
			}
			if !got.Equal(tt.want) {
				t.Errorf("got  %s\nwant %s", got.Value(), tt.want.Value())
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	const p = "registration: "
	ss := Format{Method: ServerSet}
	tests := []struct {
		name, data string
		f          Format
		want       string
	}{
		{"empty", ``, Format{}, p + "invalid JSON: empty input"},
		{"not JSON", `{"host":`, Format{}, p + "invalid JSON: unexpected EOF"},
		{"trailing data", `{"host":"h","port":1}x`, Format{}, p + "invalid JSON: trailing data after the JSON value"},
		{"array", `[1]`, Format{}, p + "data is an array, want a JSON object"},
		{"string", `"x"`, Format{}, p + "data is a string, want a JSON object"},
		{"no host", `{"port":6666,"name":"x"}`, Format{}, p + `missing "host"`},
		{"no port", `{"host":"h","name":"foobar"}`, Format{}, p + `missing "port"`},
		{"null host", `{"host":null,"port":1}`, Format{}, p + `"host" is null, want a string`},
		{"empty host", `{"host":"","port":1}`, Format{}, p + `"host" is empty`},
		{"numeric host", `{"host":1,"port":1}`, Format{}, p + `"host" is a number, want a string`},
		{"null port", `{"host":"h","port":null}`, Format{}, p + `"port" is null, want a number or a string`},
		{"port word", `{"host":"host","port":"port","name":"instance_id"}`, Format{}, p + `invalid "port" "port": want an integer 0-65535`},
		{"port float", `{"host":"h","port":3000.0}`, Format{}, p + `invalid "port" 3000.0: want an integer 0-65535`},
		{"port too big", `{"host":"h","port":65536}`, Format{}, p + `invalid "port" 65536: want an integer 0-65535`},
		{"port negative", `{"host":"h","port":"-1"}`, Format{}, p + `invalid "port" "-1": want an integer 0-65535`},
		{"port bool", `{"host":"h","port":true}`, Format{}, p + `"port" is a bool, want a number or a string`},
		{"name number", `{"host":"h","port":1,"name":5}`, Format{}, p + `"name" is a number, want a string`},
		{"labels string", `{"host":"h","port":1,"labels":"az"}`, Format{}, p + `"labels" is a string, want an object`},
		{"too deep", `{"host":"h","port":1,"labels":` + deep(100) + `}`, Format{}, p + "invalid JSON: nesting deeper than 100 levels"},
		{"serverset no serviceEndpoint", `{"shard":1}`, ss, p + `serverset has no "serviceEndpoint"`},
		{"serverset endpoint not object", `{"serviceEndpoint":[]}`, ss, p + "serverset serviceEndpoint is an array, want an object"},
		{"serverset missing additional", serversetData, Format{Method: ServerSet, EndpointName: "grpc"}, p + `serverset has no additional endpoint "grpc"`},
		{"serverset endpoint without port", `{"serviceEndpoint":{"host":"h"}}`, ss, p + `serviceEndpoint: missing "port"`},
		{"serverset shard object", `{"serviceEndpoint":{"host":"h","port":1},"shard":{}}`, ss, p + `serverset "shard" is an object, want an integer`},
		{"unknown method", `{}`, Format{Method: 7}, p + "unknown decode method method(7)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse([]byte(tt.data), tt.f)
			if err == nil || err.Error() != tt.want {
				t.Errorf("error = %v\nwant %s", err, tt.want)
			}
		})
	}
}

// deep returns n nested arrays.
func deep(n int) string {
	b := make([]byte, 0, 2*n)
	for range n {
		b = append(b, '[')
	}
	for range n {
		b = append(b, ']')
	}
	return string(b)
}

func TestParseMethod(t *testing.T) {
	for s, want := range map[string]Method{"nerve": Nerve, "serverset": ServerSet} {
		if m, err := ParseMethod(s); err != nil || m != want || m.String() != s {
			t.Errorf("ParseMethod(%q) = %v, %v", s, m, err)
		}
	}
	if _, err := ParseMethod("bogus"); err == nil ||
		err.Error() != `registration: invalid decode method "bogus": want "nerve" or "serverset"` {
		t.Errorf("ParseMethod(bogus) error = %v", err)
	}
}

// The original ignores a haproxy_server_options that is not a string and
// uses the registration; so does Parse, saying so in Ignored. Nothing of
// the value reaches the record.
func TestParseIgnoresNonStringOptions(t *testing.T) {
	for data, want := range map[string]string{
		`{"host":"h","port":1,"haproxy_server_options":{"a":"b\nglobal"}}`: `"haproxy_server_options" is an object, want a string; ignored`,
		`{"host":"h","port":1,"haproxy_server_options":5}`:                 `"haproxy_server_options" is a number, want a string; ignored`,
		`{"host":"h","port":1,"haproxy_server_options":["backup"]}`:        `"haproxy_server_options" is an array, want a string; ignored`,
		`{"host":"h","port":1,"haproxy_server_options":true}`:              `"haproxy_server_options" is a bool, want a string; ignored`,
	} {
		b, err := ParseChild("i_0000000001", []byte(data), Format{})
		if err != nil {
			t.Fatalf("%s: %v", data, err)
		}
		if b.HAProxyServerOptions.Present() || len(b.Ignored) != 1 || b.Ignored[0] != want {
			t.Errorf("%s: options %v, ignored %q; want absent and %q", data, b.HAProxyServerOptions, b.Ignored, want)
		}
		if err := b.Validate(); err != nil {
			t.Errorf("%s: Validate: %v", data, err)
		}
		if got := b.Value().String(); got != `{"name":null,"host":"h","port":1,"id":1,"weight":null,"haproxy_server_options":null,"labels":null}` {
			t.Errorf("%s: record %s", data, got)
		}
	}
	b, err := Parse([]byte(`{"host":"h","port":1,"haproxy_server_options":"backup"}`), Format{})
	if err != nil || b.Ignored != nil {
		t.Errorf("string options: %v, ignored %q", err, b.Ignored)
	}
}

// The top-level object is parsed into scratch space that the next parse
// reuses: what a Backend keeps must not live there.
func TestParseKeepsNothingOfTheScratchSpace(t *testing.T) {
	first := `{"host":"h1","port":1,"name":"n1","weight":2,"haproxy_server_options":"backup","labels":{"az":"a","x":[1,{"y":"z"}]}}`
	want := mustParse(t, first, Format{})
	wantJSON := want.Value().String()
	for _, data := range []string{
		`{"host":"h2","port":"2","name":"n2","labels":{"b":"c"},"extra":{"deep":[1,2,3]}}`,
		`{"serviceEndpoint":{"host":"h3","port":3},"shard":7}`,
		`[1,2,3]`,
		`{"host":`,
	} {
		for _, f := range []Format{{}, {Method: ServerSet}} {
			_, _ = Parse([]byte(data), f)
		}
	}
	if got := want.Value().String(); got != wantJSON {
		t.Fatalf("a backend changed under later parses:\n got %s\nwant %s", got, wantJSON)
	}
	again := mustParse(t, first, Format{})
	if !again.Equal(want) {
		t.Fatalf("the same data parsed twice differs: %v, %v", again.Value(), want.Value())
	}
}

func mustParse(t *testing.T, data string, f Format) Backend {
	t.Helper()
	b, err := Parse([]byte(data), f)
	if err != nil {
		t.Fatalf("Parse(%s): %v", data, err)
	}
	return b
}
