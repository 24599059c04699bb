package zk

import (
	"errors"
	"fmt"
	"sync/atomic"

	gozk "github.com/smartstack-go/smartstack/third_party/go-zookeeper/zk"
)

// Plain child reads (persistent mode, and children whose data watch is
// still armed in classic mode) go out as multiRead requests (ZooKeeper
// 3.6+): a full re-read of a service of n registrations costs the
// listing plus one request per chunk instead of n. The server still does
// every read; what shrinks is the packets it queues and answers, which is
// what a fleet-wide re-read (an ensemble restart) is bound by.

// Chunk bounds: a multiRead's request and reply must stay well within the
// server's jute.maxbuffer (1 MB by default). Data sizes are known from the
// last read, guessed for a child never read.
const (
	multiReadMaxReads = 128
	multiReadMaxBytes = 256 << 10
	multiReadGuess    = 1 << 10 // bytes assumed for a child never read
	multiReadOverhead = 128     // a result's stat and headers, a request's path framing
)

// multiReader is a Client that can read many znodes in one request (Conn
// can, on ZooKeeper 3.6+).
type multiReader interface {
	// canReadMany reports whether readMany is worth trying: false once
	// the server is known not to support it.
	canReadMany() bool
	// readMany reads paths' data; ok false means the server cannot, and
	// nothing was read.
	readMany(paths []string) (res []gozk.ReadResult, ok bool, err error)
	// childrenData lists path's children and reads its data in one
	// request; ok false as for readMany.
	childrenData(path string) (names []string, data []byte, ok bool, err error)
}

// multiReadState remembers a server that refused multiRead.
type multiReadState struct{ refused atomic.Bool }

// canReadMany: before 3.6 the server would close the connection on the
// unknown request; the persistent-watch probe knows the version.
func (c *Conn) canReadMany() bool {
	return !c.multi.refused.Load() && c.persistentSupport() >= 0
}

// refusedMany reports whether err is the server refusing multiRead, and
// remembers it.
func (c *Conn) refusedMany(err error) bool {
	if errors.Is(err, gozk.ErrUnimplemented) || errors.Is(err, gozk.ErrMarshallingError) {
		c.multi.refused.Store(true)
		return true
	}
	return false
}

func (c *Conn) readMany(paths []string) ([]gozk.ReadResult, bool, error) {
	if !c.canReadMany() {
		return nil, false, nil
	}
	res, err := c.zc.MultiRead(paths...)
	if c.refusedMany(err) {
		return nil, false, nil
	}
	return res, true, err
}

func (c *Conn) childrenData(path string) ([]string, []byte, bool, error) {
	if !c.canReadMany() {
		return nil, nil, false, nil
	}
	names, data, _, err := c.zc.ChildrenData(path)
	if c.refusedMany(err) {
		return nil, nil, false, nil
	}
	return names, data, true, err
}

// batches groups reqs for readAll: each read that arms a watch alone,
// plain reads in chunks when the Client can read many at once (alone too
// otherwise, so that they stay concurrent).
func (w *ChildrenWatcher) batches(reqs []childRead) [][]*childRead {
	mr, multi := w.c.(multiReader)
	multi = multi && mr.canReadMany()
	var out [][]*childRead
	var chunk []*childRead
	size := 0
	for i := range reqs {
		r := &reqs[i]
		if r.watch || !multi {
			out = append(out, []*childRead{r})
			continue
		}
		n := multiReadOverhead + len(r.name) + len(w.path)
		if w.st.children[r.name]&childFetched != 0 && !w.st.release {
			n += len(w.st.data[r.name])
		} else {
			n += multiReadGuess
		}
		if len(chunk) > 0 && (len(chunk) == multiReadMaxReads || size+n > multiReadMaxBytes) {
			out, chunk, size = append(out, chunk), nil, 0
		}
		chunk, size = append(chunk, r), size+n
	}
	if len(chunk) > 0 {
		out = append(out, chunk)
	}
	return out
}

// readBatch does one batch of batches: a lone read as itself, a chunk as
// one multiRead, or one by one if the server cannot.
func (w *ChildrenWatcher) readBatch(batch []*childRead) {
	mr, ok := w.c.(multiReader)
	if len(batch) == 1 || !ok {
		for _, r := range batch {
			w.read(r)
		}
		return
	}
	paths := make([]string, len(batch))
	for i, r := range batch {
		paths[i] = childPath(w.path, r.name)
	}
	res, ok, err := mr.readMany(paths)
	switch {
	case !ok:
		for _, r := range batch {
			w.read(r)
		}
	case err != nil:
		for _, r := range batch {
			r.err = fmt.Errorf("read %s (one of %d in a multiRead): %w", r.name, len(batch), err)
		}
	default:
		for i, r := range batch {
			r.data, r.err = res[i].Data, res[i].Err
			if r.err != nil {
				r.err = fmt.Errorf("read %s: %w", r.name, r.err)
			}
		}
	}
}
