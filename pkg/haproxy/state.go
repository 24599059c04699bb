package haproxy

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// OpState is srv_op_state: the operational state.
type OpState int

// The values of srv_op_state.
const (
	OpStopped  OpState = 0
	OpStarting OpState = 1
	OpRunning  OpState = 2
	OpStopping OpState = 3
)

// AdminState is srv_admin_state, a bit mask of why a server is in
// maintenance or draining.
type AdminState int

// The bits of srv_admin_state.
const (
	AdminForcedMaint    AdminState = 0x01 // FMAINT: set by "disable server", "state maint", config "disabled"
	AdminInheritedMaint AdminState = 0x02 // IMAINT: tracked server in maintenance
	AdminConfigMaint    AdminState = 0x04 // CMAINT: "disabled" in the configuration
	AdminForcedDrain    AdminState = 0x08 // FDRAIN: "state drain"
	AdminInheritedDrain AdminState = 0x10 // IDRAIN: tracked server draining
	AdminResolveMaint   AdminState = 0x20 // RMAINT: DNS resolution failed
	AdminHostnameMaint  AdminState = 0x40 // HMAINT: FQDN set from the stats socket
)

// maintMask is HAProxy's own SRV_ADMF_MAINT (src/server.h). CMAINT only
// records that the server was configured or added "disabled" and stays set
// after "enable server" brings it up; HMAINT marks an FQDN set from the
// socket. Neither means the server is out of rotation.
const maintMask = AdminForcedMaint | AdminInheritedMaint | AdminResolveMaint

// Maint reports whether the server is in maintenance, as HAProxy decides it.
func (a AdminState) Maint() bool { return a&maintMask != 0 }

// Drain reports whether a drain bit is set.
func (a AdminState) Drain() bool { return a&(AdminForcedDrain|AdminInheritedDrain) != 0 }

// ServerState is one server line of "show servers state". Columns without a
// field here are read with Field.
type ServerState struct {
	BackendID  int        // be_id
	Backend    string     // be_name
	ID         int        // srv_id
	Name       string     // srv_name
	Addr       string     // srv_addr
	OpState    OpState    // srv_op_state
	AdminState AdminState // srv_admin_state
	UWeight    int        // srv_uweight, the weight set by the user
	IWeight    int        // srv_iweight, the weight from the configuration
	// LastChange is srv_time_since_last_change, in seconds.
	LastChange  int
	CheckHealth int    // srv_check_health
	FQDN        string // srv_fqdn, "" for "-"
	Port        int    // srv_port
	row
}

// checkEnabled is CHK_ST_ENABLED (src/check.h), the bit of
// srv_check_state and srv_agent_state that "disable health" and "disable
// agent" clear.
const checkEnabled = 0x04

// AgentEnabled reports whether the server's agent check is configured and
// running, false when the column is missing or malformed.
func (s ServerState) AgentEnabled() bool {
	v, ok := s.Field("srv_agent_state")
	if !ok {
		return false
	}
	n, err := strconv.Atoi(v)
	return err == nil && n&checkEnabled != 0
}

// ShowServersState runs "show servers state [backend]"; backend "" means all
// backends. An unknown backend is a *CommandError (ErrNoSuchBackend).
func (c *Client) ShowServersState(ctx context.Context, backend string) ([]ServerState, error) {
	cmd := "show servers state"
	if backend != "" {
		cmd += " " + Escape(backend)
	}
	answer, err := c.Run(ctx, cmd)
	if err != nil {
		return nil, err
	}
	return ParseServersState(answer)
}

// ParseServersState parses "show servers state": a format version line "1",
// a "# be_id be_name ..." header, then space-separated fields located by
// header name. Malformed lines are skipped and reported like ParseStat does.
func ParseServersState(data string) ([]ServerState, error) {
	lines := strings.Split(data, "\n")
	if v := strings.TrimSpace(lines[0]); v != "1" {
		return nil, &ParseError{Line: 1, Text: lines[0], Err: fmt.Errorf("unsupported servers state format %q", v)}
	}
	if len(lines) < 2 || !strings.HasPrefix(lines[1], "# ") {
		return nil, &ParseError{Line: 2, Text: strings.Join(lines[1:min(2, len(lines))], ""), Err: errors.New("no '# be_id ...' header")}
	}
	cols := newColumns(strings.Fields(lines[1][2:]))
	var states []ServerState
	var errs []error
	for i, line := range lines[2:] {
		if strings.TrimSpace(line) == "" || strings.HasPrefix(line, "#") {
			continue
		}
		s, err := parseStateLine(cols, line)
		if err != nil {
			errs = append(errs, &ParseError{Line: i + 3, Text: line, Err: err})
			continue
		}
		states = append(states, s)
	}
	return states, errors.Join(errs...)
}

func parseStateLine(cols columns, line string) (ServerState, error) {
	r := rowReader{row: row{cols: cols, vals: strings.Fields(line)}, dash: "-"}
	if err := r.require("be_id", "be_name", "srv_id", "srv_name"); err != nil {
		return ServerState{}, err
	}
	s := ServerState{
		BackendID: r.int("be_id"), Backend: r.str("be_name"),
		ID: r.int("srv_id"), Name: r.str("srv_name"), Addr: r.str("srv_addr"),
		OpState: OpState(r.int("srv_op_state")), AdminState: AdminState(r.int("srv_admin_state")),
		UWeight: r.int("srv_uweight"), IWeight: r.int("srv_iweight"),
		LastChange:  r.int("srv_time_since_last_change"),
		CheckHealth: r.int("srv_check_health"),
		FQDN:        r.str("srv_fqdn"), Port: r.int("srv_port"),
		row: r.row,
	}
	return s, r.err
}
