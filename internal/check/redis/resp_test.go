package redis

import (
	"bufio"
	"io"
	"net"
	"strings"
	"testing"
	"time"
)

func TestCommandEncoding(t *testing.T) {
	if got, want := string(ping), "*1\r\n$4\r\nPING\r\n"; got != want {
		t.Fatalf("PING encoded %q, want %q", got, want)
	}
	if got, want := string(exists), "*2\r\n$6\r\nEXISTS\r\n$25\r\nnerve-redis-service-check\r\n"; got != want {
		t.Fatalf("EXISTS encoded %q, want %q", got, want)
	}
}

// TestReplies feeds reply bytes through a pipe: a unit test of the parser,
// the real server is in redis_test.go.
func TestReplies(t *testing.T) {
	tests := []struct {
		name, reply string
		ok          func([]byte) error
		wantErr     string
	}{
		{"pong", "+PONG\r\n", isPong, ""},
		{"other status", "+OK\r\n", isPong, `unexpected reply "+OK", want +PONG`},
		{"error reply", "-NOAUTH Authentication required.\r\n", isPong, "server error: NOAUTH Authentication required."},
		{"zero", ":0\r\n", isInteger, ""},
		{"one", ":1\r\n", isInteger, ""},
		{"not a number", ":x\r\n", isInteger, `unexpected reply ":x", want an integer`},
		{"bulk instead of integer", "$1\r\n", isInteger, `unexpected reply "$1", want an integer`},
		{"bare LF accepted", ":1\n", isInteger, ""},
		{"endless line", strings.Repeat("+", 2000), isPong, "reply longer than 512 bytes"},
		{"connection closed", "+PO", isPong, "read reply: EOF"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			client, server := net.Pipe()
			defer client.Close()
			go func() {
				defer server.Close()
				_, _ = io.ReadFull(server, make([]byte, len(ping)))
				_, _ = server.Write([]byte(tc.reply))
			}()
			s := session{conn: client, br: bufio.NewReaderSize(client, 512), timeout: time.Second}
			err := s.do(ping, tc.ok)
			if tc.wantErr == "" {
				if err != nil {
					t.Fatalf("want ok, got %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("got %v, want an error containing %q", err, tc.wantErr)
			}
		})
	}
}
