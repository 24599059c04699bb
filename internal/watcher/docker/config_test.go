package docker

import (
	"strings"
	"testing"
	"time"

	"github.com/smartstack-go/smartstack/internal/config"
	"github.com/smartstack-go/smartstack/internal/watcher"
	"github.com/smartstack-go/smartstack/internal/watcher/watchertest"
)

func TestRegistered(t *testing.T) { watchertest.Registered[*Config](t, Method) }

// check_interval defaults to 15 s. container_port may
// be a number or a string, as the original compares its to_s.
func TestDecodeDefaults(t *testing.T) {
	for _, port := range []string{"6379", `"6379"`, "06379"} {
		c := NewConfig()
		doc := "servers:\n  - {name: mainserver, host: server1.local}\nimage_name: mycool/image\ncontainer_port: " + port + "\nbogus: 1\n"
		watchertest.DecodeWarning(t, doc, c, "bogus")
		if c.CheckInterval != config.Duration(15*time.Second) || c.ContainerPort != "6379" ||
			c.Servers[0].Port != "" || c.Servers[0].baseURL() != "http://server1.local:4243" || c.DropFailedServers {
			t.Fatalf("decoded %+v", c)
		}
		if err := c.Validate(); err != nil {
			t.Fatal(err)
		}
	}
}

func TestValidate(t *testing.T) {
	c := NewConfig()
	c.CheckInterval = 0
	err := c.Validate()
	for _, want := range []string{"servers: missing", "image_name: missing", "container_port", "check_interval"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Validate = %v, want it to mention %q", err, want)
		}
	}
	c = NewConfig()
	c.Servers = []Server{{Name: "a"}, {Host: "h", Port: "70000"}, {Host: "h", Port: "http"}}
	c.ImageName, c.ContainerPort = "img", "6379/tcp"
	err = c.Validate()
	for _, want := range []string{"servers[0].host", `servers[1].port: "70000"`, `servers[2].port: "http"`, `container_port: "6379/tcp"`} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Validate = %v, want it to mention %q", err, want)
		}
	}
	if _, err := New("svc", c, watcher.Options{}); err == nil {
		t.Error("New accepted an invalid config")
	}
}
