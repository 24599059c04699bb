package rabbitmq

import (
	"context"
	"errors"
	"fmt"
	"net"

	amqp "github.com/rabbitmq/amqp091-go"
)

// The round trip's constants, the original's.
const (
	queue      = "nerve"
	message    = "nerve test message"
	expiration = "2000" // ms: an unconsumed test message does not pile up
)

// errNoMessage is the unhealthy outcome of a round that ran without error.
var errNoMessage = errors.New("basic.get returned no message")

// Check runs one round on a new connection, closed whatever happens.
func (r *Check) Check(ctx context.Context) error {
	if r.timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, r.timeout)
		defer cancel()
	}
	var raw net.Conn
	defer func() {
		if raw != nil {
			raw.Close() // after a failed handshake, or a Close that gave up
		}
	}()
	conn, err := amqp.DialConfig("amqp://"+r.addr+"/", r.config(ctx, &raw))
	if err != nil {
		return fmt.Errorf("rabbitmq check: connect %s: %w", r.addr, withCtx(ctx, err))
	}
	err = roundTrip(ctx, conn)
	closeErr := conn.Close() // the connection.close handshake
	if err != nil {
		return fmt.Errorf("rabbitmq check %s: %w", r.addr, withCtx(ctx, err))
	}
	if closeErr != nil {
		return fmt.Errorf("rabbitmq check %s: close: %w", r.addr, withCtx(ctx, closeErr))
	}
	return nil
}

// config ties the socket to ctx: the client library takes no context for
// most calls, so closing the socket when ctx is done is what bounds the
// round. The socket is stored in *raw for the caller to close.
func (r *Check) config(ctx context.Context, raw *net.Conn) amqp.Config {
	cfg := amqp.Config{
		// A new PlainAuth per round: the library zeroes the password
		// after the handshake.
		SASL:       []amqp.Authentication{&amqp.PlainAuth{Username: r.username, Password: r.password}},
		Vhost:      "/",
		Properties: amqp.NewConnectionProperties(),
		Dial: func(network, addr string) (net.Conn, error) {
			var d net.Dialer
			c, err := d.DialContext(ctx, network, addr)
			if err != nil {
				return nil, err
			}
			*raw = &ctxConn{Conn: c, stop: context.AfterFunc(ctx, func() { c.Close() })}
			return *raw, nil
		},
	}
	cfg.Properties.SetClientConnectionName("nerve health check")
	return cfg
}

// ctxConn unregisters its close-on-ctx hook when closed, so that a
// long-lived parent ctx does not collect one hook per round.
type ctxConn struct {
	net.Conn
	stop func() bool
}

func (c *ctxConn) Close() error {
	c.stop()
	return c.Conn.Close()
}

func roundTrip(ctx context.Context, conn *amqp.Connection) error {
	ch, err := conn.Channel()
	if err != nil {
		return fmt.Errorf("open channel: %w", err)
	}
	if _, err := ch.QueueDeclare(queue, false, false, false, false, nil); err != nil {
		return fmt.Errorf("declare queue %s: %w", queue, err)
	}
	msg := amqp.Publishing{Body: []byte(message), Expiration: expiration}
	if err := ch.PublishWithContext(ctx, "", queue, true, false, msg); err != nil {
		return fmt.Errorf("publish: %w", err)
	}
	d, ok, err := ch.Get(queue, false)
	if err != nil {
		return fmt.Errorf("basic.get: %w", err)
	}
	if !ok {
		return errNoMessage
	}
	if err := d.Ack(false); err != nil {
		return fmt.Errorf("ack: %w", err)
	}
	return nil
}

// withCtx prefers ctx's reason over the closed-socket error that closing on
// ctx produces.
func withCtx(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		return fmt.Errorf("%w (%w)", ctx.Err(), err)
	}
	return err
}
