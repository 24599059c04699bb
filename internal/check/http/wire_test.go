package http

import (
	"bufio"
	"context"
	"io"
	"net"
	"strings"
	"testing"
	"time"
)

// rawServer answers every connection with answer, after reading the
// request's head, and sends each head on heads.
func rawServer(t *testing.T, answer string) (url string, heads <-chan string) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	ch := make(chan string, 16)
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go serveRaw(c, answer, ch)
		}
	}()
	return "http://" + ln.Addr().String(), ch
}

func serveRaw(c net.Conn, answer string, heads chan<- string) {
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(5 * time.Second))
	br := bufio.NewReader(c)
	var head strings.Builder
	for {
		line, err := br.ReadString('\n')
		head.WriteString(line)
		if err != nil || line == "\r\n" {
			break
		}
	}
	heads <- head.String()
	_, _ = io.WriteString(c, answer)
}

func TestRequestOnTheWire(t *testing.T) {
	url, heads := rawServer(t, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok")
	c := build(t, url, "uri: /health?x=1\nheaders: {X-A: b}", time.Second)
	if err := c.Check(context.Background()); err != nil {
		t.Fatal(err)
	}
	head := <-heads
	host := strings.TrimPrefix(url, "http://")
	want := "GET /health?x=1 HTTP/1.1\r\nHost: " + host + "\r\nUser-Agent: smartstack-nerve\r\n" +
		"Connection: close\r\nAccept: */*\r\nX-A: b\r\n\r\n"
	if head != want {
		t.Fatalf("request head\n%q\nwant\n%q", head, want)
	}
}

func TestAnswers(t *testing.T) {
	tests := []struct {
		name, answer, yaml, wantErr string
	}{
		{"100 Continue is skipped", "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok", "expect: ok", ""},
		{"chunked body", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n", "expect: ok", ""},
		{"body until close", "HTTP/1.0 200 OK\r\n\r\nall good", "expect: good", ""},
		{"101 is not healthy", "HTTP/1.1 101 Switching Protocols\r\n\r\n", "", "status 101"},
		{"garbage", "SSH-2.0-OpenSSH_9.6\r\n", "", `read response: malformed HTTP response "SSH-2.0-OpenSSH_9.6"`},
		{"closed before answering", "", "", "read response: unexpected EOF"},
		{"short body", "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nok", "", "status 200: read body: unexpected EOF"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			url, _ := rawServer(t, tc.answer)
			err := build(t, url, "uri: /\n"+tc.yaml, time.Second).Check(context.Background())
			if tc.wantErr == "" {
				if err != nil {
					t.Fatalf("want healthy, got %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("got %v, want an error containing %q", err, tc.wantErr)
			}
		})
	}
}

// A body that never ends is read up to maxBody and the connection closed:
// the check must not drain it.
func TestEndlessBody(t *testing.T) {
	y := strings.Repeat("y", 64<<10)
	for _, tc := range []struct{ name, head, chunk string }{
		{"until the server closes", "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\n", y},
		{"a TiB announced", "HTTP/1.1 200 OK\r\nContent-Length: 1099511627776\r\n\r\n", y},
		{"endless chunks", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n", "10000\r\n" + y + "\r\n"},
	} {
		t.Run(tc.name, func(t *testing.T) { endlessBody(t, tc.head, tc.chunk) })
	}
}

func endlessBody(t *testing.T, head, chunk string) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		defer c.Close()
		_, _ = io.WriteString(c, head)
		for {
			if _, err := io.WriteString(c, chunk); err != nil {
				return
			}
		}
	}()
	done := make(chan error, 1)
	go func() {
		done <- build(t, "http://"+ln.Addr().String(), "uri: /", time.Second).Check(context.Background())
	}()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("want healthy (status 200), got %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("check still reading an endless body after 5 s")
	}
}
