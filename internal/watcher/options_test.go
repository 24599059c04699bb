package watcher

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"
)

func TestOptionsLog(t *testing.T) {
	var buf bytes.Buffer
	opts := Options{Logger: slog.New(slog.NewTextHandler(&buf, nil))}
	opts.Log("web", "ec2tag", "tag", "web").Info("hello")
	if want := `msg=hello service=web method=ec2tag tag=web`; !strings.Contains(buf.String(), want) {
		t.Fatalf("log %q, want %q", buf.String(), want)
	}
	Options{}.Log("web", "dns").Info("discarded") // a nil Logger discards
}
