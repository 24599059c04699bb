package haproxy

import (
	"bufio"
	"context"
	"errors"
	"io"
	"strconv"
	"strings"
)

// ShowStatSummary runs "show stat" and parses it with ParseStatSummary.
func (c *Client) ShowStatSummary(ctx context.Context) ([]StatRow, error) {
	answer, err := c.Run(ctx, "show stat")
	if err != nil {
		return nil, err
	}
	return ParseStatSummary(answer)
}

// ParseStatSummary is ParseStat for callers that need only Proxy, Server,
// Type and Status: the rows carry nothing else (Field finds no column).
// "show stat" has about 80 columns; at 50,000 servers ParseStat's split of
// every one took a seventh of a second, this a fraction of that. A line
// is skipped, and reported, for what ParseStat would skip it for in these
// four columns; the others are not read.
func ParseStatSummary(data string) ([]StatRow, error) {
	rows := make([]StatRow, 0, strings.Count(data, "\n"))
	ok, err := ParseStatSummaryFunc(data, func(r StatRow) { rows = append(rows, r) })
	if !ok {
		return nil, err
	}
	return rows, err
}

// ParseStatSummaryFunc is ParseStatSummary calling f with each row, in
// order, without holding them all: at 50,000 servers those rows are about
// 11 MB that a caller keeping a few fields of each drops at once. ok is
// false when no row could be read (no header), as a nil slice from
// ParseStatSummary; err may come with ok for the lines skipped.
func ParseStatSummaryFunc(data string, f func(StatRow)) (ok bool, err error) {
	first, body, _ := strings.Cut(data, "\n")
	p, err := newSummaryParser(first)
	if err != nil {
		return false, err
	}
	for line := range strings.SplitSeq(body, "\n") {
		p.line(line, f)
	}
	return true, errors.Join(p.errs...)
}

// ShowStatSummaryFunc runs "show stat" and calls f with each row, as
// ParseStatSummaryFunc does, while the answer arrives: at 50,000 servers
// the answer is 12 MB, read every few seconds, and reading it whole before
// parsing it held it twice (its read buffers and the text) at the moment
// the parsed record was being built, which set the process's peak memory.
// A row's strings are its own (a copy of its line), safe to keep. ok and
// a non-nil err: lines were skipped; !ok: the answer had no header (an
// error answer is a *CommandError) or could not be read.
func (c *Client) ShowStatSummaryFunc(ctx context.Context, f func(StatRow)) (ok bool, err error) {
	var parseErr error
	err = c.stream(ctx, "show stat", func(r io.Reader) error {
		var readErr error
		ok, parseErr, readErr = readStatSummary(bufio.NewReaderSize(r, 64<<10), f)
		return readErr
	})
	if err != nil {
		return false, err
	}
	return ok, parseErr
}

// readStatSummary is ParseStatSummaryFunc over r, a line at a time. An
// answer without the header is read whole (it is short: an error
// message) and reported as Run and ParseStatSummaryFunc would report it.
func readStatSummary(r *bufio.Reader, f func(StatRow)) (ok bool, parseErr, readErr error) {
	first, err := r.ReadString('\n')
	if err != nil && err != io.EOF {
		return false, nil, err
	}
	p, headerErr := newSummaryParser(strings.TrimSuffix(first, "\n"))
	if headerErr != nil {
		rest, err := io.ReadAll(r)
		if err != nil {
			return false, nil, err
		}
		if cmdErr := CheckAnswer("show stat", trimAnswer(first+string(rest))); cmdErr != nil {
			return false, cmdErr, nil
		}
		return false, headerErr, nil
	}
	for {
		line, err := r.ReadString('\n')
		if line != "" {
			p.line(strings.TrimSuffix(line, "\n"), f)
		}
		if err == io.EOF {
			return true, errors.Join(p.errs...), nil
		}
		if err != nil {
			return true, nil, err
		}
	}
}

// summaryParser parses the lines after a "show stat" header, counting
// them for the errors of the ones it skips.
type summaryParser struct {
	idx    summaryColumns
	lineNo int
	errs   []error
}

func newSummaryParser(header string) (*summaryParser, error) {
	idx, err := statSummaryHeader(header)
	if err != nil {
		return nil, err
	}
	return &summaryParser{idx: idx, lineNo: 1}, nil
}

func (p *summaryParser) line(line string, f func(StatRow)) {
	p.lineNo++
	if line == "" || strings.HasPrefix(line, "#") {
		return
	}
	r, err := p.idx.parse(line)
	if err != nil {
		p.errs = append(p.errs, &ParseError{Line: p.lineNo, Text: line, Err: err})
		return
	}
	f(r)
}

// summaryColumns are the positions of the four columns, -1 when absent.
type summaryColumns struct{ proxy, server, typ, status, n int }

func statSummaryHeader(first string) (summaryColumns, error) {
	cols, err := statHeader(first)
	if err != nil {
		return summaryColumns{}, err
	}
	at := func(name string) int {
		if i, ok := cols[name]; ok {
			return i
		}
		return -1
	}
	idx := summaryColumns{proxy: at("pxname"), server: at("svname"), typ: at("type"), status: at("status")}
	idx.n = max(idx.proxy, idx.server, idx.typ, idx.status) + 1
	return idx, nil
}

func (c summaryColumns) parse(line string) (StatRow, error) {
	var vals [4]string // proxy, server, type, status
	if strings.Contains(line, `"`) {
		all, err := splitCSV(line)
		if err != nil {
			return StatRow{}, err
		}
		for k, i := range [4]int{c.proxy, c.server, c.typ, c.status} {
			if i >= 0 && i < len(all) {
				vals[k] = all[i]
			}
		}
	} else {
		for i, start := 0, 0; i < c.n; i++ {
			end := strings.IndexByte(line[start:], ',')
			field := line[start:]
			if end >= 0 {
				field = line[start : start+end]
			}
			switch i {
			case c.proxy:
				vals[0] = field
			case c.server:
				vals[1] = field
			case c.typ:
				vals[2] = field
			case c.status:
				vals[3] = field
			}
			if end < 0 {
				break
			}
			start += end + 1
		}
	}
	switch {
	case vals[0] == "":
		return StatRow{}, errors.New("missing pxname")
	case vals[1] == "":
		return StatRow{}, errors.New("missing svname")
	}
	r := StatRow{Proxy: vals[0], Server: vals[1], Status: vals[3]}
	if vals[2] != "" {
		t, err := strconv.ParseInt(vals[2], 10, 64)
		if err != nil {
			return StatRow{}, errors.New("column type: " + strconv.Quote(vals[2]) + " is not a number")
		}
		r.Type = ProxyType(t)
	}
	return r, nil
}
