package adminsock

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"path/filepath"
	"testing"
)

func TestProfilesOnTheSocket(t *testing.T) {
	path := filepath.Join(t.TempDir(), "a.sock")
	start(t, path, -1)
	c := NewClient("test", path)
	get := func(route string) (int, []byte) {
		t.Helper()
		resp, err := c.HTTP.Get("http://socket" + route)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		if err != nil {
			t.Fatal(err)
		}
		return resp.StatusCode, b
	}
	tests := []struct {
		route    string
		code     int
		gzipped  bool
		contains string
	}{
		{route: "/debug/pprof/heap?gc=1", code: http.StatusOK, gzipped: true},
		{route: "/debug/pprof/goroutine?debug=1", code: http.StatusOK, contains: "goroutine profile:"},
		{route: "/debug/pprof/profile", code: http.StatusNotFound},
		{route: "/debug/pprof/threadcreate", code: http.StatusNotFound},
		{route: "/anything", code: http.StatusOK, contains: `"ok": true`},
	}
	for _, tt := range tests {
		t.Run(tt.route, func(t *testing.T) {
			code, body := get(tt.route)
			if code != tt.code {
				t.Fatalf("HTTP %d, want %d: %s", code, tt.code, body)
			}
			if tt.gzipped {
				if _, err := gzip.NewReader(bytes.NewReader(body)); err != nil {
					t.Fatalf("not a pprof (gzip) profile: %v", err)
				}
			}
			if !bytes.Contains(body, []byte(tt.contains)) {
				t.Fatalf("body %.200q lacks %q", body, tt.contains)
			}
		})
	}
}
