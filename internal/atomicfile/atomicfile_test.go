package atomicfile

import (
	"errors"
	"github.com/smartstack-go/smartstack/test/testutil"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// withUmask runs the test under umask mask (process-wide, so these tests
// are not parallel).
func withUmask(t *testing.T, mask int) {
	t.Helper()
	old := syscall.Umask(mask)
	t.Cleanup(func() { syscall.Umask(old) })
}

// onlyFiles fails t unless dir holds exactly names.
func onlyFiles(t *testing.T, dir string, names ...string) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range entries {
		got = append(got, e.Name())
	}
	if len(got) != len(names) {
		t.Fatalf("%s holds %v, want %v", dir, got, names)
	}
	for i := range names {
		if got[i] != names[i] {
			t.Fatalf("%s holds %v, want %v", dir, got, names)
		}
	}
}

func TestWriteMode(t *testing.T) {
	tests := []struct {
		name     string
		opts     Options
		umask    int
		existing fs.FileMode // 0: no file before the write
		stale    fs.FileMode // 0: no stale named temp file
		want     fs.FileMode
	}{
		{name: "default ignores the umask", umask: 0o077, want: 0o644},
		{name: "explicit perm", opts: Options{Perm: 0o640}, umask: 0o022, want: 0o640},
		{name: "explicit perm can be wider than the umask", opts: Options{Perm: 0o664}, umask: 0o022, want: 0o664},
		{name: "explicit perm overrides the file's", opts: Options{Perm: 0o600}, existing: 0o666, want: 0o600},
		{name: "keep the file's perm", opts: Options{KeepPerm: true}, existing: 0o600, want: 0o600},
		{name: "keep perm without a file", opts: Options{KeepPerm: true, Perm: 0o640}, want: 0o640},
		{name: "umask applies on request", opts: Options{Umask: true}, umask: 0o027, want: 0o640},
		{name: "stale temp's mode does not carry over", opts: Options{Umask: true, Temp: "t"}, umask: 0o022, stale: 0o666, want: 0o644},
		{name: "named temp explicit perm", opts: Options{Perm: 0o600, Temp: "t"}, stale: 0o644, want: 0o600},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			withUmask(t, tt.umask)
			dir := t.TempDir()
			path := filepath.Join(dir, "f")
			if tt.existing != 0 {
				testutil.WriteFileMode(t, path, "old", tt.existing)
			}
			if tt.opts.Temp != "" {
				tt.opts.Temp = filepath.Join(dir, tt.opts.Temp)
			}
			if tt.stale != 0 {
				testutil.WriteFileMode(t, tt.opts.Temp, "stale", tt.stale)
			}
			if err := Write(path, []byte("new"), tt.opts); err != nil {
				t.Fatal(err)
			}
			if got := testutil.FileMode(t, path); got != tt.want {
				t.Errorf("mode %v, want %v", got, tt.want)
			}
			if b, _ := os.ReadFile(path); string(b) != "new" {
				t.Errorf("content %q, want new", b)
			}
			onlyFiles(t, dir, "f")
		})
	}
}

func TestWriteValidate(t *testing.T) {
	refuse := errors.New("refused")
	tests := []struct {
		name       string
		temp       string // "" fresh, "same" beside the target, "other" another directory
		refuse     bool
		keep       bool
		want       string
		wantInTemp bool // the rejected temp is kept
	}{
		{name: "accepted", want: "new"},
		{name: "refused leaves the old file and no temp", refuse: true, want: "old"},
		{name: "refused named temp is removed", temp: "same", refuse: true, want: "old"},
		{name: "refused temp kept on request", temp: "same", refuse: true, keep: true, want: "old", wantInTemp: true},
		{name: "accepted named temp", temp: "same", want: "new"},
		{name: "accepted temp elsewhere", temp: "other", want: "new"},
		{name: "refused temp elsewhere kept", temp: "other", refuse: true, keep: true, want: "old", wantInTemp: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir, other := t.TempDir(), t.TempDir()
			path := filepath.Join(dir, "f")
			testutil.WriteFileMode(t, path, "old", 0o644)
			o := Options{KeepRejected: tt.keep}
			switch tt.temp {
			case "same":
				o.Temp = filepath.Join(dir, "f.candidate")
			case "other":
				o.Temp = filepath.Join(other, "f.candidate")
			}
			var seen string
			o.Validate = func(temp string) error {
				b, err := os.ReadFile(temp)
				seen = string(b)
				if err == nil && tt.refuse {
					err = refuse
				}
				return err
			}
			err := Write(path, []byte("new"), o)
			if tt.refuse != errors.Is(err, refuse) {
				t.Fatalf("err = %v, refused %v", err, tt.refuse)
			}
			if seen != "new" {
				t.Errorf("validator read %q, want the new content", seen)
			}
			if b, _ := os.ReadFile(path); string(b) != tt.want {
				t.Errorf("target holds %q, want %q", b, tt.want)
			}
			switch {
			case tt.wantInTemp:
				if b, err := os.ReadFile(o.Temp); string(b) != "new" {
					t.Errorf("rejected temp not kept: %q %v", b, err)
				}
			case tt.temp == "other":
				onlyFiles(t, other)
				onlyFiles(t, dir, "f")
			default:
				onlyFiles(t, dir, "f")
			}
		})
	}
}

func TestWriteFailureKeepsTarget(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "f")
	testutil.WriteFileMode(t, path, "old", 0o644)
	err := Write(path, []byte("new"), Options{Temp: filepath.Join(dir, "missing", "t")})
	if err == nil {
		t.Fatal("no error for a temp file in a missing directory")
	}
	if b, _ := os.ReadFile(path); string(b) != "old" {
		t.Errorf("target changed: %q", b)
	}
	if err := Write(filepath.Join(dir, "missing", "f"), []byte("x"), Options{}); err == nil {
		t.Error("no error for a target in a missing directory")
	}
	onlyFiles(t, dir, "f")
}

func TestWriteIfChanged(t *testing.T) {
	old := time.Unix(1e9, 0)
	tests := []struct {
		name      string
		data      string
		opts      Options
		wantWrote bool
		wantMode  fs.FileMode
	}{
		{name: "unchanged keeps mtime and mode", data: "same", opts: Options{KeepPerm: true}, wantMode: 0o666},
		{name: "unchanged gets an explicit perm", data: "same", opts: Options{Perm: 0o640}, wantMode: 0o640},
		{name: "unchanged keeps its mode under umask", data: "same", opts: Options{Umask: true}, wantMode: 0o666},
		{name: "changed is written", data: "other", opts: Options{Perm: 0o600}, wantWrote: true, wantMode: 0o600},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "f")
			testutil.WriteFileMode(t, path, "same", 0o666)
			if err := os.Chtimes(path, old, old); err != nil {
				t.Fatal(err)
			}
			wrote, err := WriteIfChanged(path, []byte(tt.data), tt.opts)
			if err != nil || wrote != tt.wantWrote {
				t.Fatalf("wrote %v, %v; want %v", wrote, err, tt.wantWrote)
			}
			fi, err := os.Stat(path)
			if err != nil {
				t.Fatal(err)
			}
			if fi.Mode().Perm() != tt.wantMode {
				t.Errorf("mode %v, want %v", fi.Mode().Perm(), tt.wantMode)
			}
			if fi.ModTime().Equal(old) == tt.wantWrote {
				t.Errorf("mtime %v after wrote=%v", fi.ModTime(), wrote)
			}
		})
	}
}

func TestSame(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "f")
	testutil.WriteFileMode(t, path, "abc", 0o644)
	tests := []struct {
		path, want string
		same       bool
	}{
		{path, "abc", true},
		{path, "abd", false},
		{path, "abcd", false},
		{path, "", false},
		{filepath.Join(dir, "missing"), "", false},
		{dir, "", false},
	}
	for _, tt := range tests {
		t.Run(tt.path+"/"+tt.want, func(t *testing.T) {
			if got := Same(tt.path, []byte(tt.want)); got != tt.same {
				t.Errorf("Same = %v, want %v", got, tt.same)
			}
		})
	}
}
