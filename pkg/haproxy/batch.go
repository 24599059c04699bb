package haproxy

import (
	"context"
	"errors"
	"fmt"
	"strings"
)

// sentinelCommand follows every command of a batch; its one-line answer (the
// version, e.g. "2.6.12-1+deb12u3") marks where each answer ends. It exists
// from HAProxy 2.6 on and has no side effect.
const sentinelCommand = "show version"

const (
	framingUnknown int32 = iota
	framingSentinel
	framingBlankLine
)

// Result is one command's share of a batch.
type Result struct {
	Command string
	Answer  string // trailing newlines removed
	Err     error  // *CommandError when Answer is not the success answer
}

// FramingError means a batch was sent (its commands ran) but the combined
// answer could not be split back per command. Raw holds what HAProxy sent.
type FramingError struct {
	Commands []string
	Raw      string
	Reason   string
}

func (e *FramingError) Error() string {
	return fmt.Sprintf("haproxy: cannot split the answer to %d commands: %s", len(e.Commands), e.Reason)
}

// Exec sends cmds on one connection, joined by ';', and returns one Result
// per command in order. The error is for the transport, an invalid command
// (nothing sent) or a *FramingError; a command HAProxy refused is reported in
// its Result.Err only. Commands that end the session ("quit", "prompt") make
// the answer unsplittable.
func (c *Client) Exec(ctx context.Context, cmds ...string) ([]Result, error) {
	for _, cmd := range cmds {
		if err := validateCommand(cmd); err != nil {
			return nil, err
		}
	}
	if len(cmds) == 0 {
		return nil, nil
	}
	answers, err := c.exec(ctx, cmds)
	if err != nil {
		return nil, err
	}
	results := make([]Result, len(cmds))
	for i, cmd := range cmds {
		results[i] = Result{Command: cmd, Answer: answers[i], Err: CheckAnswer(cmd, answers[i])}
	}
	return results, nil
}

// Do is Exec for callers that only need success: it returns the transport
// or framing error, or every refused command's *CommandError joined.
func (c *Client) Do(ctx context.Context, cmds ...string) error {
	results, err := c.Exec(ctx, cmds...)
	if err != nil {
		return err
	}
	var errs []error
	for _, r := range results {
		if r.Err != nil {
			errs = append(errs, r.Err)
		}
	}
	return errors.Join(errs...)
}

func (c *Client) exec(ctx context.Context, cmds []string) ([]string, error) {
	if len(cmds) == 1 {
		raw, err := c.roundTrip(ctx, cmds[0])
		if err != nil {
			return nil, err
		}
		return []string{trimAnswer(raw)}, nil
	}
	sentinel, err := c.useSentinel(ctx)
	if err != nil {
		return nil, err
	}
	line := strings.Join(cmds, ";")
	if sentinel {
		line = strings.Join(cmds, ";"+sentinelCommand+";") + ";" + sentinelCommand
	}
	raw, err := c.roundTrip(ctx, line)
	if err != nil {
		return nil, err
	}
	if sentinel {
		return splitSentinel(raw, cmds)
	}
	return splitBlankLines(raw, cmds)
}

// useSentinel asks once per Client whether HAProxy knows the sentinel, so an
// old HAProxy never sees it.
func (c *Client) useSentinel(ctx context.Context) (bool, error) {
	switch c.framing.Load() {
	case framingSentinel:
		return true, nil
	case framingBlankLine:
		return false, nil
	}
	raw, err := c.roundTrip(ctx, sentinelCommand)
	if err != nil {
		return false, err
	}
	if _, err := ParseVersion(trimAnswer(raw)); err == nil {
		c.framing.Store(framingSentinel)
		return true, nil
	}
	c.framing.Store(framingBlankLine)
	return false, nil
}

// splitSentinel cuts raw = A1 S A2 S ... An S, where S is the version line
// plus the empty line that ends its answer and each Ai is an answer plus its
// terminating "\n" (so never empty).
func splitSentinel(raw string, cmds []string) ([]string, error) {
	body := strings.TrimSuffix(raw, "\n\n")
	version := body[strings.LastIndexByte(body, '\n')+1:]
	if _, err := ParseVersion(version); err != nil || len(body) == len(raw) {
		return nil, &FramingError{cmds, raw, "answer does not end with the version line"}
	}
	sep := version + "\n\n"
	answers := make([]string, 0, len(cmds))
	for pos := 0; len(answers) < len(cmds); {
		// Searching from pos+1: a separator at pos would be an empty chunk,
		// which only a "show version" of the caller's own produces.
		i := indexAtLineStart(raw, sep, pos+1)
		if i < 0 {
			return nil, &FramingError{cmds, raw, fmt.Sprintf("found %d of %d answers", len(answers), len(cmds))}
		}
		answers = append(answers, trimAnswer(raw[pos:i]))
		pos = i + len(sep)
		if len(answers) == len(cmds) && pos != len(raw) {
			return nil, &FramingError{cmds, raw, "unexpected text after the last answer"}
		}
	}
	return answers, nil
}

// indexAtLineStart finds sep at or after from where it starts a line.
func indexAtLineStart(s, sep string, from int) int {
	for from <= len(s) {
		j := strings.Index(s[from:], sep)
		if j < 0 {
			return -1
		}
		if k := from + j; k == 0 || s[k-1] == '\n' {
			return k
		}
		from += j + 1
	}
	return -1
}

// splitBlankLines is the framing of HAProxy before 2.6: an answer ends at
// its first empty line, an empty answer is a lone "\n". Messages without a
// trailing newline (see the package doc) make it miscount, which the final
// count check turns into a FramingError rather than a wrong attribution.
func splitBlankLines(raw string, cmds []string) ([]string, error) {
	answers := make([]string, 0, len(cmds))
	pos := 0
	for pos < len(raw) {
		if raw[pos] == '\n' {
			answers = append(answers, "")
			pos++
			continue
		}
		end := strings.Index(raw[pos:], "\n\n")
		if end < 0 {
			return nil, &FramingError{cmds, raw, "answer without its end-of-answer line"}
		}
		answers = append(answers, raw[pos:pos+end])
		pos += end + 2
	}
	if len(answers) != len(cmds) {
		return nil, &FramingError{cmds, raw, fmt.Sprintf("got %d answers", len(answers))}
	}
	return answers, nil
}
