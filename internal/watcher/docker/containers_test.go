package docker

import (
	"encoding/json"
	"maps"
	"testing"
)

// Both forms of a container's Ports give the same private-to-public map.
func TestPortMap(t *testing.T) {
	want := map[string]string{"6379": "49153", "6390": "49154"}
	for _, raw := range []string{
		`"0.0.0.0:49153->6379/tcp, 0.0.0.0:49154->6390/tcp"`,
		`[{"PrivatePort":6379,"PublicPort":49153},{"PublicPort":49154,"PrivatePort":6390}]`,
		// An unpublished binding does not hide a published one.
		`[{"PrivatePort":6379,"PublicPort":49153,"Type":"tcp"},{"PrivatePort":6379,"Type":"udp"},{"PrivatePort":6390,"PublicPort":49154}]`,
		`"0.0.0.0:49153->6379/tcp, 7000/tcp, 0.0.0.0:49154->6390/tcp"`,
	} {
		got, err := portMap(json.RawMessage(raw))
		if err != nil || !maps.Equal(got, want) {
			t.Errorf("portMap(%s) = %v, %v; want %v", raw, got, err, want)
		}
	}
	for _, raw := range []string{``, `null`, `[]`} {
		if got, err := portMap(json.RawMessage(raw)); err != nil || len(got) != 0 {
			t.Errorf("portMap(%q) = %v, %v; want empty", raw, got, err)
		}
	}
	if _, err := portMap(json.RawMessage(`{"6379":1}`)); err == nil {
		t.Error("portMap of an object: no error")
	}
}

func TestImageMatches(t *testing.T) {
	for _, tc := range []struct {
		image, name string
		want        bool
	}{
		{"mycool/image:tagname", "mycool/image", true},
		{"wrong/image:tagname", "mycool/image", false},
		{"mycool/image", "mycool/image", true}, // the original: never
		{"registry:5000/mycool/image:v1", "registry:5000/mycool/image", true},
		{"registry:5000/mycool/image", "registry:5000/mycool/image", true},
		{"mycool/image@sha256:0123abcd", "mycool/image", true},
		{"mycool/image:v2", "mycool/image:v2", true},
		{"mycool/image:v2", "mycool/image:v1", false},
		{"mycool/image-two:v1", "mycool/image", false},
		{"sha256:d74508fb6632", "mycool/image", false},
	} {
		if got := imageMatches(tc.image, tc.name); got != tc.want {
			t.Errorf("imageMatches(%q, %q) = %v, want %v", tc.image, tc.name, got, tc.want)
		}
	}
}
