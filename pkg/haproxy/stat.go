package haproxy

import (
	"context"
	"errors"
	"fmt"
	"strings"
)

// ProxyType is the "type" column of show stat.
type ProxyType int

// The values of the "type" column.
const (
	TypeFrontend ProxyType = 0
	TypeBackend  ProxyType = 1
	TypeServer   ProxyType = 2
	TypeListener ProxyType = 3
)

func (t ProxyType) String() string {
	switch t {
	case TypeFrontend:
		return "frontend"
	case TypeBackend:
		return "backend"
	case TypeServer:
		return "server"
	case TypeListener:
		return "listener"
	}
	return fmt.Sprintf("type(%d)", int(t))
}

// StatRow is one line of "show stat". Proxy-level rows have Server
// "FRONTEND" or "BACKEND". Columns without a field here are read with Field.
type StatRow struct {
	Proxy  string    // pxname
	Server string    // svname
	Type   ProxyType // type
	Status string    // status: "UP", "DOWN", "MAINT", "DRAIN", "no check", "UP 1/3", "OPEN", ...
	Weight int       // weight (effective)
	// UWeight is the user weight ("uweight", HAProxy >= 2.4).
	UWeight  int
	Act, Bck int   // act, bck
	QCur     int   // qcur
	QMax     int   // qmax
	SCur     int   // scur
	SMax     int   // smax
	SLim     int   // slim
	STot     int64 // stot
	PID      int   // pid (process number)
	IID      int   // iid (proxy id)
	SID      int   // sid (server id)
	LastChg  int   // lastchg, seconds since the last status change
	// CheckStatus is the last health check result, e.g. "L4OK", "L4CON".
	CheckStatus string
	Addr        string // addr, "ip:port" of a server
	row
}

// ShowStat runs "show stat" and parses it. Like ParseStat it returns the
// well-formed rows together with an error for the lines it skipped.
func (c *Client) ShowStat(ctx context.Context) ([]StatRow, error) {
	answer, err := c.Run(ctx, "show stat")
	if err != nil {
		return nil, err
	}
	return ParseStat(answer)
}

// ParseStat parses "show stat" CSV. Columns are located by the
// "# pxname,svname,..." header, never by position. A malformed line is
// skipped and reported in the error (errors.Join of *ParseError) while the
// other rows are still returned; only a missing header yields no rows.
func ParseStat(data string) ([]StatRow, error) {
	lines := strings.Split(data, "\n")
	cols, err := statHeader(lines[0])
	if err != nil {
		return nil, err
	}
	var rows []StatRow
	var errs []error
	for i, line := range lines[1:] {
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		r, err := parseStatLine(cols, line)
		if err != nil {
			errs = append(errs, &ParseError{Line: i + 2, Text: line, Err: err})
			continue
		}
		rows = append(rows, r)
	}
	return rows, errors.Join(errs...)
}

// statHeader reads the "# pxname,svname,..." line that names the
// columns.
func statHeader(line string) (columns, error) {
	header, ok := strings.CutPrefix(line, "# ")
	if !ok {
		return nil, &ParseError{Line: 1, Text: line, Err: errors.New("no '# pxname,...' header")}
	}
	names, err := splitCSV(header)
	if err != nil {
		return nil, &ParseError{Line: 1, Text: line, Err: err}
	}
	return newColumns(names), nil
}

func parseStatLine(cols columns, line string) (StatRow, error) {
	vals, err := splitCSV(line)
	if err != nil {
		return StatRow{}, err
	}
	r := rowReader{row: row{cols: cols, vals: vals}}
	if err := r.require("pxname", "svname"); err != nil {
		return StatRow{}, err
	}
	s := StatRow{
		Proxy: r.str("pxname"), Server: r.str("svname"),
		Type: ProxyType(r.int("type")), Status: r.str("status"),
		Weight: r.int("weight"), UWeight: r.int("uweight"),
		Act: r.int("act"), Bck: r.int("bck"),
		QCur: r.int("qcur"), QMax: r.int("qmax"),
		SCur: r.int("scur"), SMax: r.int("smax"), SLim: r.int("slim"), STot: r.int64("stot"),
		PID: r.int("pid"), IID: r.int("iid"), SID: r.int("sid"), LastChg: r.int("lastchg"),
		CheckStatus: r.str("check_status"), Addr: r.str("addr"),
		row: r.row,
	}
	return s, r.err
}

// splitCSV splits one CSV line. HAProxy quotes a field only when it holds a
// comma or a quote (doubling inner quotes); fields never span lines.
func splitCSV(line string) ([]string, error) {
	if !strings.Contains(line, `"`) {
		return strings.Split(line, ","), nil
	}
	var out []string
	var b strings.Builder
	quoted, atStart := false, true
	for i := 0; i < len(line); i++ {
		ch := line[i]
		switch {
		case quoted && ch == '"' && i+1 < len(line) && line[i+1] == '"':
			b.WriteByte('"')
			i++
		case quoted && ch == '"':
			quoted = false
		case ch == '"' && atStart:
			quoted = true
		case ch == ',' && !quoted:
			out = append(out, b.String())
			b.Reset()
			atStart = true
			continue
		default:
			b.WriteByte(ch)
		}
		atStart = false
	}
	if quoted {
		return nil, errors.New("unterminated quote")
	}
	return append(out, b.String()), nil
}
