package zk

// PATCHED (see PATCHED.md): the multiRead reply's decoders without
// reflection read what the reflective decoder reads.

import (
	"errors"
	"reflect"
	"testing"
)

func TestMultiReadDecodersMatchReflection(t *testing.T) {
	stat := Stat{Czxid: 1, Mzxid: -2, Ctime: 1 << 40, Mtime: 4, Version: 5, Cversion: -6,
		Aversion: 7, EphemeralOwner: 0x100000001, DataLength: 9, NumChildren: 10, Pzxid: 1<<62 + 11}
	for _, data := range [][]byte{nil, {}, []byte(`{"host":"h","port":1}`)} {
		buf := make([]byte, 256)
		want := getDataResponse{Data: data, Stat: stat}
		n, err := encodePacket(buf, &want)
		if err != nil {
			t.Fatal(err)
		}
		var viaReflect getDataResponse
		if _, err := decodePacket(buf[:n], &viaReflect); err != nil {
			t.Fatal(err)
		}
		var got getDataResponse
		m, err := decodeGetData(buf[:n], &got)
		if err != nil || m != n {
			t.Fatalf("decodeGetData read %d of %d bytes: %v", m, n, err)
		}
		if !reflect.DeepEqual(got, viaReflect) {
			t.Fatalf("data %q: got %+v, reflection read %+v", data, got, viaReflect)
		}
		for short := range n {
			if _, err := decodeGetData(buf[:short], &getDataResponse{}); !errors.Is(err, ErrShortBuffer) {
				t.Fatalf("data %q cut at %d of %d bytes: %v, want ErrShortBuffer", data, short, n, err)
			}
		}
	}
	for _, h := range []multiHeader{{opGetData, false, -1}, {-1, true, ErrCode(errNoNode)}} {
		buf := make([]byte, 16)
		n, err := encodePacket(buf, &h)
		if err != nil {
			t.Fatal(err)
		}
		got, m, err := decodeMultiHeader(buf[:n])
		if err != nil || m != n || got != h {
			t.Fatalf("header %+v: read %+v, %d of %d bytes, %v", h, got, m, n, err)
		}
		if _, _, err := decodeMultiHeader(buf[:n-1]); !errors.Is(err, ErrShortBuffer) {
			t.Fatalf("short header: %v", err)
		}
	}
}

// Encode writes the bytes the reflective encoder writes for the same
// request, and refuses a buffer too small for them.
func TestMultiReadEncodeMatchesReflection(t *testing.T) {
	paths := []string{"/a", "/svc/i-1_0000000001", "/" + string(make([]byte, 300))}
	want := make([]byte, 1024)
	n := 0
	for _, p := range paths {
		op := multiRequestOp{multiHeader{opGetData, false, -1}, &getDataRequest{Path: p}}
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
	got := make([]byte, 1024)
	k, err := (&multiReadRequest{paths: paths}).Encode(got)
	if err != nil || string(got[:k]) != string(want) {
		t.Fatalf("Encode wrote %d bytes (%v), differing from the reflective encoder's %d", k, err, len(want))
	}
	for short := range len(want) {
		if _, err := (&multiReadRequest{paths: paths}).Encode(make([]byte, short)); !errors.Is(err, ErrShortBuffer) {
			t.Fatalf("buffer of %d of %d bytes: %v, want ErrShortBuffer", short, len(want), err)
		}
	}
}

// A reply decodes into the room made for it, and past it when the server
// answers more reads than asked (MultiRead then refuses the answer).
func TestMultiReadResponseStats(t *testing.T) {
	buf := make([]byte, 1024)
	n := 0
	for i := range 3 {
		h, _ := encodeMultiHeader(buf[n:], multiHeader{opGetData, false, 0})
		n += h
		m, err := encodePacket(buf[n:], &getDataResponse{Data: []byte{byte(i)}, Stat: Stat{Version: int32(i)}})
		if err != nil {
			t.Fatal(err)
		}
		n += m
	}
	h, _ := encodeMultiHeader(buf[n:], multiHeader{-1, true, -1})
	n += h
	for _, room := range []int{3, 2, 0} {
		r := &multiReadResponse{results: make([]ReadResult, 0, room), stats: make([]Stat, room)}
		if m, err := r.Decode(buf[:n]); err != nil || m != n {
			t.Fatalf("room %d: read %d of %d bytes: %v", room, m, n, err)
		}
		for i, res := range r.results {
			if res.Stat.Version != int32(i) || len(res.Data) != 1 || res.Data[0] != byte(i) {
				t.Fatalf("room %d: result %d is %+v (stat %+v)", room, i, res, *res.Stat)
			}
		}
		if len(r.results) != 3 {
			t.Fatalf("room %d: %d results", room, len(r.results))
		}
	}
}
