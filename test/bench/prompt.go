package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"time"
)

// runner runs one runtime-API command and returns its answer.
type runner interface {
	Run(ctx context.Context, cmd string) (string, error)
}

// promptConn is one stats-socket connection in interactive mode
// ("prompt"), kept open across reads. The propagation probe reads HAProxy
// every few hundred microseconds: on an open connection a read costs
// HAProxy and the benchmark one request and its answer instead of a
// connect, an accept and a close, so the probe's rhythm is shorter and
// takes less of the two cores synapse needs too. A failed read closes
// the connection; the next one opens a new one.
type promptConn struct {
	path   string
	conn   net.Conn
	r      *bufio.Reader
	opened time.Time
}

// promptMaxAge bounds how long one connection is used. After a reload the
// old worker may keep answering on an open connection with its old state
// until it exits, while a new connection reaches the new worker: changes
// that wait for a reload (-dynamic-servers off) are seen at most this much
// late, while a lone event's reads (a millisecond or two) share one.
const promptMaxAge = 20 * time.Millisecond

func newPromptConn(path string) *promptConn { return &promptConn{path: path} }

// Run sends cmd and returns the answer up to the next prompt, without
// its trailing newlines.
func (p *promptConn) Run(ctx context.Context, cmd string) (string, error) {
	if p.conn != nil && time.Since(p.opened) > promptMaxAge {
		p.Close()
	}
	if p.conn == nil {
		if err := p.open(ctx); err != nil {
			return "", err
		}
	}
	answer, err := p.exchange(ctx, cmd+"\n")
	if err != nil {
		p.Close()
		return "", fmt.Errorf("%s on %s: %w", cmd, p.path, err)
	}
	return strings.TrimRight(answer, "\n"), nil
}

func (p *promptConn) open(ctx context.Context) error {
	var d net.Dialer
	conn, err := d.DialContext(ctx, "unix", p.path)
	if err != nil {
		return fmt.Errorf("dial %s: %w", p.path, err)
	}
	p.conn, p.r, p.opened = conn, bufio.NewReader(conn), time.Now()
	if _, err := p.exchange(ctx, "prompt\n"); err != nil {
		p.Close()
		return fmt.Errorf("prompt on %s: %w", p.path, err)
	}
	return nil
}

// exchange writes line and reads to the prompt ("\n> ") that ends the
// answer.
func (p *promptConn) exchange(ctx context.Context, line string) (string, error) {
	deadline, ok := ctx.Deadline()
	if !ok {
		deadline = time.Now().Add(5 * time.Second)
	}
	_ = p.conn.SetDeadline(deadline)
	if _, err := io.WriteString(p.conn, line); err != nil {
		return "", err
	}
	var b strings.Builder
	for {
		chunk, err := p.r.ReadString('>')
		b.WriteString(chunk)
		if err != nil {
			return "", err
		}
		if s := b.String(); strings.HasSuffix(s, "\n>") {
			if c, err := p.r.ReadByte(); err != nil || c != ' ' {
				return "", errors.Join(errors.New("no space after the prompt"), err)
			}
			return s[:len(s)-1], nil
		}
	}
}

// Close ends the connection; Run opens a new one.
func (p *promptConn) Close() {
	if p.conn != nil {
		p.conn.Close()
		p.conn, p.r = nil, nil
	}
}
