package modernize

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
)

// methodGroup is the leading group of a request-line regex that matches
// the method and cannot match a header name (it stops at ':').
var methodGroup = regexp.MustCompile(`^\^\((\[\^ :\]|\[\^: \]|\[A-Z\])[*+]\) `)

// literalPath is a path prefix with no wildcard: the old regex could not
// reach past the path into the query or the HTTP version with it.
var literalPath = regexp.MustCompile(`^/([A-Za-z0-9/_~=&,;:@!-]|\\[.?\-/+_~])*$`)

var literalRepl = regexp.MustCompile(`^/[A-Za-z0-9/_~.=&,;:@!?-]*$`)

// replace is reqrep, reqirep, rsprep and rspirep. 1.x replaced the whole
// matching line (request line or one header line) by the replacement.
func replace(d direction, icase bool) func(*lineCtx) (*change, error) {
	return func(c *lineCtx) (*change, error) {
		a, cond, err := args(c, 2)
		if err != nil {
			return nil, err
		}
		re, repl := a[0], a[1]
		prefix := ""
		if icase {
			prefix = "(?i)"
		}
		if name, rest, ok := headerRegex(re); ok {
			return replaceHeader(d, name, rest, repl, prefix, cond)
		}
		if d == request {
			if m := methodGroup.FindString(re); m != "" {
				return replacePath(c, re[len(m):], repl, prefix, cond)
			}
		}
		return nil, errors.New("only rewrites of one header's value (^Name:\\ regex Name:\\ value) or of the path behind the method (^([^\\ :]*)\\ /prefix(.*) \\1\\ /new\\2) have an exact equivalent")
	}
}

func replaceHeader(d direction, name, rest, repl, prefix, cond string) (*change, error) {
	re, err := valueRegex(rest)
	if err != nil {
		return nil, err
	}
	n, value, ok := strings.Cut(repl, ":")
	if !ok || !strings.EqualFold(n, name) {
		return nil, fmt.Errorf("the replacement %q does not keep the header %s (renaming a header has no exact equivalent)", repl, name)
	}
	value, ok = strings.CutPrefix(value, " ")
	if !ok || strings.HasPrefix(value, " ") {
		return nil, fmt.Errorf("the replacement %q must have one space after the colon", repl)
	}
	qre, err := quote(prefix + re)
	if err != nil {
		return nil, err
	}
	qv, err := quote(logFormat(value))
	if err != nil {
		return nil, err
	}
	return one(withCond(d.action+" replace-header "+name+" "+qre+" "+qv, cond), d.late), nil
}

// replacePath is a request-line rewrite that keeps the method and only
// changes a literal path prefix: "<method> /old<rest>" to
// "<method> /new<rest>", where <rest> (the trailing (.*)) carried the
// rest of the path, the query and the version unchanged.
func replacePath(c *lineCtx, path, repl, prefix, cond string) (*change, error) {
	old, ok := strings.CutSuffix(path, "(.*)")
	if !ok || !literalPath.MatchString(old) {
		return nil, fmt.Errorf("only a literal path prefix followed by (.*) has an exact equivalent, not %q", path)
	}
	newPath, ok := strings.CutPrefix(repl, `\1 `)
	if ok {
		newPath, ok = strings.CutSuffix(newPath, `\2`)
	}
	if !ok || !literalRepl.MatchString(newPath) {
		return nil, fmt.Errorf("the replacement must be \\1\\ /new-prefix\\2, not %q", repl)
	}
	action, since := "replace-path", 2
	if strings.Contains(old, `\?`) {
		action, since = "replace-pathq", 3
	}
	if !c.target.AtLeast(2, since) {
		return nil, fmt.Errorf("http-request %s needs HAProxy 2.%d", action, since)
	}
	qre, err := quote(prefix + "^" + old + "(.*)")
	if err != nil {
		return nil, err
	}
	qrepl, err := quote(logFormat(newPath) + `\1`)
	if err != nil {
		return nil, err
	}
	return one(withCond("http-request "+action+" "+qre+" "+qrepl, cond), reqLate), nil
}
