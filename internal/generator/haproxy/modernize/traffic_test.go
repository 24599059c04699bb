package modernize

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/smartstack-go/smartstack/test/testutil"
)

// seen is what the backend received.
type seen struct {
	mu   sync.Mutex
	reqs []*http.Request
}

func (s *seen) last() *http.Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.reqs) == 0 {
		return nil
	}
	return s.reqs[len(s.reqs)-1]
}

// TestTranslationsUnderTraffic sends requests through a real HAProxy
// running translated lines and checks they do what the 1.x lines did:
// header added (with a literal %), path prefix stripped with the query
// kept, header deleted and rewritten, response headers deleted and
// rewritten, request denied.
func TestTranslationsUnderTraffic(t *testing.T) {
	var s seen
	backend := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		s.reqs = append(s.reqs, r)
		s.mu.Unlock()
		w.Header().Set("Server", "backend")
		w.Header().Set("X-Backend-Id", "7")
		w.Header().Set("Location", "http://example.com/next")
		w.WriteHeader(http.StatusOK)
	}))
	t.Cleanup(backend.Close)
	old := []string{
		`reqadd X-Foo:\ a\ 50%\ b`,
		`reqrep ^([^\ :]*)\ /api/(.*) \1\ /\2`,
		`reqidel ^X-Remove:`,
		`reqrep ^Host:\ (.*)\.old\.com Host:\ \1.new.com`,
		`reqdeny ^X-Block:\ yes`,
		`rspidel ^Server:`,
		`rspidel ^X-Backend`,
		`rsprep ^Location:\ http://(.*) Location:\ https://\1`,
	}
	var lines []Line
	for _, l := range old {
		lines = append(lines, Line{Text: l, Where: "k"})
	}
	out, _, err := Translator{Target: version(t, "2.6")}.Section(Listen, lines)
	if err != nil {
		t.Fatal(err)
	}
	port := testutil.FreePort(t)
	section := fmt.Sprintf("listen web\n\tmode http\n\tbind 127.0.0.1:%d\n\t%s\n\tserver s %s\n",
		port, strings.Join(out, "\n\t"), strings.TrimPrefix(backend.URL, "http://"))
	testutil.StartHAProxy(t, testutil.HAProxyConfig(section))

	req, err := http.NewRequest("GET", fmt.Sprintf("http://127.0.0.1:%d/api/x/y?q=1", port), nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Host = "foo.old.com"
	req.Header.Set("X-Remove", "1")
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	got := s.last()
	if got == nil {
		t.Fatalf("backend saw nothing; status %d", resp.StatusCode)
	}
	checks := []struct{ what, got, want string }{
		{"path", got.URL.Path, "/x/y"},
		{"query", got.URL.RawQuery, "q=1"},
		{"X-Foo", got.Header.Get("X-Foo"), "a 50% b"},
		{"X-Remove", got.Header.Get("X-Remove"), ""},
		{"Host", got.Host, "foo.new.com"},
		{"response Server", resp.Header.Get("Server"), ""},
		{"response X-Backend-Id", resp.Header.Get("X-Backend-Id"), ""},
		{"response Location", resp.Header.Get("Location"), "https://example.com/next"},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s = %q, want %q (lines %q)", c.what, c.got, c.want, out)
		}
	}
	req.Header.Set("X-Block", "yes")
	resp, err = client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("X-Block: yes got %d, want 403 as reqdeny gave", resp.StatusCode)
	}
}
