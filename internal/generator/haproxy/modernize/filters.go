package modernize

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
)

// direction is what a req* or rsp* filter becomes.
type direction struct {
	action, fetch string
	late, last    class
}

var (
	request  = direction{action: "http-request", fetch: "req.fhdr", late: reqLate, last: reqLast}
	response = direction{action: "http-response", fetch: "res.fhdr", late: rspLate, last: rspLast}
)

var headerName = regexp.MustCompile(`^[A-Za-z0-9!#$&*+.^_|~-]+$`)

// args returns the filter's n arguments and its condition, which must be
// empty or start with if/unless.
func args(c *lineCtx, n int) ([]string, string, error) {
	if len(c.words) < n+1 {
		return nil, "", fmt.Errorf("%s wants %d argument(s)", c.words[0].text, n)
	}
	out := make([]string, n)
	for i := range out {
		out[i] = c.words[i+1].text
	}
	cond := c.rest(n + 1)
	if cond != "" && !strings.HasPrefix(cond, "if ") && !strings.HasPrefix(cond, "unless ") {
		return nil, "", fmt.Errorf("unexpected %q after the arguments", cond)
	}
	return out, cond, nil
}

func withCond(s, cond string) string {
	if cond == "" {
		return s
	}
	return s + " " + cond
}

// headerRegex reads a regex of the form ^Name:rest, as 1.x matched it
// against one header line; ok is false for any other form.
func headerRegex(re string) (name, rest string, ok bool) {
	if !strings.HasPrefix(re, "^") {
		return "", "", false
	}
	colon := strings.IndexByte(re, ':')
	if colon < 0 {
		return "", "", false
	}
	name = strings.ReplaceAll(re[1:colon], `\-`, "-")
	if !headerName.MatchString(name) || strings.ContainsAny(name, ".^$*+|") {
		return "", "", false
	}
	return name, re[colon+1:], true
}

// anyValue reports whether rest (after "Name:") matches every value.
func anyValue(rest string) bool {
	switch rest {
	case "", ".*", " .*", ".*$":
		return true
	}
	return false
}

// valueRegex turns the part after "Name:" into a regex on the value as
// 2.x sees it (without the blank after the colon): exact when the old
// regex asked for exactly one space there, as every sender writes.
func valueRegex(rest string) (string, error) {
	v, ok := strings.CutPrefix(rest, " ")
	if !ok || v == "" || strings.ContainsAny(v[:1], " *+?{") {
		return "", fmt.Errorf("the part after the header name must start with one escaped space (\"\\ \"), not %q", rest)
	}
	return "^" + v, nil
}

func addHeader(d direction) func(*lineCtx) (*change, error) {
	return func(c *lineCtx) (*change, error) {
		a, cond, err := args(c, 1)
		if err != nil {
			return nil, err
		}
		name, value, ok := strings.Cut(a[0], ":")
		if !ok || !headerName.MatchString(name) {
			return nil, fmt.Errorf("%q is not a \"Name: value\" header line", a[0])
		}
		v, err := quote(logFormat(strings.TrimLeft(value, " \t")))
		if err != nil {
			return nil, fmt.Errorf("header value %q: %w", value, err)
		}
		return one(withCond(d.action+" add-header "+name+" "+v, cond), d.last), nil
	}
}

func delHeader(d direction) func(*lineCtx) (*change, error) {
	return func(c *lineCtx) (*change, error) {
		a, cond, err := args(c, 1)
		if err != nil {
			return nil, err
		}
		name, rest, ok := headerRegex(a[0])
		if ok && anyValue(rest) {
			return one(withCond(d.action+" del-header "+name, cond), d.late), nil
		}
		// ^Name without the colon: every header whose name starts so.
		prefix, _ := strings.CutSuffix(strings.TrimPrefix(a[0], "^"), ".*")
		if strings.HasPrefix(a[0], "^") && headerName.MatchString(prefix) && !strings.ContainsAny(prefix, ".^$*+|") {
			if !c.target.AtLeast(2, 4) {
				return nil, fmt.Errorf("del-header -m beg needs HAProxy 2.4")
			}
			return one(withCond(d.action+" del-header "+prefix+" -m beg", cond), d.late), nil
		}
		return nil, fmt.Errorf("only a regex naming one header (^Name: or ^Name:.*) has an exact equivalent (%s del-header Name), not %q", d.action, a[0])
	}
}

// verdict is req(i)deny, req(i)tarpit and rsp(i)deny on a header: the
// regex becomes an ACL on the header's whole value.
func verdict(d direction, verb string, icase bool) func(*lineCtx) (*change, error) {
	return func(c *lineCtx) (*change, error) {
		a, cond, err := args(c, 1)
		if err != nil {
			return nil, err
		}
		name, rest, ok := headerRegex(a[0])
		if !ok {
			return nil, fmt.Errorf("only a regex on one header (^Name:\\ value) maps to an ACL; write %s %s if <acl> for %q", d.action, verb, a[0])
		}
		acl := "{ " + d.fetch + "_cnt(" + name + ") gt 0 }"
		if !anyValue(rest) {
			re, err := valueRegex(rest)
			if err != nil {
				return nil, err
			}
			if re, err = quote(re); err != nil {
				return nil, err
			}
			flags := "-m reg "
			if icase {
				flags += "-i "
			}
			acl = "{ " + d.fetch + "(" + name + ") " + flags + re + " }"
		}
		full, err := andCond(acl, cond)
		if err != nil {
			return nil, err
		}
		return one(d.action+" "+verb+" "+full, d.late), nil
	}
}

var oneTerm = regexp.MustCompile(`^!?(\S+|\{[^{}]*\})$`)

// andCond is "if <acl>" combined with the filter's own condition.
func andCond(acl, cond string) (string, error) {
	kw, term, _ := strings.Cut(cond, " ")
	term = strings.TrimSpace(term)
	switch {
	case cond == "":
		return "if " + acl, nil
	case kw == "if" && !strings.Contains(" "+term+" ", " || ") && !strings.Contains(" "+term+" ", " or "):
		return "if " + acl + " " + term, nil
	case kw == "unless" && oneTerm.MatchString(term):
		if t, neg := strings.CutPrefix(term, "!"); neg {
			return "if " + acl + " " + t, nil
		}
		return "if " + acl + " !" + term, nil
	}
	return "", errors.New("its condition cannot be combined with the regex's ACL without changing its meaning")
}
