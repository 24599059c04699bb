package registration

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"
)

var dataSeeds = []string{
	`{"host":"127.0.0.1","port":6007,"name":"macbook-pro"}`,
	`{"host":"1.2.3.4","port":3000,"name":"mymachine","weight":2}`,
	`{"host":"host","port":"port","name":"instance_id"}`,
	`{"host":"127.0.0.1","port":3000,"name":"i-xxxxxx","labels":{"region":"us-east-1","az":"us-east-1a"}}`,
	zkData, serversetData,
	`{"serviceEndpoint":{"host":"h","port":1},"shard":1.5,"status":"DEAD"}`,
	`{"host":"h","port":1,"labels":{"a":[{"b":null}],"a":1e400}}`,
	`{"host":"\u2028<&>","port":"65535","weight":-1}`, `[]`, ``, `{"host":`,
}

// FuzzParse: Parse never panics, what it accepts is usable and survives
// Ruby-style re-encoding, and a nerve backend turned back into a
// Registration marshals to data that parses to the same backend.
func FuzzParse(f *testing.F) {
	for _, s := range dataSeeds {
		f.Add([]byte(s), false, "")
		f.Add([]byte(s), true, "otherport")
	}
	f.Fuzz(func(t *testing.T, data []byte, serverset bool, endpoint string) {
		checkParseValue(t, data)
		format := Format{EndpointName: endpoint}
		if serverset {
			format.Method = ServerSet
		}
		b, err := Parse(data, format)
		if err != nil {
			return
		}
		checkBackend(t, b)
		if !serverset {
			checkRegistrationRoundTrip(t, b)
		}
	})
}

// checkParseValue compares ParseValue with encoding/json's validator.
func checkParseValue(t *testing.T, data []byte) {
	v, err := ParseValue(data)
	valid := json.Valid(data)
	switch {
	case err == nil && !valid:
		t.Fatalf("ParseValue accepted invalid JSON %q", data)
	case err != nil && valid && !strings.Contains(err.Error(), "nesting"):
		t.Fatalf("ParseValue rejected valid JSON %q: %v", data, err)
	case err != nil:
		return
	}
	out, err := v.AppendJSON(nil)
	if err != nil {
		if !strings.Contains(err.Error(), "not allowed in JSON") {
			t.Fatalf("re-encoding %q: %v", data, err)
		}
		return
	}
	again, err := ParseValue(out)
	if err != nil || !again.Equal(v) {
		t.Fatalf("re-encoded %q as %q, which parses to %v (%v)", data, out, again, err)
	}
}

func checkBackend(t *testing.T, b Backend) {
	t.Helper()
	if b.Host == "" {
		t.Fatal("empty host accepted")
	}
	if _, err := b.PortInt(); err != nil {
		t.Fatalf("accepted port fails PortInt: %v", err)
	}
	for _, c := range []struct {
		v    Value
		want Kind
	}{{b.Name, KindString}, {b.HAProxyServerOptions, KindString}, {b.Labels, KindObject}} {
		if c.v.Present() && c.v.Kind() != c.want {
			t.Fatalf("accepted %s where %s or absent is required", c.v.Kind(), c.want)
		}
	}
	if b.ID != nil {
		t.Fatal("Parse set an id")
	}
	if out, err := b.AppendJSON(nil); err == nil && !json.Valid(out) {
		t.Fatalf("backend JSON %q is not valid", out)
	}
}

// checkRegistrationRoundTrip rebuilds what nerve would have written for b
// and checks it reads back as b, from the data and from the child name.
func checkRegistrationRoundTrip(t *testing.T, b Backend) {
	t.Helper()
	name, ok := b.Name.AsString()
	if !ok || name == "" || (b.Weight.Present() && !isInt(b.Weight)) {
		return
	}
	r := Registration{Host: b.Host, Port: b.Port, Name: name,
		HAProxyServerOptions: b.HAProxyServerOptions, Labels: b.Labels}
	if w, ok := b.WeightInt(); ok {
		r.Weight = &w
	} else if b.Weight.Present() {
		return
	}
	roundTrip(t, r, b)
}

func isInt(v Value) bool { _, ok := v.AsInt(); return ok }

func roundTrip(t *testing.T, r Registration, want Backend) {
	t.Helper()
	payload, err := Marshal(r)
	if err != nil {
		return // invalid UTF-8 or a non-finite number: Ruby refuses too
	}
	got, err := Parse(payload, Format{})
	if err != nil || !got.Equal(want) {
		t.Fatalf("Marshal %q then Parse = %s, %v; want %s", payload, got.Value(), err, want.Value())
	}
	prefix, ok := EncodedPrefix(payload)
	if !ok {
		return
	}
	got, err = ParseChildName(prefix + "0000000001")
	want.ID = id(1)
	if err != nil || !got.Equal(want) {
		t.Fatalf("child name %q parses to %s, %v", prefix, got.Value(), err)
	}
}

// FuzzMarshal: every valid Registration round-trips, and strings are
// escaped exactly as encoding/json does with SetEscapeHTML(false), except
// that U+2028/U+2029 stay raw (Ruby's script_safe is off).
func FuzzMarshal(f *testing.F) {
	f.Add("127.0.0.1", "macbook-pro", "6007", false, -1, "", "", "")
	f.Add("1.2.3.4", "mymachine", "3000", false, 2, "", "", "")
	f.Add("host", "instance_id", "port", true, -1, "", "", "")
	f.Add("a<b>&c/\u2028", "x\x00\x1f\"\\", "3001", true, 0, "backup", "az", "us-east-1a")
	f.Fuzz(func(t *testing.T, host, name, port string, portIsString bool, weight int,
		hso, labelKey, labelVal string) {
		r := Registration{Host: host, Name: name, Port: StringPort(port)}
		if !portIsString {
			v, err := NumberValue(port)
			if err != nil {
				return
			}
			r.Port, _ = PortFromValue(v)
		}
		if weight >= 0 {
			r.Weight = &weight
		}
		if hso != "" {
			r.HAProxyServerOptions = StringValue(hso)
		}
		if labelKey != "" {
			r.Labels = strMembers(labelKey, labelVal)
		}
		for _, s := range []string{host, name, hso, labelKey, labelVal} {
			checkStringEscaping(t, s)
		}
		payload, err := Marshal(r)
		if err != nil {
			return
		}
		if !json.Valid(payload) {
			t.Fatalf("Marshal wrote invalid JSON %q", payload)
		}
		if _, err := r.Port.Int(); err == nil {
			roundTrip(t, r, expectedBackend(r))
		}
	})
}

// expectedBackend is what Synapse should read for r: null options and
// labels read as absent.
func expectedBackend(r Registration) Backend {
	b := Backend{Name: StringValue(r.Name), Host: r.Host, Port: r.Port,
		HAProxyServerOptions: nullToAbsent(r.HAProxyServerOptions), Labels: nullToAbsent(r.Labels)}
	if r.Weight != nil {
		b.Weight = IntValue(int64(*r.Weight))
	}
	return b
}

func nullToAbsent(v Value) Value {
	if v.Kind() == KindNull {
		return Value{}
	}
	return v
}

func checkStringEscaping(t *testing.T, s string) {
	t.Helper()
	got, err := appendString(nil, s, true)
	if !utf8.ValidString(s) {
		if err == nil {
			t.Fatalf("invalid UTF-8 %q accepted", s)
		}
		return
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(s); err != nil {
		t.Fatal(err)
	}
	want := strings.TrimSuffix(buf.String(), "\n")
	want = strings.NewReplacer(`\u2028`, "\u2028", `\u2029`, "\u2029").Replace(want)
	if err != nil || string(got) != want {
		t.Fatalf("appendString(%q) = %s, %v; want %s", s, got, err, want)
	}
}

// FuzzParseChildName: never panics; an accepted name gives a usable backend
// whose id is the name's sequence suffix.
func FuzzParseChildName(f *testing.F) {
	for _, n := range encodedNames {
		f.Add(n.prefix + "0000000003")
		f.Add(n.prefix)
	}
	for _, s := range []string{"i-xxxxxxx_0000000005", "i-xxxxxxx_60da", "base64_", "base64_4_e30=_", "base64_46_eyJob3N0IjoiMTI3LjAuMC4xIiwicG9ydCI6IjMwMDAifQ_1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, name string) {
		seq, hasSeq := SequenceID(name)
		b, err := ParseChildName(name)
		if err != nil {
			return
		}
		if !strings.HasPrefix(name, "base64_") {
			t.Fatalf("decoded %q without the base64_ prefix", name)
		}
		if (b.ID != nil) != hasSeq || (hasSeq && *b.ID != seq) {
			t.Fatalf("id %v, SequenceID %d %v", b.ID, seq, hasSeq)
		}
		b.ID = nil
		checkBackend(t, b)
	})
}
