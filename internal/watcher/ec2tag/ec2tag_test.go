package ec2tag

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/smartstack-go/smartstack/internal/config"
	"github.com/smartstack-go/smartstack/internal/watcher"
)

var (
	web1 = instance{"i-1234567890abcdef0", "ip-192-168-1-88.eu-west-1.compute.internal", "192.168.1.88"}
	web2 = instance{"i-0598c7d356eba48d7", "ip-192-168-1-89.eu-west-1.compute.internal", "192.168.1.89"}
	web3 = instance{"i-0fedcba9876543210", "ip-192-168-1-90.eu-west-1.compute.internal", "192.168.1.90"}
)

const (
	want1 = "ip-192-168-1-88.eu-west-1.compute.internal@192.168.1.88:-"
	want2 = "ip-192-168-1-89.eu-west-1.compute.internal@192.168.1.89:-"
	want3 = "ip-192-168-1-90.eu-west-1.compute.internal@192.168.1.90:-"
)

func expect(t *testing.T, s watcher.Snapshot, want ...string) {
	t.Helper()
	if s.Service != "svc" {
		t.Errorf("service %q, want svc", s.Service)
	}
	if got, w := backendsOf(s), strings.Join(want, "\n"); got != w {
		t.Fatalf("backends\n%s\nwant\n%s", got, w)
	}
}

// Two tagged instances become two backends named by private DNS name at
// their private IP, through the real SDK: SigV4-signed Query request with
// the exact filters, EC2 XML parsed.
func TestTwoTaggedInstances(t *testing.T) {
	f := newFakeEC2(t, reply{instances: []instance{web1, web2}})
	isolateAWS(t, f.URL)
	r := start(t, testConfig())
	expect(t, r.Next(t), want1, want2)
	if err := r.W.Ping(context.Background()); err != nil {
		t.Errorf("Ping after a good poll: %v", err)
	}

	forms, auths := f.requests()
	q := forms[0]
	for k, v := range map[string]string{
		"Action": "DescribeInstances", "Version": "2016-11-15",
		"Filter.1.Name": "tag:servicename", "Filter.1.Value.1": "true",
		"Filter.2.Name": "instance-state-name", "Filter.2.Value.1": "running",
	} {
		if got := q.Get(k); got != v {
			t.Errorf("request %s = %q, want %q (form %v)", k, got, v, q)
		}
	}
	if a := auths[0]; !strings.HasPrefix(a, "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/") ||
		!strings.Contains(a, "/eu-west-1/ec2/aws4_request") || !strings.Contains(a, "Signature=") {
		t.Errorf("Authorization %q is not a SigV4 signature for eu-west-1/ec2", a)
	}
}

// Every page of a paginated answer is read, in order.
func TestPaginated(t *testing.T) {
	f := newFakeEC2(t, reply{instances: []instance{web1, web2, web3}, pageSize: 2})
	isolateAWS(t, f.URL)
	r := start(t, testConfig())
	expect(t, r.Next(t), want1, want2, want3)
	forms, _ := f.requests()
	if len(forms) < 2 || forms[1].Get("NextToken") != "page-2" {
		t.Fatalf("second request did not carry the next token: %v", forms)
	}
}

// A changed answer is reported in a new snapshot.
func TestChange(t *testing.T) {
	f := newFakeEC2(t, reply{instances: []instance{web1, web2}}, reply{instances: []instance{web2, web3}})
	isolateAWS(t, f.URL)
	r := start(t, testConfig())
	expect(t, r.Next(t), want1, want2)
	expect(t, r.Next(t), want2, want3)
}

// RequestLimitExceeded is a stale snapshot, the poll after it backs off,
// then succeeds.
func TestThrottledThenSuccess(t *testing.T) {
	f := newFakeEC2(t,
		reply{status: 503, errCode: "RequestLimitExceeded"},
		reply{status: 503, errCode: "RequestLimitExceeded"},
		reply{instances: []instance{web1, web2}})
	isolateAWS(t, f.URL)
	c := testConfig()
	c.CheckInterval = config.Duration(50 * time.Millisecond)
	r := start(t, c)
	began := time.Now()
	for range 2 {
		s := r.Next(t)
		if s.Err == nil || !throttled(s.Err) || !strings.Contains(s.Err.Error(), "RequestLimitExceeded") || s.Backends != nil {
			t.Fatalf("want a throttled stale snapshot, got %s", backendsOf(s))
		}
	}
	expect(t, r.Next(t), want1, want2)
	// Two throttled polls: 50ms, then 50ms*2*0.5 = 50ms (clamped up), at least.
	if el := time.Since(began); el < 100*time.Millisecond {
		t.Errorf("recovered after %s, before the backoff delays", el)
	}
}

// An EC2 500 is a stale snapshot and a failing Ping; the watcher goes on.
func TestServerErrorIsStale(t *testing.T) {
	f := newFakeEC2(t, reply{status: 500, errCode: "InternalError"}, reply{instances: []instance{web1}})
	isolateAWS(t, f.URL)
	r := start(t, testConfig())
	s := r.Next(t)
	if s.Err == nil || !strings.Contains(s.Err.Error(), "InternalError") || s.Backends != nil || throttled(s.Err) {
		t.Fatalf("want an InternalError stale snapshot, got %s", backendsOf(s))
	}
	expect(t, r.Next(t), want1)
}

// Without credential or region keys, the SDK's default chain (here the
// AWS_* environment) supplies them.
func TestEnvironmentCredentials(t *testing.T) {
	f := newFakeEC2(t, reply{instances: []instance{web1}})
	isolateAWS(t, f.URL)
	t.Setenv("AWS_ACCESS_KEY_ID", "AKIDFROMENV")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "secret")
	t.Setenv("AWS_REGION", "us-west-2")
	c := testConfig()
	c.AWSRegion, c.AWSAccessKeyID, c.AWSSecretAccessKey = "", "", ""
	r := start(t, c)
	expect(t, r.Next(t), want1)
	_, auths := f.requests()
	if !strings.Contains(auths[0], "Credential=AKIDFROMENV/") || !strings.Contains(auths[0], "/us-west-2/ec2/") {
		t.Errorf("Authorization %q does not use the environment's key and region", auths[0])
	}
}

// An instance without a private IP is skipped; one without a private DNS
// name is named by its id.
func TestInstanceFields(t *testing.T) {
	f := newFakeEC2(t, reply{instances: []instance{
		{ID: "i-noip", DNS: "ip-x.internal"}, {ID: "i-nodns", IP: "10.0.0.7"}}})
	isolateAWS(t, f.URL)
	r := start(t, testConfig())
	expect(t, r.Next(t), "i-nodns@10.0.0.7:-")
}

func TestBackoff(t *testing.T) {
	const iv, ceil = 15 * time.Second, 100 * time.Second
	for _, tc := range []struct {
		n    int
		u    float64
		want time.Duration
	}{
		{1, 0.5, iv}, {1, 0.99, iv}, {2, 0.5, iv}, {2, 0.75, 22500 * time.Millisecond},
		{3, 0.5, 30 * time.Second}, {4, 0.5, 60 * time.Second}, {5, 0.5, ceil}, {60, 0.99, ceil},
	} {
		if got := backoff(iv, ceil, tc.n, tc.u); got != tc.want {
			t.Errorf("backoff(n=%d, u=%v) = %s, want %s", tc.n, tc.u, got, tc.want)
		}
	}
	if got := backoff(iv, 0, 3, 0.5); got != iv {
		t.Errorf("a ceiling below the interval: %s, want the interval", got)
	}
}
