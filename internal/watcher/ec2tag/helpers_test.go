package ec2tag

import (
	"bytes"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"text/template"
	"time"

	"github.com/smartstack-go/smartstack/internal/awsconf/awstest"
	"github.com/smartstack-go/smartstack/internal/config"
	"github.com/smartstack-go/smartstack/internal/watcher"
	"github.com/smartstack-go/smartstack/internal/watcher/watchertest"
	"github.com/smartstack-go/smartstack/pkg/registration"
)

var describeTmpl = template.Must(template.ParseFiles("testdata/describe_instances.xml.tmpl"))

type instance struct{ ID, DNS, IP string }

// reply is one canned EC2 answer: instances (paged pageSize at a time when
// pageSize > 0) or an EC2 error response.
type reply struct {
	status    int    // 0: 200
	errCode   string // an EC2 error code: the body is EC2's error XML
	instances []instance
	pageSize  int
}

// fakeEC2 speaks EC2's Query API for DescribeInstances: form-encoded POST,
// SigV4-signed, answered with EC2's XML. Each request takes the next reply;
// the last one repeats.
type fakeEC2 struct {
	*httptest.Server
	t       *testing.T
	mu      sync.Mutex
	replies []reply
	forms   []url.Values
	auths   []string
}

func newFakeEC2(t *testing.T, replies ...reply) *fakeEC2 {
	t.Helper()
	f := &fakeEC2{t: t, replies: replies}
	f.Server = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.Close)
	return f
}

func (f *fakeEC2) serve(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil || r.Method != http.MethodPost || r.Form.Get("Action") != "DescribeInstances" {
		http.Error(w, "not a DescribeInstances query", http.StatusBadRequest)
		return
	}
	f.mu.Lock()
	f.forms = append(f.forms, r.PostForm)
	f.auths = append(f.auths, r.Header.Get("Authorization"))
	rp := f.replies[0]
	if len(f.replies) > 1 && (rp.pageSize == 0 || r.PostForm.Get("NextToken") != "") {
		f.replies = f.replies[1:]
	}
	f.mu.Unlock()
	w.Header().Set("Content-Type", "text/xml;charset=UTF-8")
	if rp.errCode != "" {
		w.WriteHeader(rp.status)
		fmt.Fprintf(w, `<?xml version="1.0" encoding="UTF-8"?>
<Response><Errors><Error><Code>%s</Code><Message>%s test error</Message></Error></Errors><RequestID>ea966190-f9aa-478e-9ede-example</RequestID></Response>`, rp.errCode, rp.errCode)
		return
	}
	ins, next := rp.page(r.PostForm.Get("NextToken"))
	var buf bytes.Buffer
	if err := describeTmpl.Execute(&buf, map[string]any{"Instances": ins, "NextToken": next}); err != nil {
		f.t.Error(err)
	}
	_, _ = w.Write(buf.Bytes())
}

// page serves pageSize instances from the offset the token names.
func (rp reply) page(token string) ([]instance, string) {
	if rp.pageSize == 0 {
		return rp.instances, ""
	}
	var from int
	fmt.Sscanf(token, "page-%d", &from)
	to := min(from+rp.pageSize, len(rp.instances))
	if to < len(rp.instances) {
		return rp.instances[from:to], fmt.Sprintf("page-%d", to)
	}
	return rp.instances[from:to], ""
}

func (f *fakeEC2) requests() ([]url.Values, []string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]url.Values(nil), f.forms...), append([]string(nil), f.auths...)
}

// isolateAWS points the SDK's default chain at the fake and away from
// anything on this machine: no shared files, no instance metadata.
func isolateAWS(t *testing.T, endpoint string) {
	t.Helper()
	awstest.Isolate(t, endpoint)
}

func testConfig() *Config {
	c := NewConfig()
	c.TagName, c.TagValue = "servicename", "true"
	c.AWSRegion = "eu-west-1"
	c.AWSAccessKeyID, c.AWSSecretAccessKey = "AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
	c.CheckInterval = config.Duration(10 * time.Millisecond)
	c.RequestTimeout = config.Duration(5 * time.Second)
	return c
}

// start builds the watcher through the registry, as the daemon does, with
// its jitter fixed, and runs it until the test ends.
func start(t *testing.T, cfg *Config) *watchertest.Started[*Watcher] {
	t.Helper()
	return watchertest.Start(t, Method, cfg, watcher.Options{}, func(w *Watcher) {
		w.jitter = func() float64 { return 0.5 }
	})
}

// backendsOf renders a snapshot's backends as name@host lines, or its error.
func backendsOf(s watcher.Snapshot) string {
	if s.Err != nil {
		return "error: " + s.Err.Error()
	}
	lines := make([]string, 0, len(s.Backends))
	for _, b := range s.Backends {
		lines = append(lines, render(b))
	}
	return strings.Join(lines, "\n")
}

func render(b registration.Backend) string {
	name, _ := b.Name.AsString()
	port := "-"
	if !b.Port.IsZero() {
		port = b.Port.String()
	}
	return name + "@" + b.Host + ":" + port
}
