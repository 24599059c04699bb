package serveropt

import (
	"fmt"
	"strconv"
	"strings"
)

// Limits on the whole option string. HAProxy reads at most 64 words on a
// config line (and on a CLI command); the server line's own words (server,
// name, address, id, cookie, weight, disabled) and the service's
// server_options need the rest.
const (
	MaxTokens = 32
	MaxLen    = 512
)

// Options is a validated haproxy_server_options: keywords from the
// allow-list, each with its argument. The zero value is no options.
type Options struct {
	items []item
}

type item struct {
	kw, arg string // arg is "" for a flag
}

// Error names what made Parse or CheckMode refuse the options.
type Error struct {
	Keyword string // the keyword (or unknown token); "" for a bad byte
	Value   string // the refused argument, or the token with a bad byte
	Reason  string
}

const (
	prefix        = "haproxy_server_options: "
	reasonUnknown = "unknown server keyword"
)

func (e *Error) Error() string {
	switch {
	case e.Keyword == "":
		return fmt.Sprintf("%s%s in %q", prefix, e.Reason, e.Value)
	case e.Reason == reasonUnknown:
		return fmt.Sprintf("%s%s %q", prefix, e.Reason, e.Keyword)
	case e.Value != "":
		return fmt.Sprintf("%s%q %s, got %q", prefix, e.Keyword, e.Reason, e.Value)
	default:
		return fmt.Sprintf("%s%q %s", prefix, e.Keyword, e.Reason)
	}
}

// Parse tokenises s (split on spaces and TABs, as HAProxy's config parser
// does) and checks every keyword and its argument against the allow-list.
// An empty or blank s gives empty Options. A keyword may come more than
// once: HAProxy applies the last, and Arg reports that one.
func Parse(s string) (Options, error) {
	if err := checkBytes(s); err != nil {
		return Options{}, err
	}
	words := strings.FieldsFunc(s, func(r rune) bool { return r == ' ' || r == '\t' })
	if len(words) > MaxTokens {
		return Options{}, &Error{Value: s, Reason: "too many words (" + strconv.Itoa(len(words)) + ", at most " + strconv.Itoa(MaxTokens) + ")"}
	}
	var o Options
	for i := 0; i < len(words); i++ {
		name := words[i]
		kw, ok := keywords[name]
		if !ok {
			reason, known := excluded[name]
			if !known {
				reason = reasonUnknown
			}
			return Options{}, &Error{Keyword: name, Reason: reason}
		}
		if kw.since.after(oldest) {
			return Options{}, &Error{Keyword: name, Reason: "needs HAProxy " + kw.since.String() + " or later, and " + oldest.String() + " is still supported"}
		}
		it := item{kw: name}
		if kw.arg != nil {
			if i+1 == len(words) {
				return Options{}, &Error{Keyword: name, Reason: "wants " + kw.arg.want + ", got nothing"}
			}
			i++
			if !kw.arg.ok(words[i]) {
				return Options{}, &Error{Keyword: name, Value: words[i], Reason: "wants " + kw.arg.want}
			}
			it.arg = words[i]
		}
		o.items = append(o.items, it)
	}
	if err := o.checkNeeds(); err != nil {
		return Options{}, err
	}
	return o, nil
}

// checkBytes refuses what would end a line or a command, start a comment,
// quote, escape or expand something in HAProxy's config or CLI parsers,
// before any word is looked at, so the error shows the raw token.
func checkBytes(s string) error {
	if len(s) > MaxLen {
		return &Error{Value: s[:40] + "...", Reason: "too long (" + strconv.Itoa(len(s)) + " bytes, at most " + strconv.Itoa(MaxLen) + ")"}
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == ' ' || c == '\t' || (c > ' ' && c < 0x7f && strings.IndexByte("#;\"'\\$`", c) < 0) {
			continue
		}
		reason := fmt.Sprintf("forbidden byte %q", rune(c))
		if c >= 0x80 {
			reason = fmt.Sprintf("forbidden byte 0x%02x", c)
		}
		return &Error{Value: tokenAt(s, i), Reason: reason}
	}
	return nil
}

// tokenAt is the space- or TAB-separated word around s[i].
func tokenAt(s string, i int) string {
	start := strings.LastIndexAny(s[:i], " \t") + 1
	end := strings.IndexAny(s[i:], " \t")
	if end < 0 {
		return s[start:]
	}
	return s[start : i+end]
}

// checkNeeds refuses a keyword HAProxy refuses without its companion.
func (o Options) checkNeeds() error {
	for _, it := range o.items {
		kw := keywords[it.kw]
		if kw.needs != "" && !o.Has(kw.needs) {
			return &Error{Keyword: it.kw, Reason: "needs " + strconv.Quote(kw.needs) + " too: " + kw.needsWhy}
		}
	}
	return nil
}

// CheckMode reports the first keyword that the options carry and a backend
// of the given mode ("http", "tcp") cannot take: redir, proto and
// "observe layer7" need mode http.
func (o Options) CheckMode(mode string) error {
	if mode == "http" {
		return nil
	}
	for _, it := range o.items {
		kw := keywords[it.kw]
		why := "needs a mode http backend, this one is mode " + strconv.Quote(mode)
		if kw.http {
			return &Error{Keyword: it.kw, Reason: why}
		}
		if kw.httpArg != "" && kw.httpArg == it.arg {
			return &Error{Keyword: it.kw, Value: it.arg, Reason: "with this value " + why}
		}
	}
	return nil
}

// StaticOnly returns the first keyword of the options that HAProxy 2.6 to
// 2.8 refuse on the runtime API's "add server", "" when there is none: a
// server with such options can only be added by a reload.
func (o Options) StaticOnly() string {
	for _, it := range o.items {
		if staticOnly[it.kw] {
			return it.kw
		}
	}
	return ""
}

// Tokens returns the words, keywords and arguments in order.
func (o Options) Tokens() []string {
	out := make([]string, 0, 2*len(o.items))
	for _, it := range o.items {
		out = append(out, it.kw)
		if it.arg != "" {
			out = append(out, it.arg)
		}
	}
	return out
}

// String joins the tokens with single spaces; "" for no options.
func (o Options) String() string { return strings.Join(o.Tokens(), " ") }

// Has reports whether keyword is one of the options.
func (o Options) Has(keyword string) bool {
	_, _, found := o.find(keyword)
	return found
}

// Arg returns the argument of keyword, e.g. "5" for "id 5". When the
// keyword comes more than once it is the last one's, the one HAProxy
// applies. ok is false when the keyword is absent or a flag.
func (o Options) Arg(keyword string) (string, bool) {
	arg, hasArg, _ := o.find(keyword)
	return arg, hasArg
}

func (o Options) find(keyword string) (arg string, hasArg, found bool) {
	for i := len(o.items) - 1; i >= 0; i-- {
		if it := o.items[i]; it.kw == keyword {
			return it.arg, it.arg != "", true
		}
	}
	return "", false, false
}

// Without returns the options minus every occurrence of the keywords, for
// a caller whose own value wins (a nerve weight over "weight"). Dropping a
// keyword another one needs (verify, agent-port) would leave options
// HAProxy refuses; Without is meant for weight, id, cookie and the like.
func (o Options) Without(keywords ...string) Options {
	var out Options
	for _, it := range o.items {
		drop := false
		for _, k := range keywords {
			drop = drop || it.kw == k
		}
		if !drop {
			out.items = append(out.items, it)
		}
	}
	return out
}
