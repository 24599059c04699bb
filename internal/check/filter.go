package check

// Filter applies rise/fall to raw results exactly as the original does
// (docs/nerve.md, Check keys), quirks included: the first result is adopted at once;
// rise 0 never goes up after that; fall 0 goes down every round (then rise may
// put it straight back up). It is not safe for concurrent use: one service
// worker owns it.
type Filter struct {
	rise, fall int
	buf        []bool // the last max(rise, fall) raw results, oldest first
	started    bool
	up         bool
}

// NewFilter returns a filter with no result yet.
func NewFilter(rise, fall int) *Filter {
	return &Filter{rise: rise, fall: fall}
}

// Observe records one raw result and returns the filtered state and whether
// it changed (the first result counts as a change).
func (f *Filter) Observe(ok bool) (up, changed bool) {
	size := max(f.rise, f.fall)
	if !f.started {
		f.started = true
		f.buf = make([]bool, size)
		for i := range f.buf {
			f.buf[i] = ok
		}
		f.up = ok
		return f.up, true
	}
	if size > 0 {
		copy(f.buf, f.buf[1:])
		f.buf[size-1] = ok
	}
	prev := f.up
	if noneTrue(last(f.buf, f.fall)) {
		f.up = false
	}
	if allTrue(last(f.buf, f.rise)) {
		f.up = true
	}
	return f.up, f.up != prev
}

// Up is the current filtered state; false before the first result.
func (f *Filter) Up() bool { return f.up }

func last(b []bool, n int) []bool { return b[len(b)-n:] }

func noneTrue(b []bool) bool {
	for _, v := range b {
		if v {
			return false
		}
	}
	return true
}

// allTrue is false for an empty window, so that rise 0 never goes up again
// after the first result, as in the original.
func allTrue(b []bool) bool {
	if len(b) == 0 {
		return false
	}
	for _, v := range b {
		if !v {
			return false
		}
	}
	return true
}
