package e2e

import (
	"encoding/json"
	"fmt"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	gozk "github.com/smartstack-go/smartstack/third_party/go-zookeeper/zk"

	"github.com/smartstack-go/smartstack/internal/nerve/admin"
	"github.com/smartstack-go/smartstack/test/testutil"
)

// nerveCLI runs the nerve binary's client commands against sock.
func nerveCLI(t *testing.T, sock string, args ...string) (string, error) {
	t.Helper()
	args = append(args, "--admin-socket", sock)
	out, err := exec.Command(buildNerve(t), args...).CombinedOutput()
	return string(out), err
}

func mustCLI(t *testing.T, sock string, args ...string) string {
	t.Helper()
	out, err := nerveCLI(t, sock, args...)
	if err != nil {
		t.Fatalf("nerve %q: %v\n%s", args, err, out)
	}
	return out
}

func nerveStatusJSON(t *testing.T, sock string) admin.ServiceStatus {
	t.Helper()
	st, err := tryStatusJSON(t, sock)
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// tryStatusJSON is `nerve status -o json` of a nerve with one service; an
// error when the socket is not up yet.
func tryStatusJSON(t *testing.T, sock string) (admin.ServiceStatus, error) {
	t.Helper()
	var st admin.StatusResult
	out, err := nerveCLI(t, sock, "status", "-o", "json")
	if err != nil {
		return admin.ServiceStatus{}, fmt.Errorf("nerve status: %w\n%s", err, out)
	}
	if err := json.Unmarshal([]byte(out), &st); err != nil || len(st.Services) != 1 {
		return admin.ServiceStatus{}, fmt.Errorf("status -o json: %v\n%s", err, out)
	}
	return st.Services[0], nil
}

// `maint down --for` survives a nerve restart (the expiry is in the spool
// file) and ends by itself: the znode comes back with no operator, and the
// expiry is logged.
func TestNerveMaintForSurvivesRestart(t *testing.T) {
	z := testutil.SharedZooKeeper(t)
	zc := connectZK(t, z.Addrs())
	root := testutil.ZKPath(t)
	svc := newHealthService(t)
	cfgPath := filepath.Join(t.TempDir(), "nerve.conf.json")
	writeConfig(t, cfgPath, nerveWebConfig(svc, z, root, nil))
	spool, sock := t.TempDir(), filepath.Join(t.TempDir(), "nerve.sock")
	args := []string{"-c", cfgPath, "--maintenance-dir", spool, "--admin-socket", sock}
	p := startNerve(t, args...)
	wantChildren(t, zc, root+"/web", payload(svc.port))

	var res admin.MaintenanceResult
	out := mustCLI(t, sock, "maint", "down", "web", "--reason", "kernel upgrade", "--for", "8s", "-o", "json")
	if err := json.Unmarshal([]byte(out), &res); err != nil || res.Expires == "" || res.Reason != "kernel upgrade" {
		t.Fatalf("maint down -o json: %v\n%s", err, out)
	}
	expires, err := time.Parse(time.RFC3339, res.Expires)
	if err != nil {
		t.Fatal(err)
	}
	wantChildren(t, zc, root+"/web")

	p.signal(t, syscall.SIGTERM)
	<-p.done
	p2 := startNerve(t, args...)
	testutil.Eventually(t, 5*time.Second, func() error {
		st, err := tryStatusJSON(t, sock)
		if err != nil {
			return err
		}
		if !st.Maintenance || st.Reported != "down" || st.MaintenanceReason != "kernel upgrade" || st.MaintenanceExpires != res.Expires {
			return fmt.Errorf("after restart: %+v", st)
		}
		return nil
	})
	if got, err := children(zc, root+"/web"); err != nil || len(got) != 0 {
		t.Fatalf("registered after the restart, before the expiry (%s left): %q, %v", time.Until(expires), got, err)
	}
	if out := mustCLI(t, sock, "maint", "status"); !strings.Contains(out, "yes          down    "+res.Expires+"  kernel upgrade") {
		t.Errorf("maint status:\n%s", out)
	}

	wantChildren(t, zc, root+"/web", payload(svc.port))
	if time.Now().Before(expires) {
		t.Errorf("back before the expiry %s", expires)
	}
	if !strings.Contains(p2.stderr.String(), "maintenance expired; back to its checks") {
		t.Errorf("no expiry log line:\n%s", p2.stderr.String())
	}
	if st := nerveStatusJSON(t, sock); st.Maintenance || st.Reported != "up" {
		t.Errorf("after expiry: %+v", st)
	}
}

// `nerve weight` rewrites the same znode: a watcher sees data changes of
// one node whose weight climbs from 1 to the target; status shows the
// live and configured weights; 0 and "config" rewrite it too.
func TestNerveWeightLive(t *testing.T) {
	z := testutil.SharedZooKeeper(t)
	zc := connectZK(t, z.Addrs())
	root := testutil.ZKPath(t)
	svc := newHealthService(t)
	cfgPath := filepath.Join(t.TempDir(), "nerve.conf.json")
	web := service(svc.port, z.ConnectString(), root+"/web")
	web["weight"] = 10
	writeConfig(t, cfgPath, map[string]any{"instance_id": "e2e-host", "services": map[string]any{"web": web}})
	sock := filepath.Join(t.TempDir(), "nerve.sock")
	startNerve(t, "-c", cfgPath, "--admin-socket", sock)
	weighted := func(w int) string {
		return fmt.Sprintf(`{"host":"127.0.0.1","port":%d,"name":"e2e-host","weight":%d}`, svc.port, w)
	}
	wantChildren(t, zc, root+"/web", weighted(10))
	names, _, err := zc.Children(root + "/web")
	if err != nil || len(names) != 1 {
		t.Fatalf("children %q, %v", names, err)
	}
	node := root + "/web/" + names[0]
	_, before, err := zc.Get(node)
	if err != nil {
		t.Fatal(err)
	}

	seen, watching := make(chan []int, 1), make(chan struct{})
	go func() { seen <- watchWeights(zc, node, 40, 15*time.Second, watching) }()
	<-watching // the watch is set before the first step
	if out := mustCLI(t, sock, "weight", "web", "40", "--ramp", "3s"); !strings.Contains(out, "web: weight ramping from 1 to 40 over 3s") {
		t.Fatalf("weight: %s", out)
	}
	steps := <-seen
	t.Logf("weights seen: %v", steps)
	if len(steps) < 4 || steps[0] != 1 || steps[len(steps)-1] != 40 || !slices.IsSorted(steps) {
		t.Errorf("weights seen on %s: %v, want a climb from 1 to 40 in several steps", node, steps)
	}
	_, after, err := zc.Get(node)
	if err != nil || after.Czxid != before.Czxid || after.Version <= before.Version {
		t.Fatalf("the znode was replaced, not rewritten: czxid %d -> %d, version %d -> %d, %v", before.Czxid, after.Czxid, before.Version, after.Version, err)
	}
	wantChildren(t, zc, root+"/web", weighted(40))

	st := nerveStatusJSON(t, sock)
	if st.Path != node || st.Reported != "up" || len(st.Checks) != 1 || !st.Checks[0].LastOK ||
		*st.Weight.Registered != 40 || *st.Weight.Configured != 10 || !st.Weight.Live || *st.Weight.Target != 40 {
		t.Errorf("status -o json: %+v (weight %+v)", st, st.Weight)
	}
	out := mustCLI(t, sock, "status")
	for _, want := range []string{"web      up        up      -            -        40 (live; config 10)  " + node, "web      http-"} {
		if !strings.Contains(out, want) {
			t.Errorf("status lacks %q:\n%s", want, out)
		}
	}

	mustCLI(t, sock, "weight", "web", "0")
	wantChildren(t, zc, root+"/web", weighted(0))
	mustCLI(t, sock, "weight", "web", "config")
	wantChildren(t, zc, root+"/web", weighted(10))
	if names, _, _ := zc.Children(root + "/web"); len(names) != 1 || root+"/web/"+names[0] != node {
		t.Errorf("children %q, want still %s", names, node)
	}
	if out, err := nerveCLI(t, sock, "weight", "nope", "5"); err == nil || !strings.Contains(out, `unknown service "nope" (known: web; or all)`) {
		t.Errorf("unknown service: %v\n%s", err, out)
	}
	if out, err := nerveCLI(t, sock, "weight", "web", "300"); err == nil || !strings.Contains(out, "from 0 to 256") {
		t.Errorf("weight 300: %v\n%s", err, out)
	}
}

// watchWeights records the weight in node's data at every change until it
// is target or the time is up; watching is closed once the first watch is
// set.
func watchWeights(zc *gozk.Conn, node string, target int, within time.Duration, watching chan<- struct{}) []int {
	var out []int
	deadline := time.After(within)
	defer func() {
		if watching != nil {
			close(watching)
		}
	}()
	for {
		b, _, ch, err := zc.GetW(node)
		if err != nil {
			return out
		}
		if watching != nil {
			close(watching)
			watching = nil
		}
		var p struct{ Weight int }
		if json.Unmarshal(b, &p) == nil && (len(out) == 0 || out[len(out)-1] != p.Weight) && (len(out) > 0 || p.Weight != 10) {
			out = append(out, p.Weight)
		}
		if len(out) > 0 && out[len(out)-1] == target {
			return out
		}
		select {
		case <-ch:
		case <-deadline:
			return out
		}
	}
}
