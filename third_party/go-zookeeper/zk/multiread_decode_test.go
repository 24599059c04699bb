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
