package render

import (
	"io"
	"strings"
	"sync"
)

// buffers are WriteTo's, 256 KiB each: a dozen writes for a 3.4 MB
// config. Pooled, since a new one per change was a fifth of a lone
// change's garbage at 50,000 servers once the text was no longer joined.
var buffers = sync.Pool{New: func() any { b := make([]byte, 0, 256<<10); return &b }}

// WriteTo writes the text, the bytes Join would set Text to, from the
// lines render left, without joining them: at 50,000 servers the joined
// text was 3.4 MB allocated, copied and dropped on every change.
func (r *Result) WriteTo(w io.Writer) (int64, error) {
	if r.joined {
		n, err := io.WriteString(w, r.Text)
		return int64(n), err
	}
	bp := buffers.Get().(*[]byte)
	buf, n := (*bp)[:0], int64(0)
	defer func() {
		*bp = buf[:0]
		buffers.Put(bp)
	}()
	flush := func() error {
		m, err := w.Write(buf)
		n, buf = n+int64(m), buf[:0]
		return err
	}
	// A loop of appends, as Join's: a call per line through bufio took
	// half as long again as the join it replaced.
	first := true
	for _, c := range r.lines {
		for _, l := range c {
			if len(buf)+len(l)+1 > cap(buf) && len(buf) > 0 {
				if err := flush(); err != nil {
					return n, err
				}
			}
			if !first {
				buf = append(buf, '\n')
			}
			buf, first = append(buf, l...), false
		}
	}
	return n, flush()
}

// each calls f with the text's pieces in order: the lines and the "\n"
// between them.
func (r *Result) each(f func(string)) {
	first := true
	for _, c := range r.lines {
		for _, l := range c {
			if !first {
				f("\n")
			}
			f(l)
			first = false
		}
	}
}

// Body is the text without its header line (StripHeader), joined afresh
// and not kept, for the few readers that need the whole text at once.
func (r *Result) Body() string {
	if r.joined {
		return StripHeader(r.Text)
	}
	return StripHeader(r.joinLines())
}

// BodyIs reports whether text, header line aside, is r's text, header
// line aside, without joining r: how a config read from disk is compared
// with a generation.
func (r *Result) BodyIs(text string) bool {
	want := StripHeader(text)
	if len(r.lines) == 0 || len(r.lines[0]) == 0 || !strings.HasPrefix(r.lines[0][0], headerPrefix) {
		return r.Body() == want
	}
	// r's body starts after the first newline, which its header line
	// carries (render's base).
	skip, same := true, true
	r.each(func(s string) {
		if skip {
			i := strings.IndexByte(s, '\n')
			if i < 0 {
				return
			}
			skip, s = false, s[i+1:]
		}
		if !same {
			return
		}
		if !strings.HasPrefix(want, s) {
			same = false
			return
		}
		want = want[len(s):]
	})
	return same && want == ""
}

// cursor reads lines as the text they join to, in pieces: from line k
// of chunk i on, each line and the "\n" after it but the last.
type cursor struct {
	c    [][]string
	i, k int    // the next line
	sep  bool   // a "\n" comes before it
	s    string // the current piece, what is left of it
}

// next loads the next piece into s; false at the end.
func (p *cursor) next() bool {
	for p.i < len(p.c) && p.k == len(p.c[p.i]) {
		p.i, p.k = p.i+1, 0
	}
	if p.i == len(p.c) {
		return false
	}
	if p.sep {
		p.s, p.sep = "\n", false
		return true
	}
	p.s, p.k, p.sep = p.c[p.i][p.k], p.k+1, true
	return true
}

// sameText reports whether two cursors read the same text to its end.
func sameText(a, b *cursor) bool {
	for {
		for a.s == "" && a.next() {
		}
		for b.s == "" && b.next() {
		}
		if a.s == "" || b.s == "" {
			return a.s == "" && b.s == ""
		}
		n := min(len(a.s), len(b.s))
		if a.s[:n] != b.s[:n] {
			return false
		}
		a.s, b.s = a.s[n:], b.s[n:]
	}
}
