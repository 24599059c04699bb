package watcher

import (
	"errors"
	"strings"
	"testing"
)

type cfgT struct{ bad bool }

func (c *cfgT) Validate() error {
	if c.bad {
		return errors.New("bad config")
	}
	return nil
}

func TestConfigOf(t *testing.T) {
	p := &cfgT{}
	if got, err := ConfigOf[cfgT](p); err != nil || got != p {
		t.Fatalf("pointer: %v, %v", got, err)
	}
	if got, err := ConfigOf[cfgT](cfgT{}); err != nil || got == nil {
		t.Fatalf("value: %v, %v", got, err)
	}
	if _, err := ConfigOf[cfgT](&cfgT{bad: true}); err == nil || err.Error() != "bad config" {
		t.Fatalf("invalid config: %v", err)
	}
	if _, err := ConfigOf[cfgT]("nope"); err == nil || !strings.Contains(err.Error(), "config is string, want *watcher.cfgT") {
		t.Fatalf("wrong type: %v", err)
	}
	var nilp *cfgT
	if _, err := ConfigOf[cfgT](nilp); err == nil {
		t.Fatal("nil pointer accepted")
	}
}
