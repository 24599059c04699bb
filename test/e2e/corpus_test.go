package e2e

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	gozk "github.com/smartstack-go/smartstack/third_party/go-zookeeper/zk"

	"github.com/smartstack-go/smartstack/internal/generator/haproxy"
	"github.com/smartstack-go/smartstack/test/testutil"
)

// corpusDir holds configs in the shapes of public deployments (its
// README.md names each one's) and expected.json, their outcomes.
const corpusDir = "testdata/corpus"

// corpusCase is one expected.json entry.
type corpusCase struct {
	Check    string         `json:"check"`
	Strict   string         `json:"strict"`
	Messages []string       `json:"messages"`
	Register []string       `json:"register"`
	Znodes   map[string]int `json:"znodes"`
	Leniency string         `json:"leniency"`
}

func loadCorpus(t *testing.T) map[string]corpusCase {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(corpusDir, "expected.json"))
	if err != nil {
		t.Fatal(err)
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(b, &raw); err != nil {
		t.Fatal(err)
	}
	out := map[string]corpusCase{}
	for name, r := range raw {
		if strings.HasPrefix(name, "_") {
			continue
		}
		var c corpusCase
		if err := json.Unmarshal(r, &c); err != nil {
			t.Fatalf("expected.json %s: %v", name, err)
		}
		out[name] = c
	}
	// Every config in the directory has an expectation, and the reverse.
	files, _ := filepath.Glob(filepath.Join(corpusDir, "*.*.*"))
	for _, f := range files {
		if base := filepath.Base(f); base != "expected.json" && !strings.HasSuffix(base, ".conf.d") {
			if _, ok := out[base]; !ok {
				t.Errorf("%s has no entry in expected.json", base)
			}
		}
	}
	for name := range out {
		if _, err := os.Stat(filepath.Join(corpusDir, name)); err != nil {
			t.Errorf("expected.json names %s: %v", name, err)
		}
	}
	return out
}

// corpusVars are a corpus config's placeholders: the test ZooKeeper, a
// znode path, a temp dir (also the copy of the corpus directory) and a
// healthy local HTTP service.
type corpusVars struct {
	zk, zkPath, dir string
	port            int
}

// install writes name, and its <config>.conf.d directory if any, into
// v.dir with the placeholders filled in; it returns the config's path.
func (v corpusVars) install(t *testing.T, name string) string {
	t.Helper()
	r := strings.NewReplacer("@ZK@", v.zk, "@ZKPATH@", v.zkPath, "@DIR@", v.dir, "@CORPUS@", v.dir, "@PORT@", strconv.Itoa(v.port))
	copyOne := func(rel string) {
		b, err := os.ReadFile(filepath.Join(corpusDir, rel))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.MkdirAll(filepath.Dir(filepath.Join(v.dir, rel)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(v.dir, rel), []byte(r.Replace(string(b))), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	copyOne(name)
	confd := strings.SplitN(name, ".", 2)[0] + ".conf.d"
	entries, _ := os.ReadDir(filepath.Join(corpusDir, confd))
	for _, e := range entries {
		copyOne(filepath.Join(confd, e.Name()))
	}
	return filepath.Join(v.dir, name)
}

// TestCorpus loads every corpus config with -k (and --strict), runs
// synapse --once against ZooKeeper registrations for the ZooKeeper ones
// and haproxy -c on what it renders, and runs nerve until its
// registrations appear. Outcomes are in testdata/corpus/expected.json.
func TestCorpus(t *testing.T) {
	z := testutil.SharedZooKeeper(t)
	zc := connectZK(t, z.Addrs())
	health := newHealthService(t)
	synapseBin, nerveBin := buildSynapse(t), buildNerve(t)
	haproxyBin, err := testutil.HAProxyBinary()
	if err != nil {
		t.Fatal(err)
	}
	root := testutil.ZKPath(t)
	for name, c := range loadCorpus(t) {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			v := corpusVars{zk: z.Addrs()[0], zkPath: root + "/" + strings.NewReplacer(".", "_").Replace(name), dir: t.TempDir(), port: health.port}
			cfg := v.install(t, name)
			bin := synapseBin
			if strings.Contains(name, ".nerve.") {
				bin = nerveBin
			}
			checkVerdict(t, c, "-k", bin, "-k", "-c", cfg)
			if c.Check == "accepted" && bin == synapseBin {
				checkVerdict(t, corpusCase{Check: c.Strict}, "-k --strict", bin, "-k", "--strict", "-c", cfg)
			}
			if c.Check != "accepted" {
				return
			}
			if bin == synapseBin && len(c.Register) > 0 {
				corpusOnce(t, zc, v, c.Register, synapseBin, haproxyBin, cfg)
			}
			if bin == nerveBin {
				corpusNerve(t, zc, v, c.Znodes, cfg)
			}
		})
	}
}

// checkVerdict runs bin and compares its exit code and stderr with c.
func checkVerdict(t *testing.T, c corpusCase, what, bin string, args ...string) {
	t.Helper()
	code, _, errOut := runBinary(t, bin, args...)
	want := map[string]int{"accepted": 0, "rejected": 78}[c.Check]
	if code != want {
		hint := ""
		if c.Leniency != "" {
			hint = fmt.Sprintf(" (this outcome depends on the originals' leniency: %s; update expected.json if that changed)", c.Leniency)
		}
		t.Errorf("%s: exit %d, want %d (%s)%s; stderr:\n%s", what, code, want, c.Check, hint, errOut)
	}
	for _, m := range c.Messages {
		if !strings.Contains(errOut, m) {
			t.Errorf("%s: stderr lacks %q:\n%s", what, m, errOut)
		}
	}
}

// corpusOnce registers two backends per service and has synapse --once
// --dry-run render haproxy.cfg from them: it must name them, and HAProxy
// must accept it.
func corpusOnce(t *testing.T, zc *gozk.Conn, v corpusVars, services []string, synapseBin, haproxyBin, cfg string) {
	t.Helper()
	var want []string
	for i, svc := range services {
		createPath(t, zc, v.zkPath+"/"+svc)
		for j := range 2 {
			port := 20000 + 10*i + j
			registerBackend(t, zc, v.zkPath+"/"+svc, fmt.Sprintf("%s_%d", svc, j), port)
			want = append(want, fmt.Sprintf("127.0.0.1:%d", port))
		}
	}
	code, out, errOut := runBinary(t, synapseBin, "--once", "--dry-run", "--once-timeout", "10s", "-c", cfg)
	if code != 0 {
		t.Fatalf("--once --dry-run: exit %d; stderr:\n%s", code, errOut)
	}
	for _, w := range want {
		if !strings.Contains(out, w) {
			t.Errorf("--once haproxy.cfg lacks a server at %s:\n%s", w, out)
		}
	}
	path := filepath.Join(v.dir, "once-haproxy.cfg")
	if err := os.WriteFile(path, []byte(haproxy.Sandbox(out, v.dir)), 0o600); err != nil {
		t.Fatal(err)
	}
	if b, err := exec.Command(haproxyBin, "-c", "-f", path).CombinedOutput(); err != nil {
		t.Errorf("haproxy -c refused the --once haproxy.cfg: %v\n%s\n%s", err, b, out)
	}
}

// corpusNerve runs nerve until each service shows its registrations.
func corpusNerve(t *testing.T, zc *gozk.Conn, v corpusVars, znodes map[string]int, cfg string) {
	t.Helper()
	p := startNerve(t, "-c", cfg)
	for svc, n := range znodes {
		testutil.Eventually(t, 20*time.Second, func() error {
			got, err := children(zc, v.zkPath+"/"+svc)
			if err != nil {
				return err
			}
			if len(got) != n {
				return fmt.Errorf("%s: %d registrations, want %d (nerve alive: %v)", svc, len(got), n, p.alive())
			}
			for _, g := range got {
				// A port given as a string is registered as one, as the original does.
				if !strings.Contains(g, `"port":`+strconv.Itoa(v.port)) && !strings.Contains(g, `"port":"`+strconv.Itoa(v.port)+`"`) {
					return fmt.Errorf("%s: registration %s lacks port %d", svc, g, v.port)
				}
			}
			return nil
		})
	}
}
