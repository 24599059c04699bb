package registration

import (
	"bytes"
	"encoding/json"
	"math"
	"testing"
)

func nan() float64 { return math.NaN() }

// tenth is a variable so that 0.1+0.2 is computed in float64, not as an
// exact constant.
var tenth = 0.1

// Round trips through Ruby's JSON.parse + JSON.generate, expectations
// written by hand from Ruby's rules (key order kept, first position of a
// repeated key with its last value, Float#to_s spelling).
func TestParseValueRewrite(t *testing.T) {
	tests := []struct{ in, want string }{
		{`{"z":1,"a":2,"m":3}`, `{"z":1,"a":2,"m":3}`},
		{`{"a":1,"b":2,"a":3}`, `{"a":3,"b":2}`},
		{` { "a" : [ 1 , true , null , "x" ] } `, `{"a":[1,true,null,"x"]}`},
		{`"\u003c\/\u2028\u00e9\ud83d\ude00"`, "\"</\u2028é😀\""},
		{`"\u001F\u0008\u000c"`, `"\u001f\b\f"`},
		{`"\ud800"`, "\"\ufffd\""},
		{`-0`, `0`},
		{`12345678901234567890123`, `12345678901234567890123`},
		{`1.50`, `1.5`},
		{`1E2`, `100.0`},
		{`-0.0`, `-0.0`},
		{`1e15`, `1.0e+15`},
		{`1e14`, `100000000000000.0`},
		{`1234567890123456.7`, `1234567890123456.8`},
		{`0.0001`, `0.0001`},
		{`0.00001`, `1.0e-05`},
		{`1.25e-7`, `1.25e-07`},
		{`1e400`, `1e400`},
		{`1e-400`, `0.0`},
		{deep(100), deep(100)},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			v, err := ParseValue([]byte(tt.in))
			if err != nil {
				t.Fatalf("ParseValue: %v", err)
			}
			got, err := v.AppendJSON(nil)
			if err != nil {
				t.Fatalf("AppendJSON: %v", err)
			}
			if string(got) != tt.want {
				t.Errorf("got %s, want %s", got, tt.want)
			}
		})
	}
}

func TestParseValueErrors(t *testing.T) {
	for _, in := range []string{``, ` `, `{`, `[1,]`, `{"a" 1}`, `{1:2}`, `nul`, `NaN`, `01`, `{} {}`, `/* c */ {}`, deep(101)} {
		if v, err := ParseValue([]byte(in)); err == nil {
			t.Errorf("ParseValue(%q) = %s, want an error", in, v)
		}
	}
}

func TestFloatAndNumberValues(t *testing.T) {
	tests := []struct {
		v    Value
		want string
	}{
		{FloatValue(3), "3.0"},
		{FloatValue(-2.5), "-2.5"},
		{FloatValue(1e20), "1.0e+20"},
		{FloatValue(tenth + 2*tenth), "0.30000000000000004"},
		{FloatValue(5e-324), "5.0e-324"},
		{FloatValue(math.MaxFloat64), "1.7976931348623157e+308"},
		{IntValue(-42), "-42"},
	}
	for _, tt := range tests {
		if got := tt.v.String(); got != tt.want {
			t.Errorf("got %s, want %s", got, tt.want)
		}
	}
	for _, bad := range []string{"", "-", "1.", ".5", "+1", "1e", " 1", "0x10", "NaN"} {
		if _, err := NumberValue(bad); err == nil {
			t.Errorf("NumberValue(%q) accepted", bad)
		}
	}
	if _, err := FloatValue(math.Inf(1)).AppendJSON(nil); err == nil ||
		err.Error() != "registration: Infinity is not allowed in JSON" {
		t.Errorf("Infinity error = %v", err)
	}
}

func TestValueOf(t *testing.T) {
	v, err := ValueOf(map[string]any{
		"z": []any{int8(1), uint64(math.MaxUint64), 2.5, json.Number("1E2"), nil, true},
		"a": "x",
	})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := v.String(), `{"a":"x","z":[1,18446744073709551615,2.5,100.0,null,true]}`; got != want {
		t.Errorf("got %s, want %s", got, want)
	}
	for _, bad := range []any{struct{}{}, math.NaN(), []any{make(chan int)}} {
		if _, err := ValueOf(bad); err == nil {
			t.Errorf("ValueOf(%T) accepted", bad)
		}
	}
}

func TestValueUnmarshalKeepsOrder(t *testing.T) {
	var cfg struct {
		Labels Value `json:"labels"`
		Port   Port  `json:"port"`
	}
	if err := json.Unmarshal([]byte(`{"labels":{"z":"1","a":"2"},"port":"3000"}`), &cfg); err != nil {
		t.Fatal(err)
	}
	if got := cfg.Labels.String(); got != `{"z":"1","a":"2"}` {
		t.Errorf("labels = %s", got)
	}
	if !cfg.Port.IsString() || cfg.Port.String() != "3000" {
		t.Errorf("port = %#v", cfg.Port)
	}
	if err := json.Unmarshal([]byte(`{"port":[]}`), &cfg); err == nil {
		t.Error("array port accepted")
	}
}

func TestValueEqual(t *testing.T) {
	a := strMembers("x", "1", "y", "2")
	b := strMembers("y", "2", "x", "1")
	if !a.Equal(b) {
		t.Error("key order must not matter")
	}
	if IntValue(1).Equal(FloatValue(1)) || StringValue("1").Equal(IntValue(1)) || NullValue().Equal(Value{}) {
		t.Error("different kinds or spellings must differ")
	}
	if ArrayValue(IntValue(1), IntValue(2)).Equal(ArrayValue(IntValue(2), IntValue(1))) {
		t.Error("array order matters")
	}
	var fwd, rev []Member
	for i := range 40 {
		fwd = append(fwd, Member{Key: string(rune('A' + i)), Value: IntValue(int64(i))})
		rev = append([]Member{fwd[i]}, rev...)
	}
	if !ObjectValue(fwd...).Equal(ObjectValue(rev...)) {
		t.Error("large objects: key order must not matter")
	}
	rev[0].Value = IntValue(-1)
	if ObjectValue(fwd...).Equal(ObjectValue(rev...)) {
		t.Error("large objects: a changed value must differ")
	}
	if (Backend{ID: id(1)}).Equal(Backend{ID: id(2)}) || (Backend{ID: id(1)}).Equal(Backend{}) ||
		!(Backend{ID: id(3)}).Equal(Backend{ID: id(3)}) {
		t.Error("Backend.Equal must compare ids by value")
	}
}

// file_output writes backends as Ruby's to_json does.
func TestBackendJSON(t *testing.T) {
	b := Backend{Name: StringValue("i-1"), Host: "10.0.0.1", Port: NumberPort(3000), ID: id(7), Labels: strMembers("az", "a")}
	want := `{"name":"i-1","host":"10.0.0.1","port":3000,"id":7,"weight":null,"haproxy_server_options":null,"labels":{"az":"a"}}`
	if got, err := b.MarshalJSON(); err != nil || string(got) != want {
		t.Errorf("MarshalJSON = %s, %v\nwant %s", got, err, want)
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode([]Backend{{Host: "a&b", Port: StringPort("1")}}); err != nil {
		t.Fatal(err)
	}
	want = `[{"name":null,"host":"a&b","port":"1","id":null,"weight":null,"haproxy_server_options":null,"labels":null}]` + "\n"
	if buf.String() != want {
		t.Errorf("Encoder = %s want %s", buf.String(), want)
	}
}

func TestWeightAndPortInt(t *testing.T) {
	weights := []struct {
		w    Value
		want int
		ok   bool
	}{
		{IntValue(3), 3, true}, {IntValue(0), 0, true}, {Value{}, 0, false},
		{StringValue("1"), 0, false}, {IntValue(-1), 0, false}, {FloatValue(2), 0, false},
		{ObjectValue(), 0, false},
	}
	for _, tt := range weights {
		if got, ok := (Backend{Weight: tt.w}).WeightInt(); got != tt.want || ok != tt.ok {
			t.Errorf("WeightInt(%s) = %d, %v", tt.w, got, ok)
		}
	}
	ports := []struct {
		p    Port
		want int
		err  string
	}{
		{NumberPort(3000), 3000, ""}, {StringPort("3001"), 3001, ""}, {StringPort("03000"), 3000, ""},
		{StringPort("65535"), 65535, ""}, {NumberPort(0), 0, ""},
		{StringPort("65536"), 0, `registration: invalid "port" "65536": want an integer 0-65535`},
		{StringPort(" 1"), 0, `registration: invalid "port" " 1": want an integer 0-65535`},
		{StringPort("+1"), 0, `registration: invalid "port" "+1": want an integer 0-65535`},
		{NumberPort(-1), 0, `registration: invalid "port" -1: want an integer 0-65535`},
		{Port{}, 0, `registration: missing "port"`},
	}
	for _, tt := range ports {
		got, err := (Backend{Port: tt.p}).PortInt()
		if got != tt.want || (err == nil) != (tt.err == "") || (err != nil && err.Error() != tt.err) {
			t.Errorf("PortInt(%s) = %d, %v; want %d, %s", tt.p.Value(), got, err, tt.want, tt.err)
		}
	}
}
