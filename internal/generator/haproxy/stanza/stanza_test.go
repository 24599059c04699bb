package stanza

import (
	"slices"
	"testing"
)

func TestServer(t *testing.T) {
	s := LineServer("server a:1 10.0.0.1:1 id 3 weight 7 check disabled")
	if s.Name != "a:1" || s.Live || s.Addr() != "10.0.0.1:1" || s.Weight() != 7 || !s.Has("check") {
		t.Errorf("server %+v", s)
	}
	if want := []string{"10.0.0.1:1", "id", "3", "weight", "7", "check"}; !slices.Equal(s.Words(), want) {
		t.Errorf("words %q, want %q", s.Words(), want)
	}
	if got := s.Spec(); got != "server a:1 10.0.0.1:1 id 3 weight 7 check" {
		t.Errorf("spec %q", got)
	}
	if got := s.WithoutWeight(); got != "a:1 10.0.0.1:1 id 3 check" {
		t.Errorf("without weight %q", got)
	}
	if got := s.Shape(); got != "a:1 id 3 check" {
		t.Errorf("shape %q", got)
	}
	if w := LineServer("server b 1.1.1.1:1 weight x").Weight(); w != 1 {
		t.Errorf("unreadable weight = %d, want HAProxy's default 1", w)
	}
}

func TestParseAndPool(t *testing.T) {
	bs := Parse("global\n\tdaemon\n\nbackend b\n\tmode tcp\n\tserver slot2 10.0.0.2:80 id 2\n" +
		"\tserver other 10.0.0.9:80\n\tserver slot1 10.0.0.1:80 id 1 disabled\n\nfrontend f\n\tbind :1\n")
	b := bs["b"]
	if len(bs) != 1 || b == nil || !slices.Equal(b.Lines, []string{"mode tcp"}) || !slices.Equal(b.Order, []string{"slot2", "other", "slot1"}) {
		t.Fatalf("parsed %+v", bs)
	}
	p := b.Pool()
	if p.Size() != 2 || p.IsUsed(0) || !p.IsUsed(1) || p.Addr(0) != "10.0.0.1:80" || p.Free() != 1 {
		t.Errorf("pool %+v", p)
	}
	if NewBackend(nil).Pool() != nil || (*Pool)(nil).Size() != 0 {
		t.Error("a backend without slots has a pool")
	}
	for _, tt := range []struct {
		name string
		i    int
		ok   bool
	}{{"slot1", 0, true}, {"slot12", 11, true}, {"slot0", 0, false}, {"slot01", 0, false}, {"a:1", 0, false}} {
		if i, ok := SlotIndex(tt.name); ok != tt.ok || ok && (i != tt.i || SlotName(i) != tt.name) {
			t.Errorf("SlotIndex(%q) = %d, %v", tt.name, i, ok)
		}
	}
}
