package dist

import (
	"archive/zip"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

const modulePath = "github.com/smartstack-go/smartstack"

// TestGoInstall proves `go install github.com/smartstack-go/smartstack/cmd/...@version`
// works: go refuses a module with a replace directive there. The module
// is served at a made-up version from a file:// proxy built from the
// tracked files, its dependencies from the local module cache (which is
// itself a proxy layout), into an empty GOPATH; no network.
func TestGoInstall(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: downloads nothing but builds both daemons")
	}
	const version = "v0.0.0-20261207000000-000000000000"
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	gomod, err := os.ReadFile(filepath.Join(root, "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	tmp := t.TempDir()
	proxy := filepath.Join(tmp, "proxy", modulePath, "@v")
	if err := os.MkdirAll(proxy, 0o755); err != nil {
		t.Fatal(err)
	}
	writeModuleZip(t, root, filepath.Join(proxy, version+".zip"), modulePath+"@"+version)
	files := map[string]string{
		version + ".mod":  string(gomod),
		version + ".info": `{"Version":"` + version + `","Time":"2026-12-07T00:00:00Z"}`,
		"list":            version + "\n",
	}
	for name, body := range files {
		if err := os.WriteFile(filepath.Join(proxy, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	modcache := goEnv(t, "GOMODCACHE")
	gopath, gobin := filepath.Join(tmp, "gopath"), filepath.Join(tmp, "bin")
	cmd := exec.Command("go", "install", modulePath+"/cmd/...@"+version)
	cmd.Env = append(os.Environ(),
		"GOPROXY=file://"+filepath.Join(tmp, "proxy")+",file://"+filepath.Join(modcache, "cache", "download"),
		"GOPATH="+gopath, "GOMODCACHE="+filepath.Join(gopath, "pkg", "mod"), "GOBIN="+gobin,
		"GOSUMDB=off", "GOTOOLCHAIN=local", "GOWORK=off",
		// The dependencies' packages then come from the build cache, as
		// `make dist` built them.
		"CGO_ENABLED=0", "GOFLAGS=-trimpath")
	cmd.Dir = tmp // outside the module, as a user's shell would be
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go install: %v\n%s", err, out)
	}
	// The module cache is read-only by design; let t.TempDir remove it.
	t.Cleanup(func() { exec.Command("chmod", "-R", "u+w", gopath).Run() })
	for _, daemon := range []string{"nerve", "synapse"} {
		out, err := exec.Command(filepath.Join(gobin, daemon), "version").CombinedOutput()
		if err != nil || !strings.HasPrefix(string(out), daemon+" ") {
			t.Errorf("%s version: %v: %s", daemon, err, out)
		}
	}
}

func goEnv(t *testing.T, name string) string {
	t.Helper()
	out, err := exec.Command("go", "env", name).Output()
	if err != nil {
		t.Fatalf("go env %s: %v", name, err)
	}
	return strings.TrimSpace(string(out))
}

// writeModuleZip writes the tracked files of the module at root as a
// module zip (every name under prefix/), as a proxy serves it.
func writeModuleZip(t *testing.T, root, path, prefix string) {
	t.Helper()
	list, err := exec.Command("git", "-C", root, "ls-files", "-z").Output()
	if err != nil {
		t.Fatalf("git ls-files: %v", err)
	}
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zw := zip.NewWriter(f)
	for _, name := range strings.Split(strings.TrimRight(string(list), "\x00"), "\x00") {
		body, err := os.ReadFile(filepath.Join(root, name))
		if os.IsNotExist(err) {
			continue // deleted in the work tree, not yet committed
		}
		if err != nil {
			t.Fatal(err)
		}
		w, err := zw.Create(prefix + "/" + name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write(body); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
}
