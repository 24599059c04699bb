package etcdv2

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/smartstack-go/smartstack/test/testutil"
)

func TestEscapeKeyAndBaseURL(t *testing.T) {
	if got := EscapeKey("/a b/c?d"); got != "/a%20b/c%3Fd" {
		t.Errorf("EscapeKey = %q", got)
	}
	for _, tt := range []struct {
		host, want string
	}{{"h", "http://h:4001"}, {"::1", "http://[::1]:4001"}, {"[::1]", "http://[::1]:4001"}} {
		if got := BaseURL(tt.host, 4001); got != tt.want {
			t.Errorf("BaseURL(%q) = %q, want %q", tt.host, got, tt.want)
		}
	}
}

// A 4xx other than not-found is a real error, not a transient one.
func TestClientErrors(t *testing.T) {
	ctx := context.Background()
	e := testutil.StartEtcd(t)
	c := New(e.URL(), 10*time.Second, 1<<20)
	_, err := c.Keys(ctx, "PUT", "/x/y", nil, TTLForm("v", 5, true))
	if !HasCode(err, CodeKeyNotFound) || errors.Is(err, ErrUnavailable) {
		t.Fatalf("PUT prevExist on a missing key = %v, want key not found", err)
	}
	if _, err = c.Keys(ctx, "PUT", "/file", nil, TTLForm("v", 5, false)); err != nil {
		t.Fatal(err)
	}
	_, err = c.Keys(ctx, "POST", "/file/1", nil, TTLForm("v", 5, false))
	var ae *APIError
	if !errors.As(err, &ae) || ae.Code != 104 || ae.Status != http.StatusBadRequest || errors.Is(err, ErrUnavailable) {
		t.Fatalf("POST under a file = %v, want the 400 \"not a directory\" api error", err)
	}
	if err := c.Members(ctx); err != nil {
		t.Fatalf("Members = %v", err)
	}
}

// A closed port is transient: ErrUnavailable.
func TestClientUnreachable(t *testing.T) {
	c := New(BaseURL("127.0.0.1", testutil.FreePort(t)), time.Second, 1<<20)
	if err := c.Members(context.Background()); !errors.Is(err, ErrUnavailable) {
		t.Fatalf("Members against a closed port = %v, want ErrUnavailable", err)
	}
}
