package testutil

import (
	"fmt"
	"regexp"
	"strconv"
)

// SessionReceived returns the packets member i has received on the
// connection of session sessionID (`cons`: its current connection only, so
// the count starts again at every reconnect; the connect request, pings and
// four-letter words of other connections included or not accordingly).
func (z *ZooKeeper) SessionReceived(i int, sessionID int64) (int64, error) {
	out, err := z.FourLetter(i, "cons")
	if err != nil {
		return 0, err
	}
	re := regexp.MustCompile(`recved=(\d+),sent=\d+,sid=0x` + strconv.FormatUint(uint64(sessionID), 16) + `,`)
	m := re.FindStringSubmatch(out)
	if m == nil {
		return 0, fmt.Errorf("no connection of session %x in cons:\n%s", sessionID, out)
	}
	return strconv.ParseInt(m[1], 10, 64)
}
