package haproxy

import (
	"os"
)

// liveFile is haproxy.cfg as synapse last read or installed it, with the
// file's identity then. At 50,000 servers re-reading the 3.4 MB file on
// every update, only to find what synapse itself wrote, was a fifth of the
// update after the runtime commands and most of its garbage.
type liveFile struct {
	text string
	info os.FileInfo
}

// read returns the live config at path: the text remembered when the
// file is still the one it was taken from (same inode, size and mtime: an
// install renames a new inode into place, an edit in place changes the
// mtime), else the file read afresh.
func (l *liveFile) read(path string) (string, error) {
	fi, statErr := os.Stat(path)
	if statErr == nil && l.info != nil && os.SameFile(fi, l.info) &&
		fi.Size() == l.info.Size() && fi.ModTime().Equal(l.info.ModTime()) {
		return l.text, nil
	}
	text, err := readLive(path)
	if err != nil {
		*l = liveFile{}
		return "", err
	}
	l.remember(text, fi, statErr)
	return text, nil
}

// installed records text as the file just written at path.
func (l *liveFile) installed(path, text string) {
	fi, err := os.Stat(path)
	l.remember(text, fi, err)
}

func (l *liveFile) remember(text string, fi os.FileInfo, err error) {
	if err != nil {
		*l = liveFile{}
		return
	}
	*l = liveFile{text: text, info: fi}
}
