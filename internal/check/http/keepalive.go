package http

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"syscall"
)

// kept is a keep_alive connection with its reader, which may hold nothing
// between rounds but must stay with its connection.
type kept struct {
	conn net.Conn
	br   *bufio.Reader
}

// checkReusing is a round with keep_alive: the GET goes on the connection
// the last round left open, or a new one. A kept connection the service
// closed while idle (its keep-alive timeout, a restart) fails before any
// answer; the round then runs once more on a new connection, so only a
// service that refuses a new one is down. The price of the option: a
// listener that stopped accepting goes unnoticed while the kept connection
// still answers.
func (h *Check) checkReusing(ctx context.Context) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	if c := h.idle; c != nil {
		h.idle = nil
		out, err := h.roundTrip(ctx, c.conn, c.br)
		if out.answered || !closedByPeer(err) || ctx.Err() != nil {
			h.keep(c, out.reusable)
			return err
		}
		_ = c.conn.Close()
	}
	conn, err := h.connect(ctx)
	if err != nil {
		return fmt.Errorf("http check: GET %s: %w", h.s.url, err)
	}
	c := &kept{conn: conn, br: bufio.NewReaderSize(conn, 4096)}
	out, err := h.roundTrip(ctx, conn, c.br)
	h.keep(c, out.reusable)
	return err
}

// keep holds c for the next round, or closes it; h.mu is held.
func (h *Check) keep(c *kept, reusable bool) {
	if reusable {
		h.idle = c
		return
	}
	_ = c.conn.Close()
}

// closedByPeer: the error of a connection the other end had closed.
func closedByPeer(err error) bool {
	return errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE)
}

// Close closes a kept connection. nerve calls it when a service's worker
// ends; a later round opens a new one.
func (h *Check) Close() error {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.idle == nil {
		return nil
	}
	err := h.idle.conn.Close()
	h.idle = nil
	return err
}
