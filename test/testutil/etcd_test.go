package testutil

import (
	"errors"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"syscall"
	"testing"
	"time"
)

func TestEtcdMissingBinary(t *testing.T) {
	err := etcdCheckDeps("no-such-etcd")
	if err == nil || !strings.Contains(err.Error(), "apt-get install -y etcd-server") {
		t.Fatalf("got %v, want an error with the install command", err)
	}
}

func TestEtcdStartStop(t *testing.T) {
	e := StartEtcd(t)
	// The v2 keys API is on: a write and a read back.
	resp, err := http.PostForm(e.URL()+"/v2/keys/testutil/k", url.Values{"value": {"v1"}})
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusCreated || !strings.Contains(string(body), `"value":"v1"`) {
		t.Fatalf("POST /v2/keys: %s %s", resp.Status, body)
	}
	pid := e.PID()
	if err := e.Stop(); err != nil {
		t.Fatal(err)
	}
	if e.PID() != 0 {
		t.Fatal("PID after Stop is not 0")
	}
	if err := syscall.Kill(pid, 0); !errors.Is(err, syscall.ESRCH) {
		t.Fatalf("etcd pid %d still exists after Stop (kill 0: %v)", pid, err)
	}
	if c, err := net.DialTimeout("tcp", e.Addr(), time.Second); err == nil {
		c.Close()
		t.Fatal("client port still accepts after Stop")
	}
	if err := e.Stop(); err != nil {
		t.Fatalf("second Stop: %v", err)
	}
}
