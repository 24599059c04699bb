package registration

import (
	"errors"
	"strings"
	"testing"
)

// Expected names: the first is the original's path-encoding example verbatim; the others were
// computed outside Go with `printf %s PAYLOAD | base64 -w0 | tr '+/' '-_'`.
var encodedNames = []struct {
	name, payload, prefix string
}{
	{"original's example macbook-pro (53 bytes -> 72)",
		`{"host":"127.0.0.1","port":6007,"name":"macbook-pro"}`,
		"base64_72_eyJob3N0IjoiMTI3LjAuMC4xIiwicG9ydCI6NjAwNywibmFtZSI6Im1hY2Jvb2stcHJvIn0=_"},
	{"zookeeper_service1.json mymachine weight 2",
		`{"host":"1.2.3.4","port":3000,"name":"mymachine","weight":2}`,
		"base64_80_eyJob3N0IjoiMS4yLjMuNCIsInBvcnQiOjMwMDAsIm5hbWUiOiJteW1hY2hpbmUiLCJ3ZWlnaHQiOjJ9_"},
	{"original's reporter test host/port/instance_id",
		`{"host":"host","port":"port","name":"instance_id"}`,
		"base64_68_eyJob3N0IjoiaG9zdCIsInBvcnQiOiJwb3J0IiwibmFtZSI6Imluc3RhbmNlX2lkIn0=_"},
	{"original's path-encoding test with labels",
		`{"host":"127.0.0.1","port":3000,"name":"i-xxxxxx","labels":{"region":"us-east-1","az":"us-east-1a"}}`,
		"base64_136_eyJob3N0IjoiMTI3LjAuMC4xIiwicG9ydCI6MzAwMCwibmFtZSI6ImkteHh4eHh4IiwibGFiZWxzIjp7InJlZ2lvbiI6InVzLWVhc3QtMSIsImF6IjoidXMtZWFzdC0xYSJ9fQ==_"},
	{"original's path-encoding test without labels",
		`{"host":"127.0.0.1","port":3000,"name":"i-xxxxxx"}`,
		"base64_68_eyJob3N0IjoiMTI3LjAuMC4xIiwicG9ydCI6MzAwMCwibmFtZSI6ImkteHh4eHh4In0=_"},
	{"URL-safe alphabet (- and _)",
		`{"host":"h>?","port":1,"name":"~~~"}`,
		"base64_48_eyJob3N0IjoiaD4_IiwicG9ydCI6MSwibmFtZSI6In5-fiJ9_"},
}

func TestEncodedPrefix(t *testing.T) {
	for _, tt := range encodedNames {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := EncodedPrefix([]byte(tt.payload))
			if !ok || got != tt.prefix {
				t.Errorf("EncodedPrefix = %q, %v\nwant %q", got, ok, tt.prefix)
			}
			if got := ChildPrefix("ignored", []byte(tt.payload), true); got != tt.prefix {
				t.Errorf("ChildPrefix(encoding on) = %q", got)
			}
		})
	}
}

func TestEncodedPrefixLimit(t *testing.T) {
	// 49152 bytes encode to exactly 65536 characters; one more byte is over.
	atLimit := make([]byte, 49152)
	if p, ok := EncodedPrefix(atLimit); !ok || !strings.HasPrefix(p, "base64_65536_AAAA") {
		t.Errorf("65536 characters must still be encoded, got ok=%v", ok)
	}
	if EncodedLen(atLimit) != 65536 {
		t.Errorf("EncodedLen = %d, want 65536", EncodedLen(atLimit))
	}
	over := make([]byte, 49153)
	if _, ok := EncodedPrefix(over); ok {
		t.Error("65540 characters must not be encoded")
	}
	if got := ChildPrefix("mymachine", over, true); got != "mymachine_" {
		t.Errorf("fallback ChildPrefix = %q, want mymachine_", got)
	}
}

func TestPlainPrefixAndPath(t *testing.T) {
	tests := []struct{ zkPath, prefix, want string }{
		{"/nerve/services/your_http_service/services", PlainPrefix("mymachine"),
			"/nerve/services/your_http_service/services/mymachine_"},
		{"/mango-test/services", encodedNames[0].prefix, "/mango-test/services/" + encodedNames[0].prefix},
		{"zk_path", PlainPrefix("i-xxxxxx"), "zk_path/i-xxxxxx_"},
		{"/", "a_", "/a_"},
		{"/a/", "a_", "/a/a_"},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			if got := PrefixPath(tt.zkPath, tt.prefix); got != tt.want {
				t.Errorf("PrefixPath(%q, %q) = %q", tt.zkPath, tt.prefix, got)
			}
		})
	}
	if got := ChildPrefix("i-xxxxxx", []byte("{}"), false); got != "i-xxxxxx_" {
		t.Errorf("ChildPrefix(encoding off) = %q, want i-xxxxxx_", got)
	}
}

func TestSequenceID(t *testing.T) {
	tests := []struct {
		name   string
		want   int64
		wantOK bool
	}{
		{"i-xxxxxxx_0000000005", 5, true}, // as in synapse's watcher tests
		{"i-xxxxxxx_60da", 0, false},      // as in synapse's watcher tests
		{"mymachine_0000000012", 12, true},
		{"test_child_1", 1, true},
		{"mymachine_", 0, false},    // non-sequential node
		{"host_12_", 12, true},      // Ruby split drops trailing empty tokens
		{"5", 5, true},              // a single token counts
		{"", 0, false},              // no token at all
		{"___", 0, false},           // only separators
		{"x_-2147483647", 0, false}, // wrapped ZooKeeper counter
		{"x_99999999999999999999", 0, false},
		{encodedNames[0].prefix + "0000000000", 0, true},
		{encodedNames[0].prefix, 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := SequenceID(tt.name)
			if got != tt.want || ok != tt.wantOK {
				t.Errorf("SequenceID(%q) = %d, %v; want %d, %v", tt.name, got, ok, tt.want, tt.wantOK)
			}
		})
	}
}

func TestParseChildNameNotEncoded(t *testing.T) {
	for _, name := range []string{"i-xxxxxxx_0000000005", "", "base64", "Base64_4_e30=_"} {
		if _, err := ParseChildName(name); !errors.Is(err, ErrNotEncoded) {
			t.Errorf("ParseChildName(%q) error = %v, want ErrNotEncoded", name, err)
		}
	}
}

func TestParseChildNameErrors(t *testing.T) {
	const p = "registration: base64 child name: "
	tests := []struct{ child, want string }{
		{"base64_", p + `no "<length>_" after "base64_"`},
		{"base64_x_e30=_", p + `no "<length>_" after "base64_"`},
		{"base64_0_e30=_", p + "length 0 does not fit the 5 characters that follow"},
		{"base64_9_e30=_", p + "length 9 does not fit the 5 characters that follow"},
		{"base64_3_e30=_", p + `no "_" after the 3 encoded characters`},
		{"base64_4_e3!=_", p + "invalid base64: illegal base64 data at input byte 2"},
		{"base64_4_e31=_", p + "invalid base64: illegal base64 data at input byte 3"}, // stray bits
		{"base64_4_W10=_", p + "data is an array, want a JSON object"},                // []
		{"base64_4_e30=_0000000001", p + `missing "host"`},                            // {}
	}
	for _, tt := range tests {
		t.Run(tt.child, func(t *testing.T) {
			_, err := ParseChildName(tt.child)
			if err == nil || err.Error() != tt.want {
				t.Errorf("error = %v\nwant %s", err, tt.want)
			}
		})
	}
}
