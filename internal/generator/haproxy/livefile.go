package haproxy

import (
	"os"

	"github.com/smartstack-go/smartstack/internal/generator/haproxy/plan"
)

// liveConfig is haproxy.cfg's content as far as synapse compares it: the
// generation whose body (header line aside) the file holds, when it is
// one synapse wrote or found equal to one, else the file's text. Keeping
// the generation rather than its text keeps the config once: at 50,000
// servers the 3.4 MB text was held as render's lines, as the joined text
// and as the file's.
type liveConfig struct {
	res  *Result
	text string
}

// sameBody reports whether res's body is the file's.
func (c liveConfig) sameBody(res *Result) bool {
	if c.res != nil {
		return res.SameBody(c.res)
	}
	return res.BodyIs(c.text)
}

// layout is the file as the reload diff reads it: that of prev (the
// previous generation) when the file holds its body, as it almost always
// does, else the file read afresh.
func (c liveConfig) layout(prev *Result) plan.Config {
	switch {
	case c.res != nil:
		return c.res.Layout
	case prev != nil && prev.BodyIs(c.text):
		return prev.Layout
	}
	return plan.Split(StripHeader(c.text))
}

// liveFile is haproxy.cfg as synapse last read or installed it, with the
// file's identity then. At 50,000 servers re-reading the 3.4 MB file on
// every update, only to find what synapse itself wrote, was a fifth of the
// update after the runtime commands and most of its garbage.
type liveFile struct {
	liveConfig
	info os.FileInfo
}

// read returns the live config at path: the one remembered when the
// file is still the one it was taken from (same inode, size and mtime: an
// install renames a new inode into place, an edit in place changes the
// mtime), else the file read afresh.
func (l *liveFile) read(path string) (liveConfig, error) {
	fi, statErr := os.Stat(path)
	if statErr == nil && l.info != nil && os.SameFile(fi, l.info) &&
		fi.Size() == l.info.Size() && fi.ModTime().Equal(l.info.ModTime()) {
		return l.liveConfig, nil
	}
	text, err := readLive(path)
	if err != nil {
		*l = liveFile{}
		return liveConfig{}, err
	}
	l.remember(liveConfig{text: text}, fi, statErr)
	return l.liveConfig, nil
}

// installed records c as the file just written at path.
func (l *liveFile) installed(path string, c liveConfig) {
	fi, err := os.Stat(path)
	l.remember(c, fi, err)
}

// holds records that the unchanged file holds res's body (its header
// line aside): the text read from it, or the older generation, can go.
func (l *liveFile) holds(res *Result) {
	if l.info != nil {
		l.liveConfig = liveConfig{res: res}
	}
}

func (l *liveFile) remember(c liveConfig, fi os.FileInfo, err error) {
	if err != nil {
		*l = liveFile{}
		return
	}
	*l = liveFile{liveConfig: c, info: fi}
}
