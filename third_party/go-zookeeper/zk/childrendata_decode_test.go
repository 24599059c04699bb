package zk

// PATCHED (see PATCHED.md): ChildrenData's request and reply read and
// write what the reflective encoder and decoder do.

import (
	"errors"
	"reflect"
	"testing"
)

func TestChildrenDataEncodeMatchesReflection(t *testing.T) {
	for _, p := range []string{"/a", "/svc/web"} {
		want := make([]byte, 256)
		n := 0
		for _, op := range []multiRequestOp{
			// ZooKeeper's GetChildrenRequest has a watch flag, which
			// go-zookeeper's getChildrenRequest lacks.
			{multiHeader{opGetChildren, false, -1}, &pathWatchRequest{Path: p}},
			{multiHeader{opGetData, false, -1}, &getDataRequest{Path: p}},
		} {
			m, err := encodePacketValue(want[n:], reflect.ValueOf(op))
			if err != nil {
				t.Fatal(err)
			}
			n += m
		}
		m, err := encodePacketValue(want[n:], reflect.ValueOf(multiHeader{-1, true, -1}))
		if err != nil {
			t.Fatal(err)
		}
		want = want[:n+m]
		got := make([]byte, 256)
		k, err := (&childrenDataRequest{path: p}).Encode(got)
		if err != nil || string(got[:k]) != string(want) {
			t.Fatalf("%s: Encode wrote %d bytes (%v), differing from the reflective encoder's %d", p, k, err, len(want))
		}
		for short := range len(want) {
			if _, err := (&childrenDataRequest{path: p}).Encode(make([]byte, short)); !errors.Is(err, ErrShortBuffer) {
				t.Fatalf("buffer of %d of %d bytes: %v, want ErrShortBuffer", short, len(want), err)
			}
		}
	}
}

func TestDecodeStringsMatchesReflection(t *testing.T) {
	for _, kids := range [][]string{{}, {"a"}, {"i-1_0000000001", "", "base64_eyJ9"}} {
		buf := make([]byte, 256)
		n, err := encodePacket(buf, &getChildrenResponse{Children: kids})
		if err != nil {
			t.Fatal(err)
		}
		var viaReflect getChildrenResponse
		if _, err := decodePacket(buf[:n], &viaReflect); err != nil {
			t.Fatal(err)
		}
		got, m, err := decodeStrings(buf[:n])
		if err != nil || m != n || !reflect.DeepEqual(got, viaReflect.Children) {
			t.Fatalf("%q: got %q, %d of %d bytes, %v; reflection read %q", kids, got, m, n, err, viaReflect.Children)
		}
		for short := range n {
			if _, _, err := decodeStrings(buf[:short]); !errors.Is(err, ErrShortBuffer) {
				t.Fatalf("%q cut at %d of %d bytes: %v, want ErrShortBuffer", kids, short, n, err)
			}
		}
	}
}

// A reply of a getChildren and a getData decodes into both; a failed read
// is the reply's error.
func TestChildrenDataResponse(t *testing.T) {
	buf := make([]byte, 512)
	n := 0
	put := func(h multiHeader, body any) {
		k, _ := encodeMultiHeader(buf[n:], h)
		n += k
		if body != nil {
			m, err := encodePacket(buf[n:], body)
			if err != nil {
				t.Fatal(err)
			}
			n += m
		}
	}
	put(multiHeader{opGetChildren, false, 0}, &getChildrenResponse{Children: []string{"x", "y"}})
	put(multiHeader{opGetData, false, 0}, &getDataResponse{Data: []byte("cfg"), Stat: Stat{Version: 3}})
	put(multiHeader{-1, true, -1}, nil)
	var r childrenDataResponse
	if m, err := r.Decode(buf[:n]); err != nil || m != n {
		t.Fatalf("read %d of %d bytes: %v", m, n, err)
	}
	if r.ops != 2 || r.err != nil || !reflect.DeepEqual(r.children, []string{"x", "y"}) || string(r.data) != "cfg" || r.stat.Version != 3 {
		t.Fatalf("decoded %+v", r)
	}
	n = 0
	code := ErrCode(errNoNode)
	put(multiHeader{opError, false, code}, &code)
	put(multiHeader{opError, false, code}, &code)
	put(multiHeader{-1, true, -1}, nil)
	r = childrenDataResponse{}
	if _, err := r.Decode(buf[:n]); err != nil || r.ops != 2 || !errors.Is(r.err, ErrNoNode) {
		t.Fatalf("a missing znode decoded as %+v, %v", r, err)
	}
}
