package multi

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/smartstack-go/smartstack/internal/awsconf/awstest"
	"github.com/smartstack-go/smartstack/internal/watcher"
)

// fakeS3 answers GetObject as S3 does: the object with S3's headers, or
// S3's XML error document (NoSuchKey 404, AccessDenied 403). It records
// every request.
type fakeS3 struct {
	*httptest.Server
	mu     sync.Mutex
	status int
	body   string
	gate   chan struct{} // when set, each request waits for it to close
	reqs   []*http.Request
}

// newFakeS3 serves body as the object and points the SDK at the server,
// with credentials in the environment as on a host without a profile.
func newFakeS3(t *testing.T, body string) *fakeS3 {
	t.Helper()
	f := &fakeS3{status: http.StatusOK, body: body}
	f.Server = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.Close)
	awstest.Isolate(t, f.URL)
	t.Setenv("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")
	return f
}

func (f *fakeS3) serve(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	f.reqs = append(f.reqs, r.Clone(context.Background()))
	status, body, gate := f.status, f.body, f.gate
	f.mu.Unlock()
	if gate != nil {
		select {
		case <-gate:
		case <-r.Context().Done():
			return
		}
	}
	w.Header().Set("x-amz-request-id", "4442587FB7D0A2F9")
	w.Header().Set("x-amz-id-2", "vlR7PnpV2Ce81l0PRw6jlUpck7Jo5ZsQjryTjKlc5aLWGVHPZLj5NeC6qMa0emYBDXOo6QBU0Wo=")
	switch status {
	case http.StatusOK:
		w.Header().Set("Content-Type", "application/x-yaml")
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		w.Header().Set("ETag", `"fba9dede5f27731c9771645a39863328"`)
		w.Header().Set("Last-Modified", "Wed, 12 Oct 2009 17:50:00 GMT")
		w.Header().Set("Accept-Ranges", "bytes")
		fmt.Fprint(w, body)
	case http.StatusNotFound:
		s3Error(w, status, "NoSuchKey", "The specified key does not exist.", "<Key>"+r.URL.Path+"</Key>")
	default:
		s3Error(w, status, "AccessDenied", "Access Denied", "")
	}
}

func s3Error(w http.ResponseWriter, status int, code, msg, extra string) {
	w.Header().Set("Content-Type", "application/xml")
	w.WriteHeader(status)
	fmt.Fprintf(w, `<?xml version="1.0" encoding="UTF-8"?>
<Error><Code>%s</Code><Message>%s</Message>%s<RequestId>4442587FB7D0A2F9</RequestId><HostId>vlR7PnpV2Ce81l0PRw6jlUpck7Jo5ZsQjryTjKlc5aLWGVHPZLj5NeC6qMa0emYBDXOo6QBU0Wo=</HostId></Error>`,
		code, msg, extra)
}

// set changes the answer: status 200 serves body, 404 NoSuchKey, other
// statuses AccessDenied.
func (f *fakeS3) set(status int, body string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.status, f.body = status, body
}

func (f *fakeS3) requests() []*http.Request {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]*http.Request(nil), f.reqs...)
}

// awaitRequests waits until the server has seen at least n requests.
func (f *fakeS3) awaitRequests(t *testing.T, n int) {
	t.Helper()
	deadline := time.Now().Add(waitLong)
	for len(f.requests()) < n {
		if time.Now().After(deadline) {
			t.Fatalf("%d requests within %s, want %d", len(f.requests()), waitLong, n)
		}
		time.Sleep(5 * time.Millisecond) // polling the server's count
	}
}

// testPollOpts keep the poller fast: no splay, backoff capped low.
func testPollOpts() pollOpts {
	o := defaultPollOpts()
	o.requestTimeout = 5 * time.Second
	o.maxBackoff = 40 * time.Millisecond
	o.splay = func(d time.Duration) time.Duration { return d }
	return o
}

// s3Multi is a two-child multi section following s3://bucket/path1/path2.
func s3Multi(bucket, interval string) string {
	return twoFakes + "resolver: {method: s3_toggle, s3_url: 's3://" + bucket + "/path1/path2', " +
		"s3_polling_interval_seconds: " + interval + "}}"
}

// startS3 runs an s3_toggle multi watcher with testPollOpts.
func startS3(t *testing.T, service, src string) (*Watcher, <-chan watcher.Snapshot) {
	t.Helper()
	return startAs(t, service, src, func(w *Watcher) { w.resolver.(*s3Toggle).opts = testPollOpts() })
}
