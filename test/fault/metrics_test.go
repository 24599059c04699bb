package fault

import (
	"bufio"
	"net/http"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

const syscallSIGHUP = syscall.SIGHUP

// metric sums the samples of name on synapse's /metrics whose labels
// contain every one of labels; 0 when there is none.
func (s *stack) metric(t *testing.T, name string, labels ...string) float64 {
	t.Helper()
	c := &http.Client{Timeout: 2 * time.Second}
	resp, err := c.Get("http://" + s.synMetrics + "/metrics")
	if err != nil {
		t.Fatalf("synapse metrics: %v", err)
	}
	defer resp.Body.Close()
	var sum float64
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		base, rest, _ := strings.Cut(line, "{")
		if strings.HasPrefix(line, "#") || (base != name && !strings.HasPrefix(line, name+" ")) {
			continue
		}
		ok := true
		for _, l := range labels {
			ok = ok && strings.Contains(rest, l)
		}
		i := strings.LastIndexByte(line, ' ')
		if v, err := strconv.ParseFloat(line[i+1:], 64); ok && err == nil {
			sum += v
		}
	}
	return sum
}
