package e2e

import (
	"cmp"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"text/template"

	"github.com/smartstack-go/smartstack/internal/awsconf/awstest"
)

// jsonAPI is a local HTTP server that answers GET path with the JSON of
// whatever its items are now, wrapped by wrap: the Docker Engine API's
// container listing and Marathon's app tasks, which cannot run here.
type jsonAPI struct {
	*httptest.Server
	path string
	wrap func([]map[string]any) any

	mu    sync.Mutex
	items []map[string]any
}

func newJSONAPI(t *testing.T, path string, wrap func([]map[string]any) any, items ...map[string]any) *jsonAPI {
	t.Helper()
	a := &jsonAPI{path: path, wrap: wrap, items: items}
	a.Server = httptest.NewServer(http.HandlerFunc(a.serve))
	t.Cleanup(a.Close)
	return a
}

func (a *jsonAPI) serve(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet || r.URL.Path != a.path {
		http.Error(w, `{"message":"page not found"}`, http.StatusNotFound)
		return
	}
	a.mu.Lock()
	b, err := json.Marshal(a.wrap(a.items))
	a.mu.Unlock()
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(b)
}

func (a *jsonAPI) add(item map[string]any) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.items = append(a.items, item)
}

func asList(items []map[string]any) any { return items }

func asTasks(items []map[string]any) any { return map[string]any{"tasks": items} }

// dockerContainer is one entry of the Engine API's GET /containers/json
// (API v1.41), publishing private port 8080 on public.
func dockerContainer(id string, public int) map[string]any {
	return map[string]any{
		"Id": id, "Names": []string{"/web-" + id}, "Image": "example/web:1.2",
		"ImageID": "sha256:d74508fb6632491cea586a1fd7d748dfc5274cd6fdfedee309ecdcbc2bf5cb82",
		"Command": "/bin/web", "Created": 1367854155, "State": "running", "Status": "Up 2 hours",
		"Ports": []map[string]any{
			{"IP": "0.0.0.0", "PrivatePort": 8080, "PublicPort": public, "Type": "tcp"},
			{"IP": "::", "PrivatePort": 8080, "PublicPort": public, "Type": "tcp"},
		},
		"Labels": map[string]string{}, "HostConfig": map[string]any{"NetworkMode": "default"},
	}
}

// marathonTask is one entry of Marathon's GET /v2/apps/{app}/tasks.
func marathonTask(host string, port int) map[string]any {
	return map[string]any{
		"appId": "/web", "host": host, "id": "web." + host, "ports": []int{port}, "servicePorts": []int{10000},
		"slaveId": "84ef3da1-5e18-4b1e-8c27-7e0bd1c83f4b-S1", "state": "TASK_RUNNING",
		"stagedAt": "2017-06-06T12:40:20.108Z", "startedAt": "2017-06-06T12:40:25.217Z",
		"version": "2017-06-06T12:40:19.884Z", "healthCheckResults": []any{}, "localVolumes": []any{},
	}
}

var ec2Reply = template.Must(template.ParseFiles("testdata/describe_instances.xml.tmpl"))

type ec2Instance struct{ ID, DNS, IP string }

// fakeEC2 answers EC2's Query API action DescribeInstances with EC2's XML
// for the running instances tagged servicename=web (or tagValue) it holds;
// the AWS SDK in synapse reaches it through AWS_ENDPOINT_URL_EC2.
type fakeEC2 struct {
	*httptest.Server
	mu        sync.Mutex
	instances []ec2Instance
	tagValue  string // "" is "web"
}

func newFakeEC2(t *testing.T, instances ...ec2Instance) *fakeEC2 {
	t.Helper()
	f := &fakeEC2{instances: instances}
	f.Server = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.Close)
	return f
}

func (f *fakeEC2) serve(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil || r.Form.Get("Action") != "DescribeInstances" {
		http.Error(w, "not a DescribeInstances query", http.StatusBadRequest)
		return
	}
	tag := cmp.Or(f.tagValue, "web")
	if !hasFilter(r.PostForm, "tag:servicename", tag) || !hasFilter(r.PostForm, "instance-state-name", "running") {
		http.Error(w, fmt.Sprintf("unexpected filters %v", r.PostForm), http.StatusBadRequest)
		return
	}
	f.mu.Lock()
	ins := append([]ec2Instance(nil), f.instances...)
	f.mu.Unlock()
	w.Header().Set("Content-Type", "text/xml;charset=UTF-8")
	if err := ec2Reply.Execute(w, ins); err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
	}
}

// hasFilter reports whether the query has Filter.N.Name=name with
// Filter.N.Value.1=value.
func hasFilter(form url.Values, name, value string) bool {
	for k, v := range form {
		if strings.HasSuffix(k, ".Name") && len(v) == 1 && v[0] == name {
			if form.Get(strings.TrimSuffix(k, ".Name")+".Value.1") == value {
				return true
			}
		}
	}
	return false
}

func (f *fakeEC2) add(i ec2Instance) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.instances = append(f.instances, i)
}

// fakeS3 answers a path-style GetObject with the toggle object of the
// multi watcher's s3_toggle resolver, as S3 does, or S3's NoSuchKey.
type fakeS3 struct {
	*httptest.Server
	mu      sync.Mutex
	objects map[string]string // "/bucket/key" to body
}

func newFakeS3(t *testing.T) *fakeS3 {
	t.Helper()
	f := &fakeS3{objects: map[string]string{}}
	f.Server = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.Close)
	return f
}

func (f *fakeS3) serve(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	body, ok := f.objects[r.URL.Path]
	f.mu.Unlock()
	if r.Method != http.MethodGet || !ok {
		w.Header().Set("Content-Type", "application/xml")
		w.WriteHeader(http.StatusNotFound)
		fmt.Fprintf(w, `<?xml version="1.0" encoding="UTF-8"?>
<Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message><Key>%s</Key><RequestId>4442587FB7D0A2F9</RequestId></Error>`, r.URL.Path)
		return
	}
	w.Header().Set("Content-Type", "application/x-yaml")
	w.Header().Set("ETag", `"fba9dede5f27731c9771645a39863328"`)
	fmt.Fprint(w, body)
}

func (f *fakeS3) put(path, body string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.objects[path] = body
}

// isolateAWS points the synapse process's AWS SDK at the local EC2 and S3
// servers and away from anything on this machine (shared files, instance
// metadata); the process inherits the test's environment, restored after
// the test.
func isolateAWS(t *testing.T, ec2, s3 string) {
	t.Helper()
	awstest.Isolate(t, "")
	t.Setenv("AWS_ENDPOINT_URL_EC2", ec2)
	t.Setenv("AWS_ENDPOINT_URL_S3", s3)
}
