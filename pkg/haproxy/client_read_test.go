package haproxy

import (
	"errors"
	"io"
	"runtime"
	"strings"
	"testing"
	"testing/iotest"
)

// readAnswer returns what it read whole, however the reads come, and the
// read's error.
func TestReadAnswer(t *testing.T) {
	big := strings.Repeat("be,srv_10.0.0.1:8080,0,0,0,0,,0,0,0,,0,,0,0,0,0,UP,1,1,0\n", 20000)
	for name, r := range map[string]io.Reader{
		"whole":    strings.NewReader(big),
		"one byte": iotest.OneByteReader(strings.NewReader(big[:5000])),
		"half":     iotest.HalfReader(strings.NewReader(big)),
		"empty":    strings.NewReader(""),
	} {
		want := big
		switch name {
		case "one byte":
			want = big[:5000]
		case "empty":
			want = ""
		}
		if got, err := readAnswer(r); err != nil || got != want {
			t.Errorf("%s: %d bytes, %v; want %d bytes", name, len(got), err, len(want))
		}
	}
	boom := errors.New("boom")
	if _, err := readAnswer(iotest.ErrReader(boom)); !errors.Is(err, boom) {
		t.Errorf("err = %v, want boom", err)
	}
}

// A large answer allocates about twice its size (io.ReadAll and a string
// copy: 3.2 to 3.6 times).
func TestReadAnswerAllocates(t *testing.T) {
	big := strings.Repeat("x", 8<<20+1) // just past a power of two
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	got, err := readAnswer(strings.NewReader(big))
	runtime.ReadMemStats(&after)
	if err != nil || len(got) != len(big) {
		t.Fatalf("%d bytes, %v", len(got), err)
	}
	if per := after.TotalAlloc - before.TotalAlloc; per > 5*uint64(len(big))/2 {
		t.Errorf("%d bytes allocated for a %d-byte answer, want under 2.5x", per, len(big))
	}
}
