package haproxy

import (
	"errors"
	"fmt"
	"slices"
	"strings"
)

// Classes of HAProxy error answers, for errors.Is on a *CommandError.
var (
	ErrUnknownCommand   = errors.New("unknown command")
	ErrPermissionDenied = errors.New("permission denied")
	ErrNoSuchBackend    = errors.New("no such backend")
	ErrNoSuchServer     = errors.New("no such server")
	ErrServerExists     = errors.New("server already exists")
	ErrNotInMaintenance = errors.New("server not in maintenance")
	// ErrServerInUse: "del server" on a server with connections or one that
	// the configuration references (track, use-server, ...).
	ErrServerInUse = errors.New("server in use")
	// ErrRejected is any other known error answer (usage, invalid value,
	// static LB algorithm, ...).
	ErrRejected = errors.New("command rejected")
	// ErrUnexpectedAnswer is an answer that is neither the command's success
	// answer nor a known error answer.
	ErrUnexpectedAnswer = errors.New("unexpected answer")
)

// CommandError is a command HAProxy answered with something other than its
// success answer. It unwraps to one of the Err* classes above.
type CommandError struct {
	Command  string
	Response string // the answer, trailing newlines removed
}

func (e *CommandError) Error() string {
	first, _, _ := strings.Cut(e.Response, "\n")
	if first == "" {
		first = "(empty answer)"
	}
	return fmt.Sprintf("haproxy: %s: %s", e.Command, first)
}

// Unwrap classifies the answer, so errors.Is(err, ErrNoSuchServer) works.
func (e *CommandError) Unwrap() error {
	if class := classify(e.Response); class != nil {
		return class
	}
	return ErrUnexpectedAnswer
}

// errorAnswers are the first-line prefixes of HAProxy 2.x error answers,
// taken from the real 2.6 binary. Order matters only where prefixes overlap.
var errorAnswers = []struct {
	prefix string
	class  error
}{
	{"Unknown command", ErrUnknownCommand},
	{"Permission denied", ErrPermissionDenied},
	{"No such backend", ErrNoSuchBackend},
	{"Can't find backend", ErrNoSuchBackend},
	{"No such server", ErrNoSuchServer},
	{"Already exists a server", ErrServerExists},
	{"Only servers in maintenance mode", ErrNotInMaintenance},
	{"Server still has connections", ErrServerInUse},
	{"This server cannot be removed", ErrServerInUse},
	{"Require ", ErrRejected},
	{"usage:", ErrRejected},
	{"Invalid ", ErrRejected},
	{"Absolute weight", ErrRejected},
	{"Relative weight", ErrRejected},
	{"Empty weight string", ErrRejected},
	{"Trailing garbage", ErrRejected},
	{"Backend is using a static LB", ErrRejected},
	{"Backend must use a dynamic", ErrRejected},
	{"Health check was not configured", ErrRejected},
	{"Agent was not configured", ErrRejected},
	{"'", ErrRejected}, // "'server' expects ...", "'cookie' option is not accepted ..."
}

func classify(answer string) error {
	first, _, _ := strings.Cut(answer, "\n")
	for _, e := range errorAnswers {
		if strings.HasPrefix(first, e.prefix) {
			return e.class
		}
	}
	return nil
}

// IsErrorAnswer reports whether answer is a known HAProxy error answer. It is
// the check for commands with free-form output (show ...); action commands
// are held to their exact success answer by CheckAnswer.
func IsErrorAnswer(answer string) bool { return classify(answer) != nil }

// CheckAnswer returns a *CommandError when answer is not cmd's success
// answer. enable/disable server|health|agent, set server ... state|weight|
// health|agent|check-port, set weight, set maxconn server and shutdown
// sessions server answer nothing; add server answers "New server registered."; del server "Server
// deleted."; set server ... addr "IP changed from ..." or "no need to change
// the addr ...". Other commands succeed unless IsErrorAnswer.
func CheckAnswer(cmd, answer string) error {
	if successful(strings.Fields(cmd), answer) {
		return nil
	}
	return &CommandError{Command: cmd, Response: answer}
}

// actionVerbs are the "set server" keywords verified to answer nothing on
// success; toggled are what enable/disable act on.
var (
	actionVerbs = []string{"state", "weight", "health", "agent", "check-port"}
	toggled     = []string{"server", "health", "agent"}
)

func successful(w []string, answer string) bool {
	switch {
	case has(w, "add", "server"):
		return answer == "New server registered."
	case has(w, "del", "server"):
		return answer == "Server deleted."
	case has(w, "set", "server") && len(w) > 3 && w[3] == "addr":
		return strings.HasPrefix(answer, "IP changed from ") ||
			strings.HasPrefix(answer, "no need to change the addr")
	case has(w, "set", "server") && len(w) > 3 && slices.Contains(actionVerbs, w[3]),
		(has(w, "enable") || has(w, "disable")) && len(w) > 1 && slices.Contains(toggled, w[1]),
		has(w, "set", "weight"), has(w, "set", "maxconn", "server"), has(w, "shutdown", "sessions", "server"):
		return answer == ""
	}
	return !IsErrorAnswer(answer)
}

func has(words []string, prefix ...string) bool {
	if len(words) < len(prefix) {
		return false
	}
	for i, p := range prefix {
		if words[i] != p {
			return false
		}
	}
	return true
}
