package registration

import (
	"fmt"
	"strconv"
)

// Port is a registration's port. It remembers whether it was a JSON number
// or a JSON string: nerve writes the port exactly as configured (YAML
// `port: "3000"` becomes "3000", `port: 3000` becomes 3000) and Synapse
// passes ZooKeeper's type through, so both ends must keep it. The zero Port
// is absent.
type Port struct {
	// enc is "" for an absent port, else portNumber or portString and
	// then the number in Ruby's spelling or the string's contents. One
	// string rather than the text and two flags makes a Port 16 bytes, not
	// 24: synapse holds a Backend per registration (50,000 at scale).
	enc string
}

const (
	portNumber = 'n'
	portString = 's'
)

func (p Port) text() string {
	if p.enc == "" {
		return ""
	}
	return p.enc[1:]
}

// NumberPort returns a port written as a JSON number.
func NumberPort(n int) Port { return Port{enc: string(portNumber) + strconv.Itoa(n)} }

// StringPort returns a port written as a JSON string. Any string is kept,
// as nerve keeps it; Int reports whether it is usable.
func StringPort(s string) Port { return Port{enc: string(portString) + s} }

// PortFromValue takes a port from a JSON value, which must be a number or a
// string.
func PortFromValue(v Value) (Port, error) {
	p, err := portFromValue(v)
	if err != nil {
		return Port{}, fmt.Errorf("registration: %w", err)
	}
	return p, nil
}

func portFromValue(v Value) (Port, error) {
	switch v.kind() {
	case KindNumber:
		return Port{enc: string(portNumber) + v.text}, nil
	case KindString:
		return StringPort(v.text), nil
	case KindAbsent:
		return Port{}, fmt.Errorf(`missing "port"`)
	}
	return Port{}, fmt.Errorf(`"port" is %s, want a number or a string`, v.kind().article())
}

// IsZero reports whether the port is absent.
func (p Port) IsZero() bool { return p.enc == "" }

// IsString reports whether the port is written as a JSON string.
func (p Port) IsString() bool { return p.enc != "" && p.enc[0] == portString }

// String returns the port as text without JSON quoting ("3000" for both 3000
// and "3000"), the way Ruby interpolates it into "host:port".
func (p Port) String() string { return p.text() }

// Value returns the port as a JSON value of its own type.
func (p Port) Value() Value {
	switch {
	case p.IsZero():
		return Value{}
	case p.IsString():
		return StringValue(p.text())
	}
	return scalar(KindNumber, p.text())
}

// Int returns the port number. It accepts a JSON integer or a string of
// ASCII digits (ZooKeeper data often has "3001"), in the range 0-65535.
func (p Port) Int() (int, error) {
	n, err := p.number()
	if err != nil {
		return 0, fmt.Errorf("registration: %w", err)
	}
	return n, nil
}

func (p Port) number() (int, error) {
	if p.IsZero() {
		return 0, fmt.Errorf(`missing "port"`)
	}
	// Base 10 ParseUint takes neither signs, spaces nor underscores.
	if n, err := strconv.ParseUint(p.text(), 10, 16); err == nil {
		return int(n), nil
	}
	return 0, fmt.Errorf(`invalid "port" %s: want an integer 0-65535`, p.Value())
}

// MarshalJSON writes the port as a number or a string, as it came.
func (p Port) MarshalJSON() ([]byte, error) { return p.Value().AppendJSON(nil) }

// UnmarshalJSON reads a port from a JSON number or string.
func (p *Port) UnmarshalJSON(data []byte) error {
	v, err := ParseValue(data)
	if err != nil {
		return err
	}
	port, err := PortFromValue(v)
	if err != nil {
		return err
	}
	*p = port
	return nil
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
