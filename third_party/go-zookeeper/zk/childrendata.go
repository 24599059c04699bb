package zk

// PATCHED (see PATCHED.md): not in upstream go-zookeeper. A znode's
// children and data in one multiRead (ZooKeeper 3.6+).

import (
	"encoding/binary"
	"errors"
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
	ops := [2]int32{opGetChildren, opGetData}
	return encodeReads(buf, len(ops), func(i int) (int32, string) { return ops[i], r.path })
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
	return decodeReads(buf, func(op int32, body []byte) (n int, err error) {
		switch op {
		case opGetChildren:
			r.children, n, err = decodeStrings(body)
		case opGetData:
			var d getDataResponse
			n, err = decodeGetData(body, &d)
			r.data, r.stat = d.Data, d.Stat
		case opError:
			var failed error
			n, failed, err = decodeOpError(body)
			if r.err == nil {
				r.err = failed
			}
		default:
			return 0, ErrAPIError
		}
		if err == nil {
			r.ops++
		}
		return n, err
	})
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
