package zk

// PATCHED (see PATCHED.md): not in upstream go-zookeeper. A znode's
// children and data in one multiRead (ZooKeeper 3.6+).

import (
	"encoding/binary"
	"errors"
	"reflect"
)

// ChildrenData lists path's children and reads its data in one request
// (multiRead with a getChildren and a getData): one packet for the server
// to queue and answer where Children and Get are two, and both answers
// from one point of its history. Nothing is watched. A missing znode is
// ErrNoNode. A server older than 3.6 answers ErrUnimplemented (and closes
// the connection; the session survives).
func (c *Conn) ChildrenData(path string) ([]string, []byte, *Stat, error) {
	if err := validatePath(path, false); err != nil {
		return nil, nil, nil, err
	}
	res := &childrenDataResponse{}
	if _, err := c.request(opMultiRead, &childrenDataRequest{path: path}, res, nil); err != nil {
		return nil, nil, nil, err
	}
	if res.ops != 2 {
		return nil, nil, nil, errors.New("zk: multiRead answered a different number of reads")
	}
	if res.err != nil {
		return nil, nil, nil, res.err
	}
	return res.children, res.data, &res.stat, nil
}

type childrenDataRequest struct{ path string }

// Encode writes a getChildren and a getData of r.path, unwatched, each
// behind its multi header, then the closing header.
func (r *childrenDataRequest) Encode(buf []byte) (int, error) {
	total := 0
	for _, op := range []int32{opGetChildren, opGetData} {
		n, err := encodeMultiHeader(buf[total:], multiHeader{op, false, -1})
		if err != nil {
			return total, err
		}
		total += n
		if len(buf)-total < 4+len(r.path)+1 {
			return total, ErrShortBuffer
		}
		binary.BigEndian.PutUint32(buf[total:], uint32(len(r.path)))
		total += 4 + copy(buf[total+4:], r.path)
		buf[total] = 0 // no watch
		total++
	}
	n, err := encodeMultiHeader(buf[total:], multiHeader{-1, true, -1})
	return total + n, err
}

// childrenDataResponse holds the two answers; err is the first failed
// read's error.
type childrenDataResponse struct {
	ops      int
	children []string
	data     []byte
	stat     Stat
	err      error
}

func (r *childrenDataResponse) Decode(buf []byte) (int, error) {
	total := 0
	for {
		header, n, err := decodeMultiHeader(buf[total:])
		if err != nil {
			return total, err
		}
		total += n
		if header.Done {
			return total, nil
		}
		switch header.Type {
		case opGetChildren:
			r.children, n, err = decodeStrings(buf[total:])
		case opGetData:
			var d getDataResponse
			n, err = decodeGetData(buf[total:], &d)
			r.data, r.stat = d.Data, d.Stat
		case opError:
			var code ErrCode
			n, err = decodePacketValue(buf[total:], reflect.ValueOf(&code))
			if r.err == nil {
				r.err = code.toError()
			}
		default:
			return total, ErrAPIError
		}
		if err != nil {
			return total, err
		}
		total += n
		r.ops++
	}
}

// decodeStrings reads a jute vector of strings, as decodePacketValue
// reads getChildrenResponse.Children.
func decodeStrings(buf []byte) ([]string, int, error) {
	if len(buf) < 4 {
		return nil, 0, ErrShortBuffer
	}
	count := int(int32(binary.BigEndian.Uint32(buf)))
	n := 4
	if count < 0 {
		return nil, n, nil
	}
	if count > (len(buf)-n)/4 {
		return nil, 0, ErrShortBuffer
	}
	out := make([]string, count)
	for i := range out {
		if len(buf)-n < 4 {
			return nil, 0, ErrShortBuffer
		}
		ln := int(int32(binary.BigEndian.Uint32(buf[n:])))
		n += 4
		if ln < 0 || len(buf)-n < ln {
			return nil, 0, ErrShortBuffer
		}
		out[i] = string(buf[n : n+ln])
		n += ln
	}
	return out, n, nil
}
