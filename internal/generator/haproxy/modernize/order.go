package modernize

import (
	"slices"
	"strings"
)

// class places a line among the request or response rules of its
// section. HAProxy 1.x ran a proxy's request processing in a fixed order
// whatever the file order: block, then http-request rules, then the req*
// filters in file order, then reqadd; responses: http-response rules, the
// rsp* filters, rspadd. 2.x runs http-request rules in file order, so the
// converted rules are placed in that order.
type class int

const (
	plain class = iota
	reqFirst
	reqNative
	reqLate
	reqLast
	rspNative
	rspLate
	rspLast
)

// outLine is a line to write and its place.
type outLine struct {
	text  string
	class class
}

func nativeClass(text string) class {
	f := strings.Fields(text)
	switch {
	case len(f) == 0:
		return plain
	case f[0] == "http-request":
		return reqNative
	case f[0] == "http-response":
		return rspNative
	}
	return plain
}

func group(c class) int {
	switch {
	case c >= reqFirst && c <= reqLast:
		return 1
	case c >= rspNative:
		return 2
	}
	return 0
}

// order writes each group of rules that holds a converted line in 1.x's
// order, at the place of the group's last line: every ACL the rules name
// is declared above it, as HAProxy requires.
func order(lines []outLine) []string {
	var converted [3]bool
	last := [3]int{-1, -1, -1}
	var members [3][]outLine
	for i, l := range lines {
		g := group(l.class)
		if g == 0 {
			continue
		}
		converted[g] = converted[g] || (l.class != reqNative && l.class != rspNative)
		last[g] = i
		members[g] = append(members[g], l)
	}
	out := make([]string, 0, len(lines))
	for i, l := range lines {
		g := group(l.class)
		if g == 0 || !converted[g] {
			out = append(out, l.text)
			continue
		}
		if i != last[g] {
			continue
		}
		sorted := slices.Clone(members[g])
		slices.SortStableFunc(sorted, func(a, b outLine) int { return int(a.class) - int(b.class) })
		for _, m := range sorted {
			out = append(out, m.text)
		}
	}
	return out
}
