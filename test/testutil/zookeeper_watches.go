package testutil

import (
	"bufio"
	"fmt"
	"strings"
)

// FourLetter sends a four-letter-word command (the test servers allow all of
// them) to member i and returns the reply.
func (z *ZooKeeper) FourLetter(i int, cmd string) (string, error) {
	return zkFourLetter(z.nodes[i].addr(), cmd)
}

// SessionWatches returns the paths member i holds data-side watches on for
// session sessionID (`wchc`). ZooKeeper lists the data-watch table only:
// getData/exists watches and persistent (recursive) watches, each once;
// getChildren watches do not appear.
func (z *ZooKeeper) SessionWatches(i int, sessionID int64) ([]string, error) {
	out, err := z.FourLetter(i, "wchc")
	if err != nil {
		return nil, err
	}
	return parseWchc(out, sessionID)
}

// parseWchc picks one session's paths out of a `wchc` reply: a line
// "0x<session id>" followed by one tab-indented path per line.
func parseWchc(out string, sessionID int64) ([]string, error) {
	if strings.Contains(out, "not executed") {
		return nil, fmt.Errorf("wchc refused: %s", strings.TrimSpace(out))
	}
	want := fmt.Sprintf("0x%x", sessionID)
	var paths []string
	in := false
	sc := bufio.NewScanner(strings.NewReader(out))
	for sc.Scan() {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, "0x"):
			in = strings.TrimSpace(line) == want
		case in && strings.TrimSpace(line) != "":
			paths = append(paths, strings.TrimSpace(line))
		}
	}
	return paths, sc.Err()
}
