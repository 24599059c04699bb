package haproxy

import (
	"context"
	"strconv"
)

// ServerAdmin is a target of "set server <b>/<s> state".
type ServerAdmin string

// The admin states "set server ... state" accepts.
const (
	Ready ServerAdmin = "ready" // back into load balancing
	Drain ServerAdmin = "drain" // no new traffic, still checked
	Maint ServerAdmin = "maint" // out of load balancing and checks
)

// The *Command functions build command lines for Exec and Do batches, with
// names escaped. The Client methods below send one of them alone. Every
// name and argument must be one word (CheckArg): one that is not makes the
// builder return a command that Exec and Do refuse with ErrInvalidCommand,
// naming the argument, before anything is sent. So no value, whatever it
// carries, can start a second command or add words to its own.

// ServerRef is "<backend>/<server>" with both names escaped. It does not
// check them: the *Command functions do.
func ServerRef(backend, server string) string { return Escape(backend) + "/" + Escape(server) }

// EnableServerCommand is "enable server <b>/<s>" (leave maintenance).
func EnableServerCommand(backend, server string) string {
	return command("enable server", backend, server)
}

// DisableServerCommand is "disable server <b>/<s>" (enter maintenance).
func DisableServerCommand(backend, server string) string {
	return command("disable server", backend, server)
}

// SetServerStateCommand is "set server <b>/<s> state <state>".
func SetServerStateCommand(backend, server string, state ServerAdmin) string {
	return command("set server", backend, server, "state", string(state))
}

// SetWeightCommand is "set server <b>/<s> weight <w>" (0-256).
func SetWeightCommand(backend, server string, weight int) string {
	return command("set server", backend, server, "weight", strconv.Itoa(weight))
}

// SetAddrCommand is "set server <b>/<s> addr <ip> [port <port>]"; port 0
// keeps the current port.
func SetAddrCommand(backend, server, addr string, port int) string {
	if port > 0 {
		return command("set server", backend, server, "addr", addr, "port", strconv.Itoa(port))
	}
	return command("set server", backend, server, "addr", addr)
}

// AddServerCommand is "add server <b>/<s> [args]*". args are server keywords
// and values ("127.0.0.1:8080", "id", "42", "check"), one word each. On
// 2.6 the server starts in maintenance and its checks disabled.
func AddServerCommand(backend, server string, args ...string) string {
	return command("add server", backend, server, args...)
}

// DelServerCommand is "del server <b>/<s>"; HAProxy wants the server in
// maintenance and without connections.
func DelServerCommand(backend, server string) string {
	return command("del server", backend, server)
}

// EnableHealthCommand is "enable health <b>/<s>", needed after add server.
func EnableHealthCommand(backend, server string) string {
	return command("enable health", backend, server)
}

// EnableAgentCommand is "enable agent <b>/<s>": resume the server's agent
// check. HAProxy refuses it for a server configured without agent-check.
func EnableAgentCommand(backend, server string) string {
	return command("enable agent", backend, server)
}

// DisableAgentCommand is "disable agent <b>/<s>": stop the server's agent
// check, whose "ready" answer would end a maintenance set at run time.
func DisableAgentCommand(backend, server string) string {
	return command("disable agent", backend, server)
}

// EnableServer takes a server out of maintenance.
func (c *Client) EnableServer(ctx context.Context, backend, server string) error {
	return c.Do(ctx, EnableServerCommand(backend, server))
}

// DisableServer puts a server into maintenance.
func (c *Client) DisableServer(ctx context.Context, backend, server string) error {
	return c.Do(ctx, DisableServerCommand(backend, server))
}

// SetServerState sets a server's admin state.
func (c *Client) SetServerState(ctx context.Context, backend, server string, state ServerAdmin) error {
	return c.Do(ctx, SetServerStateCommand(backend, server, state))
}

// SetWeight sets a server's weight.
func (c *Client) SetWeight(ctx context.Context, backend, server string, weight int) error {
	return c.Do(ctx, SetWeightCommand(backend, server, weight))
}

// SetAddr changes a server's address, and its port unless port is 0.
func (c *Client) SetAddr(ctx context.Context, backend, server, addr string, port int) error {
	return c.Do(ctx, SetAddrCommand(backend, server, addr, port))
}

// AddServer creates a server at runtime (HAProxy >= 2.6 without
// experimental mode; the backend needs a dynamic LB algorithm).
func (c *Client) AddServer(ctx context.Context, backend, server string, args ...string) error {
	return c.Do(ctx, AddServerCommand(backend, server, args...))
}

// DelServer deletes a server that is in maintenance and drained.
func (c *Client) DelServer(ctx context.Context, backend, server string) error {
	return c.Do(ctx, DelServerCommand(backend, server))
}

// EnableHealth starts a server's health checks.
func (c *Client) EnableHealth(ctx context.Context, backend, server string) error {
	return c.Do(ctx, EnableHealthCommand(backend, server))
}
