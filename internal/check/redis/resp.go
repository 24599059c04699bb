package redis

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"net"
	"strconv"
	"time"
)

// The two commands, encoded once.
var (
	ping   = command("PING")
	exists = command("EXISTS", "nerve-redis-service-check")
)

// command encodes a RESP array of bulk strings, what every client sends.
func command(args ...string) []byte {
	b := fmt.Appendf(nil, "*%d\r\n", len(args))
	for _, a := range args {
		b = fmt.Appendf(b, "$%d\r\n%s\r\n", len(a), a)
	}
	return b
}

type session struct {
	conn    net.Conn
	br      *bufio.Reader
	timeout time.Duration
}

// do sends one command and checks the reply line with ok. A reply line
// longer than the buffer is an error: both expected replies are a few bytes.
func (s *session) do(cmd []byte, ok func(line []byte) error) error {
	if s.timeout > 0 {
		_ = s.conn.SetWriteDeadline(time.Now().Add(s.timeout))
	}
	if _, err := s.conn.Write(cmd); err != nil {
		return fmt.Errorf("write: %w", err)
	}
	if s.timeout > 0 {
		_ = s.conn.SetReadDeadline(time.Now().Add(s.timeout))
	}
	line, err := s.br.ReadSlice('\n')
	if errors.Is(err, bufio.ErrBufferFull) {
		return fmt.Errorf("reply longer than %d bytes, starting %q", len(line), line[:64])
	}
	if err != nil {
		return fmt.Errorf("read reply: %w", err)
	}
	line = bytes.TrimSuffix(bytes.TrimSuffix(line, []byte("\n")), []byte("\r"))
	if len(line) > 0 && line[0] == '-' {
		return fmt.Errorf("server error: %s", line[1:])
	}
	return ok(line)
}

func isPong(line []byte) error {
	if string(line) != "+PONG" {
		return fmt.Errorf("unexpected reply %q, want +PONG", line)
	}
	return nil
}

func isInteger(line []byte) error {
	if len(line) < 2 || line[0] != ':' {
		return fmt.Errorf("unexpected reply %q, want an integer", line)
	}
	if _, err := strconv.ParseInt(string(line[1:]), 10, 64); err != nil {
		return fmt.Errorf("unexpected reply %q, want an integer", line)
	}
	return nil
}
