package modernize

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	hapi "github.com/smartstack-go/smartstack/pkg/haproxy"
)

const (
	label1x = "HAProxy 1.x syntax"
	label2x = "deprecated HAProxy syntax"
)

// rule is one removed form: the leading words it is known by, the section
// kinds it is looked for in, the version from which it is translated
// (from) and the one that refuses it (removed).
type rule struct {
	words         []string
	kinds         []Kind // nil: every proxy kind
	from, removed string
	era2x         bool // deprecated during 2.x rather than 1.x syntax
	// needs is a word the line must also hold for the rule to apply.
	needs string
	apply func(*lineCtx) (*change, error)
}

func (r *rule) label() string {
	if r.era2x {
		return label2x
	}
	return label1x
}

// lineCtx is the line a rule applies to.
type lineCtx struct {
	target hapi.Version
	kind   Kind
	raw    string
	words  []word
}

// rest is the raw text after the first n words, as written.
func (c *lineCtx) rest(n int) string {
	if n >= len(c.words) {
		return ""
	}
	return strings.TrimSpace(c.raw[c.words[n].start:])
}

// change is what a line becomes; no lines means it is left out, and note
// says why.
type change struct {
	lines []outLine
	note  string
}

func one(text string, cl class) *change { return &change{lines: []outLine{{text: text, class: cl}}} }

func dropped(note string) *change { return &change{note: note} }

// rename replaces the first n words by to, keeping the rest as written.
func rename(n int, to string) func(*lineCtx) (*change, error) {
	return func(c *lineCtx) (*change, error) {
		return one(strings.TrimSpace(to+" "+c.rest(n)), plain), nil
	}
}

// bare is rename for a keyword that takes no arguments; with some it is
// not the removed form, and left alone.
func bare(to string) func(*lineCtx) (*change, error) {
	return func(c *lineCtx) (*change, error) {
		if len(c.words) != 1 {
			return nil, nil
		}
		return one(to, plain), nil
	}
}

func drop(note string) func(*lineCtx) (*change, error) {
	return func(*lineCtx) (*change, error) { return dropped(note), nil }
}

func refuse(reason string) func(*lineCtx) (*change, error) {
	return func(*lineCtx) (*change, error) { return nil, errors.New(reason) }
}

var globalOnly = []Kind{Global}

// rules are the removed forms found in real SmartStack configs, from
// HAProxy's own list of removed keywords.
var rules = []rule{
	{words: []string{"contimeout"}, from: "2.0", removed: "2.1", apply: rename(1, "timeout connect")},
	{words: []string{"clitimeout"}, from: "2.0", removed: "2.1", apply: rename(1, "timeout client")},
	{words: []string{"srvtimeout"}, from: "2.0", removed: "2.1", apply: rename(1, "timeout server")},
	{words: []string{"timeout", "contimeout"}, from: "2.0", removed: "2.1", apply: rename(2, "timeout connect")},
	{words: []string{"timeout", "clitimeout"}, from: "2.0", removed: "2.1", apply: rename(2, "timeout client")},
	{words: []string{"timeout", "srvtimeout"}, from: "2.0", removed: "2.1", apply: rename(2, "timeout server")},
	{words: []string{"redispatch"}, from: "2.0", removed: "2.1", apply: bare("option redispatch")},
	{words: []string{"redisp"}, from: "2.0", removed: "2.1", apply: bare("option redispatch")},
	{words: []string{"option", "forceclose"}, from: "2.0", removed: "2.5", apply: rename(2, "option httpclose")},
	{words: []string{"no", "option", "forceclose"}, from: "2.0", removed: "2.5", apply: rename(3, "no option httpclose")},
	{words: []string{"option", "independant-streams"}, from: "2.0", removed: "2.1", apply: rename(2, "option independent-streams")},
	{words: []string{"no", "option", "independant-streams"}, from: "2.0", removed: "2.1", apply: rename(3, "no option independent-streams")},
	{words: []string{"option", "http-tunnel"}, from: "2.1", removed: "2.5", apply: drop("it has no effect since HAProxy 2.1, which analyses every request")},
	{words: []string{"no", "option", "http-tunnel"}, from: "2.1", removed: "2.5", apply: drop("it has no effect since HAProxy 2.1, which analyses every request")},
	{words: []string{"option", "http-use-htx"}, from: "2.1", removed: "2.5", era2x: true, apply: drop("HTX is the only mode since HAProxy 2.1")},
	{words: []string{"no", "option", "http-use-htx"}, from: "2.1", removed: "2.5", era2x: true, apply: drop("HTX is the only mode since HAProxy 2.1")},
	{words: []string{"block"}, from: "2.0", removed: "2.1", apply: block},
	{words: []string{"reqpass"}, from: "2.0", removed: "2.1", apply: drop("it never changed anything in HAProxy 1.x")},
	{words: []string{"reqipass"}, from: "2.0", removed: "2.1", apply: drop("it never changed anything in HAProxy 1.x")},
	{words: []string{"reqadd"}, from: "2.0", removed: "2.1", apply: addHeader(request)},
	{words: []string{"rspadd"}, from: "2.0", removed: "2.1", apply: addHeader(response)},
	{words: []string{"reqdel"}, from: "2.0", removed: "2.1", apply: delHeader(request)},
	{words: []string{"reqidel"}, from: "2.0", removed: "2.1", apply: delHeader(request)},
	{words: []string{"rspdel"}, from: "2.0", removed: "2.1", apply: delHeader(response)},
	{words: []string{"rspidel"}, from: "2.0", removed: "2.1", apply: delHeader(response)},
	{words: []string{"reqrep"}, from: "2.0", removed: "2.1", apply: replace(request, false)},
	{words: []string{"reqirep"}, from: "2.0", removed: "2.1", apply: replace(request, true)},
	{words: []string{"rsprep"}, from: "2.0", removed: "2.1", apply: replace(response, false)},
	{words: []string{"rspirep"}, from: "2.0", removed: "2.1", apply: replace(response, true)},
	{words: []string{"reqdeny"}, from: "2.0", removed: "2.1", apply: verdict(request, "deny", false)},
	{words: []string{"reqideny"}, from: "2.0", removed: "2.1", apply: verdict(request, "deny", true)},
	{words: []string{"reqtarpit"}, from: "2.0", removed: "2.1", apply: verdict(request, "tarpit", false)},
	{words: []string{"reqitarpit"}, from: "2.0", removed: "2.1", apply: verdict(request, "tarpit", true)},
	{words: []string{"rspdeny"}, from: "2.0", removed: "2.1", apply: verdict(response, "deny", false)},
	{words: []string{"rspideny"}, from: "2.0", removed: "2.1", apply: verdict(response, "deny", true)},
	{words: []string{"reqallow"}, from: "2.0", removed: "2.1", apply: refuse(allowReason)},
	{words: []string{"reqiallow"}, from: "2.0", removed: "2.1", apply: refuse(allowReason)},
	{words: []string{"reqsetbe"}, from: "2.0", removed: "1.6", apply: refuse("use \"use_backend <backend> if <acl>\"")},
	{words: []string{"reqisetbe"}, from: "2.0", removed: "1.6", apply: refuse("use \"use_backend <backend> if <acl>\"")},
	{words: []string{"appsession"}, from: "2.0", removed: "1.6", apply: refuse("use \"cookie\" or a stick table")},
	{words: []string{"monitor-net"}, from: "2.3", removed: "2.3", apply: refuse("\"http-request return status 200 if { src <net> }\" answers later (after other rules) and is logged")},
	{words: []string{"mode", "health"}, from: "2.3", removed: "2.3", apply: refuse("\"mode http\" with \"http-request return status 200\" answers HTTP, not a bare OK")},
	{words: []string{"grace"}, from: "2.5", removed: "2.5", era2x: true, apply: refuse("HAProxy has no per-proxy grace period any more")},
	{words: []string{"option", "http_proxy"}, from: "2.5", removed: "2.5", era2x: true, apply: refuse("use http-request set-dst/set-uri or do-resolve")},
	{words: []string{"bind-process"}, from: "2.5", removed: "2.7", era2x: true, apply: drop("it has no effect since HAProxy 2.5, which runs one process")},
	{words: []string{"bind"}, needs: "process", from: "2.5", removed: "2.7", era2x: true, apply: dropProcess},
	{words: []string{"stats", "socket"}, kinds: globalOnly, needs: "process", from: "2.5", removed: "2.7", era2x: true, apply: dropProcess},
	{words: []string{"nbproc"}, kinds: globalOnly, from: "2.5", removed: "2.5", era2x: true, apply: nbproc},
	{words: []string{"stats", "bind-process"}, kinds: globalOnly, from: "2.5", removed: "2.7", era2x: true, apply: drop("it has no effect since HAProxy 2.5, which runs one process")},
	{words: []string{"debug"}, kinds: globalOnly, from: "2.3", removed: "2.3", era2x: true, apply: refuse("start HAProxy with -d instead")},
	{words: []string{"tune.chksize"}, kinds: globalOnly, from: "2.5", removed: "2.5", era2x: true, apply: drop("HAProxy uses tune.bufsize for checks")},
	{words: []string{"tune.ssl.capture-cipherlist-size"}, kinds: globalOnly, from: "2.6", removed: "2.7", era2x: true, apply: rename(1, "tune.ssl.capture-buffer-size")},
}

const allowReason = "\"http-request allow\" also skips every later http-request rule, where 1.x still applied the rewrites after reqallow"

// find returns the rule for raw in a section of kind for target, with the
// line's words; nil when no rule applies. err is a line the rule cannot
// read.
func find(target hapi.Version, kind Kind, raw string) (*rule, []word, error) {
	fields := strings.Fields(raw)
	for i := range rules {
		r := &rules[i]
		if len(fields) < len(r.words) || !slices.Equal(fields[:len(r.words)], r.words) {
			continue
		}
		if r.needs != "" && !slices.Contains(fields, r.needs) {
			continue
		}
		if (r.kinds == nil && !kind.proxy()) || (r.kinds != nil && !slices.Contains(r.kinds, kind)) {
			continue
		}
		if !target.AtLeast(parseVersion(r.from)) {
			return nil, nil, nil
		}
		words, err := splitWords(raw)
		return r, words, err
	}
	return nil, nil, nil
}

// block is `block if|unless <cond>`: 1.x ran it before every http-request
// rule, so it goes first.
func block(c *lineCtx) (*change, error) {
	cond := c.rest(1)
	if !strings.HasPrefix(cond, "if ") && !strings.HasPrefix(cond, "unless ") {
		return nil, errors.New("block needs an if or unless condition")
	}
	return one("http-request deny "+cond, reqFirst), nil
}

func nbproc(c *lineCtx) (*change, error) {
	if len(c.words) == 2 && c.words[1].text == "1" {
		return dropped("HAProxy 2.5 and later always run one process"), nil
	}
	n, err := strconv.Atoi(c.rest(1))
	if err != nil {
		return nil, fmt.Errorf("nbproc wants a number")
	}
	return nil, fmt.Errorf("HAProxy 2.5 runs one process; %d processes have no equivalent (nbthread %d is the nearest)", n, n)
}

// dropProcess removes "process 1" (or "all") from a bind or stats socket
// line: with the single process of HAProxy 2.5 and later it selects what
// runs anyway. Another process number is left to the user.
func dropProcess(c *lineCtx) (*change, error) {
	for i := 1; i+1 < len(c.words); i++ {
		if c.words[i].text != "process" {
			continue
		}
		if v := c.words[i+1].text; v != "1" && v != "all" {
			return nil, fmt.Errorf("process %s has no equivalent in a single process", v)
		}
		kept := strings.TrimRight(c.raw[:c.words[i].start], " \t")
		if i+2 < len(c.words) {
			kept += " " + c.raw[c.words[i+2].start:]
		}
		return one(strings.TrimSpace(kept), plain), nil
	}
	return nil, nil
}
