package registration

import (
	"strings"
	"testing"
)

func intp(n int) *int { return &n }

func strMembers(kv ...string) Value {
	members := make([]Member, 0, len(kv)/2)
	for i := 0; i+1 < len(kv); i += 2 {
		members = append(members, Member{Key: kv[i], Value: StringValue(kv[i+1])})
	}
	return ObjectValue(members...)
}

// Expected bytes come from the original's README, example services and
// reporter tests; the escaping cases from Ruby's JSON.generate rules.
var marshalCases = []struct {
	name string
	reg  Registration
	want string
}{
	{"original's path encoding example",
		Registration{Host: "127.0.0.1", Port: NumberPort(6007), Name: "macbook-pro"},
		`{"host":"127.0.0.1","port":6007,"name":"macbook-pro"}`},
	{"zookeeper_service1.json weight 2",
		Registration{Host: "1.2.3.4", Port: NumberPort(3000), Name: "mymachine", Weight: intp(2)},
		`{"host":"1.2.3.4","port":3000,"name":"mymachine","weight":2}`},
	{"original's reporter test, string port",
		Registration{Host: "host", Port: StringPort("port"), Name: "instance_id"},
		`{"host":"host","port":"port","name":"instance_id"}`},
	{"weight 0 is written",
		Registration{Host: "h", Port: NumberPort(1), Name: "n", Weight: intp(0)},
		`{"host":"h","port":1,"name":"n","weight":0}`},
	{"haproxy_server_options backup",
		Registration{Host: "h", Port: NumberPort(1), Name: "n", HAProxyServerOptions: StringValue("backup")},
		`{"host":"h","port":1,"name":"n","haproxy_server_options":"backup"}`},
	{"labels keep configured order",
		Registration{Host: "127.0.0.1", Port: NumberPort(3000), Name: "i-xxxxxx",
			Labels: strMembers("region", "us-east-1", "az", "us-east-1a")},
		`{"host":"127.0.0.1","port":3000,"name":"i-xxxxxx","labels":{"region":"us-east-1","az":"us-east-1a"}}`},
	{"labels az custom_key",
		Registration{Host: "h", Port: NumberPort(1), Name: "n",
			Labels: strMembers("az", "us-west-1", "custom_key", "custom_value")},
		`{"host":"h","port":1,"name":"n","labels":{"az":"us-west-1","custom_key":"custom_value"}}`},
	{"all keys in fixed order",
		Registration{Host: "10.0.0.1", Port: StringPort("3000"), Name: "i-1", Weight: intp(3),
			HAProxyServerOptions: StringValue("check inter 2s"), Labels: strMembers("z", "1", "a", "2")},
		`{"host":"10.0.0.1","port":"3000","name":"i-1","weight":3,"haproxy_server_options":"check inter 2s","labels":{"z":"1","a":"2"}}`},
	{"null optional keys are written (Ruby has_key?)",
		Registration{Host: "h", Port: NumberPort(1), Name: "n", HAProxyServerOptions: NullValue(), Labels: NullValue()},
		`{"host":"h","port":1,"name":"n","haproxy_server_options":null,"labels":null}`},
	{"empty labels",
		Registration{Host: "h", Port: NumberPort(1), Name: "n", Labels: ObjectValue()},
		`{"host":"h","port":1,"name":"n","labels":{}}`},
	{"Ruby escaping: no HTML escapes, raw slash and U+2028",
		Registration{Host: "a<b>&c/d", Port: NumberPort(1), Name: "x\u2028y\u2029z é"},
		"{\"host\":\"a<b>&c/d\",\"port\":1,\"name\":\"x\u2028y\u2029z é\"}"},
	{"Ruby escaping: quotes, backslash, control characters",
		Registration{Host: "q\"b\\s", Port: NumberPort(1), Name: "\b\f\n\r\t\x00\x1f\x7f"},
		`{"host":"q\"b\\s","port":1,"name":"\b\f\n\r\t\u0000\u001f` + "\x7f" + `"}`},
}

func TestMarshal(t *testing.T) {
	for _, tt := range marshalCases {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Marshal(tt.reg)
			if err != nil {
				t.Fatalf("Marshal: %v", err)
			}
			if string(got) != tt.want {
				t.Errorf("Marshal =\n%s\nwant\n%s", got, tt.want)
			}
		})
	}
}

func TestMarshalParseRoundTrip(t *testing.T) {
	for _, tt := range marshalCases {
		if _, err := tt.reg.Port.Int(); err != nil {
			continue // port "port": Parse rejects it by design (TestParseErrors)
		}
		t.Run(tt.name, func(t *testing.T) {
			roundTrip(t, tt.reg, expectedBackend(tt.reg))
		})
	}
}

func TestMarshalErrors(t *testing.T) {
	ok := Registration{Host: "127.0.0.1", Port: NumberPort(6666), Name: "foobar"}
	tests := []struct {
		name   string
		modify func(*Registration)
		want   string
	}{
		{"missing instance_id", func(r *Registration) { r.Name = "" }, `registration: missing "name" (the instance_id)`},
		{"missing port", func(r *Registration) { r.Port = Port{} }, `registration: missing "port"`},
		{"missing host", func(r *Registration) { r.Host = "" }, `registration: missing "host"`},
		{"negative weight", func(r *Registration) { r.Weight = intp(-1) }, `registration: invalid "weight" -1: want a non-negative integer`},
		{"labels not an object", func(r *Registration) { r.Labels = StringValue("az") },
			`registration: "labels" is a string, want an object`},
		{"haproxy_server_options not a string", func(r *Registration) { r.HAProxyServerOptions = IntValue(5) },
			`registration: "haproxy_server_options" is a number, want a string`},
		{"invalid UTF-8 in host", func(r *Registration) { r.Host = "a\xffb" },
			`registration: "host": invalid UTF-8 in string "a\xffb"`},
		{"invalid UTF-8 in label", func(r *Registration) { r.Labels = strMembers("az", "\xc3") },
			`registration: "labels": invalid UTF-8 in string "\xc3"`},
		{"NaN label", func(r *Registration) { r.Labels = ObjectValue(Member{"w", FloatValue(nan())}) },
			`registration: "labels": NaN is not allowed in JSON`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := ok
			tt.modify(&r)
			_, err := Marshal(r)
			if err == nil || err.Error() != tt.want {
				t.Errorf("Marshal error = %v, want %s", err, tt.want)
			}
		})
	}
	if _, err := Marshal(ok); err != nil {
		t.Errorf("all three required keys: %v", err)
	}
}

func TestMarshalLongHostIsNotTruncated(t *testing.T) {
	long := strings.Repeat("a", 70000)
	got, err := Marshal(Registration{Host: long, Port: NumberPort(1), Name: "n"})
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"host":"` + long + `","port":1,"name":"n"}`; string(got) != want {
		t.Errorf("long host: got %d bytes, want %d", len(got), len(want))
	}
}
