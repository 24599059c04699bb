package zk

// PATCHED (see PATCHED.md): not in upstream go-zookeeper. multiRead
// (ZooKeeper 3.6+): several reads in one request.

import (
	"encoding/binary"
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

// multiReadResponse is made with room for every result and its Stat
// (MultiRead knows how many), rather than growing by appends and one Stat
// object per read.
type multiReadResponse struct {
	results []ReadResult
	stats   []Stat
}

// stat keeps s for the result being decoded, in stats while there is room.
func (r *multiReadResponse) stat(s Stat) *Stat {
	if i := len(r.results); i < len(r.stats) {
		r.stats[i] = s
		return &r.stats[i]
	}
	p := new(Stat)
	*p = s
	return p
}

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
	res := &multiReadResponse{results: make([]ReadResult, 0, len(paths)), stats: make([]Stat, len(paths))}
	if _, err := c.request(opMultiRead, &multiReadRequest{paths: paths}, res, nil); err != nil {
		return nil, err
	}
	if len(res.results) != len(paths) {
		return nil, errors.New("zk: multiRead answered a different number of reads")
	}
	return res.results, nil
}

// Encode writes what encodePacketValue writes for each path's header and
// getDataRequest, then the closing header, without its reflection (which
// copies each struct to the heap).
func (r *multiReadRequest) Encode(buf []byte) (int, error) {
	return encodeReads(buf, len(r.paths), func(i int) (int32, string) { return opGetData, r.paths[i] })
}

// encodeReads writes the count reads of a multiRead, read(i) giving the
// i-th's opcode and path, each unwatched behind its header, then the
// closing header. getData's and getChildren's requests are alike: a path
// and a watch flag.
func encodeReads(buf []byte, count int, read func(i int) (op int32, path string)) (int, error) {
	total := 0
	for i := range count {
		op, p := read(i)
		n, err := encodeMultiHeader(buf[total:], multiHeader{op, false, -1})
		if err != nil {
			return total, err
		}
		total += n
		if len(buf)-total < 4+len(p)+1 {
			return total, ErrShortBuffer
		}
		binary.BigEndian.PutUint32(buf[total:], uint32(len(p)))
		total += 4 + copy(buf[total+4:], p)
		buf[total] = 0 // no watch
		total++
	}
	n, err := encodeMultiHeader(buf[total:], multiHeader{-1, true, -1})
	return total + n, err
}

func encodeMultiHeader(buf []byte, h multiHeader) (int, error) {
	const size = 4 + 1 + 4
	if len(buf) < size {
		return 0, ErrShortBuffer
	}
	binary.BigEndian.PutUint32(buf, uint32(h.Type))
	buf[4] = 0
	if h.Done {
		buf[4] = 1
	}
	binary.BigEndian.PutUint32(buf[5:], uint32(h.Err))
	return size, nil
}

func (r *multiReadResponse) Decode(buf []byte) (int, error) {
	return decodeReads(buf, func(op int32, body []byte) (int, error) {
		var res ReadResult
		var n int
		var err error
		switch op {
		case opGetData:
			var d getDataResponse
			n, err = decodeGetData(body, &d)
			res.Data, res.Stat = d.Data, r.stat(d.Stat)
		case opError:
			n, res.Err, err = decodeOpError(body)
		default:
			return 0, ErrAPIError
		}
		if err == nil {
			r.results = append(r.results, res)
		}
		return n, err
	})
}

// decodeReads reads a multiRead reply: read decodes each result's body
// (opcode op) and says how many bytes it took, until the closing header.
func decodeReads(buf []byte, read func(op int32, body []byte) (int, error)) (int, error) {
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
		if n, err = read(header.Type, buf[total:]); err != nil {
			return total, err
		}
		total += n
	}
}

// decodeOpError reads a failed read's error code: the read's own error
// (failed) and the bytes taken, or a decoding error.
func decodeOpError(buf []byte) (n int, failed, err error) {
	var code ErrCode
	n, err = decodePacketValue(buf, reflect.ValueOf(&code))
	return n, code.toError(), err
}

// decodeMultiHeader and decodeGetData read what decodePacketValue reads,
// without reflection: a multiRead answers a header and a getData per znode,
// and the reflective decoder copies every struct it inspects to the heap
// (about 420 bytes in three objects per znode: 21 MB of garbage for the
// 50,000 reads of a synapse start-up at 1,000 services x 50).
func decodeMultiHeader(buf []byte) (multiHeader, int, error) {
	const size = 4 + 1 + 4
	if len(buf) < size {
		return multiHeader{}, 0, ErrShortBuffer
	}
	return multiHeader{
		Type: int32(binary.BigEndian.Uint32(buf)),
		Done: buf[4] != 0,
		Err:  ErrCode(int32(binary.BigEndian.Uint32(buf[5:]))),
	}, size, nil
}

func decodeGetData(buf []byte, d *getDataResponse) (int, error) {
	if len(buf) < 4 {
		return 0, ErrShortBuffer
	}
	n := 4
	if ln := int(int32(binary.BigEndian.Uint32(buf))); ln >= 0 {
		if len(buf)-n < ln {
			return 0, ErrShortBuffer
		}
		d.Data = make([]byte, ln)
		copy(d.Data, buf[n:n+ln])
		n += ln
	}
	m, err := decodeStat(buf[n:], &d.Stat)
	return n + m, err
}

// statSize is a Stat's size on the wire: six int64 and five int32 fields.
const statSize = 6*8 + 5*4

func decodeStat(buf []byte, s *Stat) (int, error) {
	if len(buf) < statSize {
		return 0, ErrShortBuffer
	}
	be := binary.BigEndian
	*s = Stat{
		Czxid:          int64(be.Uint64(buf[0:])),
		Mzxid:          int64(be.Uint64(buf[8:])),
		Ctime:          int64(be.Uint64(buf[16:])),
		Mtime:          int64(be.Uint64(buf[24:])),
		Version:        int32(be.Uint32(buf[32:])),
		Cversion:       int32(be.Uint32(buf[36:])),
		Aversion:       int32(be.Uint32(buf[40:])),
		EphemeralOwner: int64(be.Uint64(buf[44:])),
		DataLength:     int32(be.Uint32(buf[52:])),
		NumChildren:    int32(be.Uint32(buf[56:])),
		Pzxid:          int64(be.Uint64(buf[60:])),
	}
	return statSize, nil
}
