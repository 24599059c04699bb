package zk

// PATCHED (see PATCHED.md): not in upstream go-zookeeper. multiRead
// (ZooKeeper 3.6+): several reads in one request.

import (
	"errors"
	"reflect"
)

// ReadResult is one read of a MultiRead: the znode's data and stat, or the
// error that read alone met (ErrNoNode, ErrNoAuth...).
type ReadResult struct {
	Data []byte
	Stat *Stat
	Err  error
}

type multiReadRequest struct{ paths []string }

type multiReadResponse struct{ results []ReadResult }

// MultiRead reads the data of every path in one request (multiRead,
// opcode 22, ZooKeeper 3.6+): one packet for the server to queue and the
// connection to carry instead of one per znode. The reads are independent:
// a failed one (a znode gone meanwhile) fails alone, in its ReadResult.
// Nothing is watched. The server applies one request's reads together, at
// one point of its history.
//
// The request and the reply must stay within the server's jute.maxbuffer
// (1 MB by default) and the reply within this client's buffer (see
// WithMaxBufferSize): callers with many znodes split them into chunks.
//
// A server older than 3.6 answers ErrUnimplemented (and closes the
// connection; the session survives).
func (c *Conn) MultiRead(paths ...string) ([]ReadResult, error) {
	for _, p := range paths {
		if err := validatePath(p, false); err != nil {
			return nil, err
		}
	}
	res := &multiReadResponse{}
	if _, err := c.request(opMultiRead, &multiReadRequest{paths: paths}, res, nil); err != nil {
		return nil, err
	}
	if len(res.results) != len(paths) {
		return nil, errors.New("zk: multiRead answered a different number of reads")
	}
	return res.results, nil
}

func (r *multiReadRequest) Encode(buf []byte) (int, error) {
	total := 0
	for _, p := range r.paths {
		op := multiRequestOp{multiHeader{opGetData, false, -1}, &getDataRequest{Path: p}}
		n, err := encodePacketValue(buf[total:], reflect.ValueOf(op))
		if err != nil {
			return total, err
		}
		total += n
	}
	n, err := encodePacketValue(buf[total:], reflect.ValueOf(multiHeader{-1, true, -1}))
	return total + n, err
}

func (r *multiReadResponse) Decode(buf []byte) (int, error) {
	total := 0
	for {
		header := &multiHeader{}
		n, err := decodePacketValue(buf[total:], reflect.ValueOf(header))
		if err != nil {
			return total, err
		}
		total += n
		if header.Done {
			return total, nil
		}
		var res ReadResult
		switch header.Type {
		case opGetData:
			d := &getDataResponse{}
			n, err = decodePacketValue(buf[total:], reflect.ValueOf(d))
			res.Data, res.Stat = d.Data, &d.Stat
		case opError:
			var code ErrCode
			n, err = decodePacketValue(buf[total:], reflect.ValueOf(&code))
			res.Err = code.toError()
		default:
			return total, ErrAPIError
		}
		if err != nil {
			return total, err
		}
		total += n
		r.results = append(r.results, res)
	}
}
