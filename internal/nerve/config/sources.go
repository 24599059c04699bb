package config

import (
	"cmp"
	"errors"
	"regexp"
	"slices"
	"strconv"

	"gopkg.in/yaml.v3"

	"github.com/smartstack-go/smartstack/internal/config"
)

// The main file, the service_conf_dir files and the overlay are merged into
// one node tree before decoding, as the original merges them into one hash,
// so that defaults, key paths and unknown-key warnings work across them. A
// config.Decoder names a single file, though; to still name the file each
// problem is in, the nodes of every file but the main one get their line
// numbers offset by lineStride times the file's index, and problems are
// mapped back when loading ends (sources.fix).
const lineStride = 1 << 20

type sources struct {
	files []string // index 0 is the main file
}

// add registers a file, and tags the lines of doc, parsed from it, if any.
// It returns the line offset of the file's nodes.
func (s *sources) add(file string, doc *yaml.Node) int {
	offset := len(s.files) * lineStride
	s.files = append(s.files, file)
	if offset > 0 && doc != nil {
		tag(doc, offset, map[*yaml.Node]bool{})
	}
	return offset
}

func tag(n *yaml.Node, offset int, seen map[*yaml.Node]bool) {
	if n == nil || seen[n] {
		return
	}
	seen[n] = true
	// A file longer than the stride keeps its lines in its own range, so
	// its problems still name the right file, if not the right line.
	n.Line = offset + min(n.Line, lineStride-1)
	for _, c := range n.Content {
		tag(c, offset, seen)
	}
}

// fileLine maps a tagged line back to its file and real line.
func (s *sources) fileLine(file string, line int) (string, int) {
	if line < lineStride {
		return file, line
	}
	if i := line / lineStride; i < len(s.files) {
		file = s.files[i]
	}
	return file, line % lineStride
}

var msgLine = regexp.MustCompile(`\bline (\d+)`)

// fixMsg rewrites tagged line numbers quoted inside messages, such as
// internal/config's "duplicate key, replaces the value at line N".
func fixMsg(msg string) string {
	return msgLine.ReplaceAllStringFunc(msg, func(m string) string {
		n, err := strconv.Atoi(m[len("line "):])
		if err != nil || n < lineStride {
			return m
		}
		return "line " + strconv.Itoa(n%lineStride)
	})
}

// sortKey orders problems by file, then line: a tagged line, or the line in
// the file an untagged problem names (parse errors of service files).
func (s *sources) sortKey(file string, line int) int {
	if line >= lineStride {
		return line
	}
	if i := slices.Index(s.files, file); i > 0 {
		return i*lineStride + line
	}
	return line
}

// fixErrors flattens err into *config.Error values, maps their lines back
// and sorts them by file and line (stable, so problems on one line keep
// their order). Errors that are not *config.Error are kept as they are.
func (s *sources) fixErrors(errs []error) error {
	type entry struct {
		key int
		err error
	}
	var all []entry
	for _, err := range config.Unjoin(errors.Join(errs...)) {
		key := 0
		var ce *config.Error
		if errors.As(err, &ce) {
			key = s.sortKey(ce.File, ce.Line)
			ce.File, ce.Line = s.fileLine(ce.File, ce.Line)
			ce.Msg = fixMsg(ce.Msg)
		}
		all = append(all, entry{key, err})
	}
	slices.SortStableFunc(all, func(a, b entry) int { return cmp.Compare(a.key, b.key) })
	out := make([]error, len(all))
	for i, e := range all {
		out[i] = e.err
	}
	return errors.Join(out...)
}

func (s *sources) fixWarnings(ws []config.Warning) []config.Warning {
	out := slices.Clone(ws)
	slices.SortStableFunc(out, func(a, b config.Warning) int {
		return cmp.Compare(s.sortKey(a.File, a.Line), s.sortKey(b.File, b.Line))
	})
	for i := range out {
		out[i].File, out[i].Line = s.fileLine(out[i].File, out[i].Line)
		out[i].Msg = fixMsg(out[i].Msg)
	}
	return out
}
