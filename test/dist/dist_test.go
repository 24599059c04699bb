// Package dist tests the release artifacts: it builds the amd64 .deb with
// `make deb` (the recipe `make dist` runs per architecture), checks its
// control fields and file list with dpkg-deb, extracts it and runs the
// packaged binaries on the packaged configs.
package dist

import (
	"bytes"
	"compress/gzip"
	"debug/elf"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

const testVersion = "v9.8.7-test"

// pkg is the .deb built once for every test of the package.
type pkg struct {
	deb  string // the .deb file
	root string // its extracted tree
}

var (
	buildOnce sync.Once
	built     pkg
	buildErr  string
)

// build runs `make deb` into a temp dir once and extracts the result.
func build(t *testing.T) pkg {
	t.Helper()
	if testing.Short() {
		t.Skip("-short: builds two static binaries and a .deb")
	}
	for _, tool := range []string{"make", "dpkg-deb", "gzip"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Fatalf("%s not found: apt-get install make dpkg gzip", tool)
		}
	}
	buildOnce.Do(func() { built, buildErr = makeDeb() })
	if buildErr != "" {
		t.Fatal(buildErr)
	}
	return built
}

func makeDeb() (pkg, string) {
	dir, err := os.MkdirTemp("", "smartstack-dist-")
	if err != nil {
		return pkg{}, err.Error()
	}
	cmd := exec.Command("make", "--no-print-directory", "deb", "ARCH=amd64", "DIST="+dir, "VERSION="+testVersion)
	cmd.Dir = "../.."
	// Under `make test` the parent's flags and variables would leak in.
	for _, kv := range os.Environ() {
		if name, _, _ := strings.Cut(kv, "="); name != "MAKEFLAGS" && name != "MFLAGS" && name != "MAKELEVEL" {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	if out, err := cmd.CombinedOutput(); err != nil {
		return pkg{}, "make deb: " + err.Error() + "\n" + string(out)
	}
	debs, _ := filepath.Glob(filepath.Join(dir, "*.deb"))
	if len(debs) != 1 {
		return pkg{}, "make deb made " + strings.Join(debs, ", ") + ", want one .deb"
	}
	root := filepath.Join(dir, "root")
	if out, err := exec.Command("dpkg-deb", "-x", debs[0], root).CombinedOutput(); err != nil {
		return pkg{}, "dpkg-deb -x: " + err.Error() + "\n" + string(out)
	}
	return pkg{deb: debs[0], root: root}, ""
}

// TestMain removes the build once every test is done.
func TestMain(m *testing.M) {
	code := m.Run()
	if built.deb != "" {
		os.RemoveAll(filepath.Dir(built.deb))
	}
	os.Exit(code)
}

func dpkgDeb(t *testing.T, args ...string) string {
	t.Helper()
	out, err := exec.Command("dpkg-deb", args...).Output()
	if err != nil {
		t.Fatalf("dpkg-deb %v: %v", args, err)
	}
	return string(out)
}

func TestControlFields(t *testing.T) {
	p := build(t)
	want := map[string]string{
		"Package":      "smartstack",
		"Version":      "9.8.7+test",
		"Architecture": "amd64",
		"Depends":      "adduser",
		"Section":      "net",
	}
	for field, v := range want {
		if got := strings.TrimSpace(dpkgDeb(t, "-f", p.deb, field)); got != v {
			t.Errorf("%s = %q, want %q", field, got, v)
		}
	}
	if filepath.Base(p.deb) != "smartstack_9.8.7+test_amd64.deb" {
		t.Errorf("file name %s", filepath.Base(p.deb))
	}
	conffiles := strings.Fields(dpkgDeb(t, "-I", p.deb, "conffiles"))
	if strings.Join(conffiles, " ") != "/etc/nerve/nerve.conf.json /etc/synapse/synapse.conf.json" {
		t.Errorf("conffiles = %v", conffiles)
	}
	for _, script := range []string{"postinst", "prerm", "postrm"} {
		if s := dpkgDeb(t, "-I", p.deb, script); !strings.HasPrefix(s, "#!/bin/sh") {
			t.Errorf("%s: %.40q", script, s)
		}
	}
	if s := dpkgDeb(t, "-I", p.deb, "postinst"); !strings.Contains(s, "adduser --system") {
		t.Errorf("postinst creates no system user:\n%s", s)
	}
}

func TestFileList(t *testing.T) {
	p := build(t)
	files := map[string]string{} // path -> mode column of dpkg-deb -c
	for _, line := range strings.Split(dpkgDeb(t, "-c", p.deb), "\n") {
		f := strings.Fields(line)
		if len(f) >= 6 {
			files[strings.TrimPrefix(f[len(f)-1], ".")] = f[0] + " " + f[1]
		}
	}
	want := map[string]string{
		"/usr/bin/nerve":                                          "-rwxr-xr-x root/root",
		"/usr/bin/synapse":                                        "-rwxr-xr-x root/root",
		"/lib/systemd/system/nerve.service":                       "-rw-r--r-- root/root",
		"/lib/systemd/system/synapse.service":                     "-rw-r--r-- root/root",
		"/etc/nerve/nerve.conf.json":                              "-rw-r--r-- root/root",
		"/etc/synapse/synapse.conf.json":                          "-rw-r--r-- root/root",
		"/usr/share/doc/smartstack/copyright":                     "-rw-r--r-- root/root",
		"/usr/share/man/man1/nerve.1.gz":                          "-rw-r--r-- root/root",
		"/usr/share/man/man1/nerve-maint.1.gz":                    "-rw-r--r-- root/root",
		"/usr/share/man/man1/synapse.1.gz":                        "-rw-r--r-- root/root",
		"/usr/share/bash-completion/completions/nerve":            "-rw-r--r-- root/root",
		"/usr/share/bash-completion/completions/synapse":          "-rw-r--r-- root/root",
		"/usr/share/zsh/vendor-completions/_nerve":                "-rw-r--r-- root/root",
		"/usr/share/zsh/vendor-completions/_synapse":              "-rw-r--r-- root/root",
		"/usr/share/fish/vendor_completions.d/nerve.fish":         "-rw-r--r-- root/root",
		"/usr/share/fish/vendor_completions.d/synapse.fish":       "-rw-r--r-- root/root",
		"/usr/share/polkit-1/rules.d/50-smartstack-synapse.rules": "-rw-r--r-- root/root",
	}
	for path, mode := range want {
		if got, ok := files[path]; !ok {
			t.Errorf("%s missing from the package", path)
		} else if got != mode {
			t.Errorf("%s: %s, want %s", path, got, mode)
		}
	}
	for path := range files {
		if !strings.HasPrefix(path, "/usr/") && !strings.HasPrefix(path, "/etc/") && !strings.HasPrefix(path, "/lib/systemd/") && path != "/" && path != "/lib/" && path != "/etc/" {
			t.Errorf("unexpected path %s", path)
		}
	}
}

// TestBinaries: static, stripped, versioned, and valid on the packaged
// example configs (which name only paths that work under -k).
func TestBinaries(t *testing.T) {
	p := build(t)
	for _, daemon := range []string{"nerve", "synapse"} {
		t.Run(daemon, func(t *testing.T) {
			bin := filepath.Join(p.root, "usr/bin", daemon)
			checkStaticStripped(t, bin)
			out, err := exec.Command(bin, "version").CombinedOutput()
			if err != nil || !strings.HasPrefix(string(out), daemon+" "+testVersion+" ") {
				t.Errorf("%s version: %v: %s", daemon, err, out)
			}
			conf := filepath.Join(p.root, "etc", daemon, daemon+".conf.json")
			out, err = exec.Command(bin, "-k", "-c", conf).CombinedOutput()
			if err != nil || strings.TrimSpace(string(out)) != "configuration check succeeded" {
				t.Errorf("%s -k -c %s: %v:\n%s", daemon, conf, err, out)
			}
		})
	}
}

func checkStaticStripped(t *testing.T, path string) {
	t.Helper()
	f, err := elf.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if f.Machine != elf.EM_X86_64 {
		t.Errorf("%s: machine %v", path, f.Machine)
	}
	for _, prog := range f.Progs {
		if prog.Type == elf.PT_INTERP || prog.Type == elf.PT_DYNAMIC {
			t.Errorf("%s is dynamically linked (%v)", path, prog.Type)
		}
	}
	if f.Section(".symtab") != nil {
		t.Errorf("%s is not stripped: has .symtab", path)
	}
}

func TestManPages(t *testing.T) {
	p := build(t)
	for _, page := range []string{"nerve.1.gz", "nerve-maint-down.1.gz", "synapse.1.gz"} {
		f, err := os.Open(filepath.Join(p.root, "usr/share/man/man1", page))
		if err != nil {
			t.Fatal(err)
		}
		zr, err := gzip.NewReader(f)
		if err != nil {
			t.Fatalf("%s: %v", page, err)
		}
		body, err := io.ReadAll(zr)
		f.Close()
		if err != nil || !bytes.Contains(body, []byte(".TH ")) || !bytes.Contains(body, []byte(testVersion)) {
			t.Errorf("%s: %v: not a man page of %s:\n%.300s", page, err, testVersion, body)
		}
	}
}
