package haproxy

import (
	"context"
	"errors"
	"strings"
	"testing"
)

func TestCommandBuildersRefuseNonWords(t *testing.T) {
	bad := []string{"s1;x", "a b", "a\tb", "a\nenable server x/y", "\x00", "", "x\x7f"}
	for _, v := range bad {
		t.Run(v, func(t *testing.T) {
			if err := CheckArg(v); !errors.Is(err, ErrInvalidCommand) {
				t.Errorf("CheckArg(%q) = %v, want ErrInvalidCommand", v, err)
			}
			for _, cmd := range []string{
				EnableServerCommand("b", v), DisableServerCommand(v, "s"), SetServerStateCommand("b", v, Ready),
				SetWeightCommand("b", v, 1), SetAddrCommand("b", "s", v, 80), AddServerCommand("b", "s", "1.2.3.4:80", v),
				DelServerCommand("b", v), EnableHealthCommand("b", v), EnableAgentCommand("b", v), DisableAgentCommand("b", v),
			} {
				err := validateCommand(cmd)
				if !errors.Is(err, ErrInvalidCommand) || !strings.Contains(err.Error(), "refused to build") {
					t.Errorf("command %q: validateCommand = %v, want a refusal", cmd, err)
				}
			}
		})
	}
}

func TestRefusedCommandIsNeverSent(t *testing.T) {
	f := newFakeSocket(t, func(string) string { return "\n" })
	c := New(f.path)
	_, err := c.Exec(context.Background(), EnableServerCommand("app", "s1"), DisableServerCommand("app", "s1;x"))
	if !errors.Is(err, ErrInvalidCommand) || !strings.Contains(err.Error(), `"s1;x"`) {
		t.Fatalf("Exec = %v, want ErrInvalidCommand naming the argument", err)
	}
	if got := f.lines(); len(got) != 0 {
		t.Errorf("sent %q; a batch with a refused command must send nothing", got)
	}
}

func TestCommandBuildersKeepWords(t *testing.T) {
	if got := AddServerCommand("app", "i-1_10.0.0.1:80", "10.0.0.1:80", "id", "3", "check"); got != "add server app/i-1_10.0.0.1:80 10.0.0.1:80 id 3 check" {
		t.Errorf("AddServerCommand = %q", got)
	}
	if got := SetAddrCommand("app", "s", "::1", 0); got != "set server app/s addr ::1" {
		t.Errorf("SetAddrCommand = %q", got)
	}
}
