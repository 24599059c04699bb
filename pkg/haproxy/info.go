package haproxy

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// Version is an HAProxy version such as "2.6.12-1+deb12u3". Raw keeps the
// whole string; the numbers are what comparisons use.
type Version struct {
	Major, Minor, Patch int
	Raw                 string
}

// ParseVersion reads the leading "major.minor[.patch]" of s; anything after
// it ("-1+deb12u3", "-dev13") is kept only in Raw.
func ParseVersion(s string) (Version, error) {
	end := strings.IndexFunc(s, func(r rune) bool { return r != '.' && (r < '0' || r > '9') })
	if end < 0 {
		end = len(s)
	}
	parts := strings.Split(strings.TrimSuffix(s[:end], "."), ".")
	if len(parts) < 2 {
		return Version{}, fmt.Errorf("haproxy version %q: want major.minor", s)
	}
	nums := [3]int{}
	for i := 0; i < len(parts) && i < 3; i++ {
		n, err := strconv.Atoi(parts[i])
		if err != nil {
			return Version{}, fmt.Errorf("haproxy version %q: %w", s, err)
		}
		nums[i] = n
	}
	return Version{Major: nums[0], Minor: nums[1], Patch: nums[2], Raw: s}, nil
}

// Compare orders versions by major, minor, patch; Raw is ignored.
func (v Version) Compare(o Version) int {
	return cmp.Or(cmp.Compare(v.Major, o.Major), cmp.Compare(v.Minor, o.Minor), cmp.Compare(v.Patch, o.Patch))
}

// AtLeast reports whether v is major.minor or newer, e.g. AtLeast(2, 4) for
// dynamic servers.
func (v Version) AtLeast(major, minor int) bool {
	return v.Compare(Version{Major: major, Minor: minor}) >= 0
}

func (v Version) String() string {
	if v.Raw != "" {
		return v.Raw
	}
	return fmt.Sprintf("%d.%d.%d", v.Major, v.Minor, v.Patch)
}

// Info is "show info": the fields callers branch on, and every field in Raw.
type Info struct {
	Name    string // "HAProxy"
	Version Version
	PID     int // the worker's pid
	Raw     map[string]string
}

// ShowInfo runs "show info" and parses it.
func (c *Client) ShowInfo(ctx context.Context) (Info, error) {
	answer, err := c.Run(ctx, "show info")
	if err != nil {
		return Info{}, err
	}
	return ParseInfo(answer)
}

// ParseInfo parses "Key: value" lines. Lines without ": " are skipped and
// reported; a missing or unreadable Version or Pid is an error too, with
// whatever was read still returned.
func ParseInfo(data string) (Info, error) {
	info := Info{Raw: map[string]string{}}
	var errs []error
	for i, line := range strings.Split(data, "\n") {
		if line == "" {
			continue
		}
		k, v, ok := strings.Cut(line, ": ")
		if !ok {
			errs = append(errs, &ParseError{Line: i + 1, Text: line, Err: errors.New("no 'key: value'")})
			continue
		}
		info.Raw[k] = v
	}
	info.Name = info.Raw["Name"]
	var err error
	if info.Version, err = ParseVersion(info.Raw["Version"]); err != nil {
		errs = append(errs, &ParseError{Text: info.Raw["Version"], Err: err})
	}
	if info.PID, err = strconv.Atoi(info.Raw["Pid"]); err != nil {
		errs = append(errs, &ParseError{Text: info.Raw["Pid"], Err: fmt.Errorf("pid: %w", err)})
	}
	return info, errors.Join(errs...)
}
