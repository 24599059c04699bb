package haproxy

import (
	"context"
	"errors"
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
	body, idx, err := statSummaryHeader(data)
	if err != nil {
		return false, err
	}
	var errs []error
	lineNo := 1
	for line := range strings.SplitSeq(body, "\n") {
		lineNo++
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		r, err := idx.parse(line)
		if err != nil {
			errs = append(errs, &ParseError{Line: lineNo, Text: line, Err: err})
			continue
		}
		f(r)
	}
	return true, errors.Join(errs...)
}

// summaryColumns are the positions of the four columns, -1 when absent.
type summaryColumns struct{ proxy, server, typ, status, n int }

func statSummaryHeader(data string) (string, summaryColumns, error) {
	first, body, _ := strings.Cut(data, "\n")
	cols, err := statHeader(first)
	if err != nil {
		return "", summaryColumns{}, err
	}
	at := func(name string) int {
		if i, ok := cols[name]; ok {
			return i
		}
		return -1
	}
	idx := summaryColumns{proxy: at("pxname"), server: at("svname"), typ: at("type"), status: at("status")}
	idx.n = max(idx.proxy, idx.server, idx.typ, idx.status) + 1
	return body, idx, nil
}

// parse reads one line's four columns, splitting it only as far as the
// last of them; a quoted field (rare: a comma or quote in a value) takes
// the full CSV split.
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
