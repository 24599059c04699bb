package marathon

import (
	"strings"
	"testing"
	"time"

	"github.com/smartstack-go/smartstack/internal/config"
	"github.com/smartstack-go/smartstack/internal/watcher"
	"github.com/smartstack-go/smartstack/internal/watcher/watchertest"
)

func TestRegistered(t *testing.T) { watchertest.Registered[*Config](t, Method) }

func TestDecodeDefaults(t *testing.T) {
	c := NewConfig()
	watchertest.DecodeWarning(t, "marathon_api_url: http://marathon:8080\napplication_name: web\ncheck_intervall: 3\n", c, "check_intervall")
	if c.CheckInterval != config.Duration(10*time.Second) || c.PortIndex != 0 ||
		c.MarathonAPIPath != DefaultAPIPath || c.RequestTimeout != config.Duration(5*time.Second) {
		t.Fatalf("defaults not kept: %+v", c)
	}
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
}

func TestValidate(t *testing.T) {
	c := NewConfig()
	c.PortIndex = -1
	c.CheckInterval = 0
	err := c.Validate()
	for _, want := range []string{"marathon_api_url: missing", "application_name: missing", "port_index: -1", "check_interval"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Validate = %v, want it to mention %q", err, want)
		}
	}
	c = NewConfig()
	c.MarathonAPIURL, c.ApplicationName = "marathon:8080", "web"
	if err := c.Validate(); err == nil || !strings.Contains(err.Error(), "not an http(s) URL") {
		t.Errorf("Validate = %v, want a URL error", err)
	}
	if _, err := New("svc", c, watcher.Options{}); err == nil {
		t.Error("New accepted an invalid config")
	}
}

// URI.join semantics: a path starting with / replaces the base's path.
func TestTasksURL(t *testing.T) {
	for _, tc := range []struct{ base, path, app, want string }{
		{"http://127.0.0.1:8080", DefaultAPIPath, "foo", "http://127.0.0.1:8080/v2/apps/foo/tasks"},
		{"http://m:8080/marathon/", DefaultAPIPath, "foo", "http://m:8080/v2/apps/foo/tasks"},
		{"http://m:8080/marathon/", "v2/apps/%{app}/tasks", "foo", "http://m:8080/marathon/v2/apps/foo/tasks"},
		{"https://m", "/v3/tasks/%{app}", "group/app", "https://m/v3/tasks/group/app"},
	} {
		c := NewConfig()
		c.MarathonAPIURL, c.MarathonAPIPath, c.ApplicationName = tc.base, tc.path, tc.app
		u, err := c.tasksURL()
		if err != nil || u.String() != tc.want {
			t.Errorf("tasksURL(%s, %s) = %v, %v; want %s", tc.base, tc.path, u, err, tc.want)
		}
	}
}
