package zk

import (
	"errors"
	"testing"
)

// With ReleaseData a child's data is delivered once, in the snapshot after
// the read that changed it; a re-read of the same bytes delivers nothing.
func TestReleasedSnapshotHandsDataOverOnce(t *testing.T) {
	w := NewChildrenWatcher(nil, "/s", WatchOptions{ReleaseData: true})
	st := &w.st
	st.exists = true
	for _, n := range []string{"a", "b"} {
		st.addChild(n)
		st.setData(n, []byte(n+"1"))
	}
	w.succeed()
	if s := <-w.Updates(); string(s.Children["a"]) != "a1" || string(s.Children["b"]) != "b1" {
		t.Fatalf("first snapshot children = %q, want a1 and b1", s.Children)
	}
	st.setData("a", []byte("a1")) // a resync reading the same bytes
	w.succeed()
	select {
	case s := <-w.Updates():
		t.Fatalf("a re-read of the same data delivered %q", s.Children)
	default:
	}
	st.setData("b", []byte("b2"))
	w.succeed()
	s := <-w.Updates()
	if d, ok := s.Children["a"]; !ok || d != nil || string(s.Children["b"]) != "b2" {
		t.Fatalf("snapshot children = %q, want a unchanged (nil) and b2", s.Children)
	}
	if len(st.fresh) != 0 || len(st.data) != 0 {
		t.Fatalf("watcher kept data after delivery: fresh %q, data %q", st.fresh, st.data)
	}
	st.setData("b", nil) // emptied: delivered as empty, not as unchanged
	w.succeed()
	if d := (<-w.Updates()).Children["b"]; d == nil || len(d) != 0 {
		t.Fatalf("emptied child delivered as %q (nil: unchanged), want empty", d)
	}
}

// A released snapshot replaced before it was taken passes its data on: to
// the next good snapshot, or, if an error snapshot replaced it, to the one
// after.
func TestReleasedSnapshotReplacedKeepsData(t *testing.T) {
	w := NewChildrenWatcher(nil, "/s", WatchOptions{ReleaseData: true})
	st := &w.st
	st.exists = true
	st.addChild("a")
	st.addChild("b")
	st.setData("a", []byte("a1"))
	st.setData("b", []byte("b1"))
	w.succeed() // not taken
	st.setData("b", []byte("b2"))
	w.succeed() // replaces it
	s := <-w.Updates()
	if string(s.Children["a"]) != "a1" || string(s.Children["b"]) != "b2" {
		t.Fatalf("children = %q, want a1 (passed on) and b2 (newer)", s.Children)
	}

	st.setData("a", []byte("a2"))
	w.succeed()             // not taken
	w.fail(errors.New("x")) // replaces it
	if s := <-w.Updates(); s.Err == nil {
		t.Fatal("want the error snapshot")
	}
	w.succeed()
	if s := <-w.Updates(); s.Err != nil || string(s.Children["a"]) != "a2" || s.Children["b"] != nil {
		t.Fatalf("after the error: children = %q err %v, want a2 passed on, b unchanged", s.Children, s.Err)
	}
}
