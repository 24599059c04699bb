package haproxy

import (
	"errors"
	"strings"
	"testing"
)

// The answers are HAProxy 2.6.12's, captured from the real binary.
func TestCheckAnswer(t *testing.T) {
	tests := []struct {
		cmd, answer string
		want        error // nil: success
	}{
		{"enable server app/s1", "", nil},
		{"disable server app/zz", "No such server.", ErrNoSuchServer},
		{"disable server nob/x", "No such backend.", ErrNoSuchBackend},
		{"disable server app/s1", "Permission denied", ErrPermissionDenied},
		{"set server app/s1 state ready", "", nil},
		{"set server app/s1 state bogus", "'set server <srv> state' expects 'ready', 'drain' and 'maint'.", ErrRejected},
		{"set server app/s1 weight 5", "", nil},
		{"set weight app/s1 999", "Absolute weight can only be between 0 and 256 inclusive.", ErrRejected},
		{"set weight app/s1 x", "Empty weight string empty or preceded by garbage", ErrRejected},
		{"set weight st/a 5", "Backend is using a static LB algorithm and only accepts weights '0%' and '100%'.", ErrRejected},
		{"set server app/s1 addr 127.0.0.3 port 18085", "IP changed from '127.0.0.1' to '127.0.0.3', port changed from '18081' to '18085' by 'stats socket command'", nil},
		{"set server app/s1 addr 127.0.0.3", "no need to change the addr, no need to change the port by 'stats socket command'", nil},
		{"set server app/s1 addr nonsense", "Invalid addr 'nonsense' by 'stats socket command'", ErrRejected},
		{"set server app", "Require 'backend/server'.", ErrRejected},
		{"add server app/d 127.0.0.1:1", "New server registered.", nil},
		{"add server app/s1 127.0.0.1:1", "Already exists a server with the same name in backend.", ErrServerExists},
		{"add server st/x 127.0.0.1:1", "Backend must use a dynamic load balancing to support dynamic servers.", ErrRejected},
		{"add server app/c 127.0.0.1:1 cookie x", "'cookie' option is not accepted for dynamic server", ErrRejected},
		{"del server app/d", "Server deleted.", nil},
		{"del server app/s1", "Only servers in maintenance mode can be deleted.", ErrNotInMaintenance},
		{"del server st/a", "This server cannot be removed at runtime due to other configuration elements pointing to it.", ErrServerInUse},
		{"del server app/d", "", ErrUnexpectedAnswer},
		{"set server app/s1 health up", "", nil},
		{"set server app/s2 agent up", "", nil},
		{"set maxconn server app/s1 10", "", nil},
		{"disable agent app/s2", "", nil},
		{"shutdown sessions server app/s1", "", nil},
		{"set server app/s1 health up", "No such server.", ErrNoSuchServer},
		{"enable health app/s1", "Health check was not configured on this server, cannot enable.", ErrRejected},
		{"enable server app/s1", "something new", ErrUnexpectedAnswer},
		{"bogus cmd", "Unknown command, but maybe one of the following ones is a better match:\n  add acl", ErrUnknownCommand},
		{"show servers state nob", "Can't find backend.", ErrNoSuchBackend},
		{"show stat", "# pxname,svname,qcur", nil},
		{"show version", "2.6.12-1+deb12u3", nil},
	}
	for _, tc := range tests {
		t.Run(tc.cmd+"/"+tc.answer, func(t *testing.T) {
			err := CheckAnswer(tc.cmd, tc.answer)
			if tc.want == nil {
				if err != nil {
					t.Fatalf("err = %v, want success", err)
				}
				return
			}
			var ce *CommandError
			if !errors.As(err, &ce) || !errors.Is(err, tc.want) || ce.Command != tc.cmd || ce.Response != tc.answer {
				t.Fatalf("err = %#v, want a CommandError that is %v", err, tc.want)
			}
		})
	}
}

func TestCommandErrorMessage(t *testing.T) {
	err := &CommandError{Command: "bogus", Response: "Unknown command, but maybe:\n  help\n  quit"}
	if got := err.Error(); got != "haproxy: bogus: Unknown command, but maybe:" {
		t.Fatalf("Error() = %q", got)
	}
	empty := &CommandError{Command: "del server a/b"}
	if !strings.Contains(empty.Error(), "empty answer") {
		t.Fatalf("Error() = %q, want it to say the answer was empty", empty.Error())
	}
}
