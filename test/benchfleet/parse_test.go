package main

import (
	"strings"
	"testing"
)

const mntrSample = "zk_version\t3.8.0-debian--1, built on 2023-01-01 00:00 UTC\n" +
	"zk_server_state\tfollower\nzk_avg_latency\t0.4321\nzk_packets_received\t123456\n" +
	"zk_outstanding_requests\t7\nzk_watch_count\t1050\n"

func TestParseMntr(t *testing.T) {
	m, err := parseMntr(mntrSample)
	if err != nil {
		t.Fatal(err)
	}
	for key, want := range map[string]int64{"zk_packets_received": 123456, "zk_outstanding_requests": 7, "zk_avg_latency": 0, "zk_watch_count": 1050} {
		t.Run(key, func(t *testing.T) {
			got, err := m.int(key)
			if err != nil || got != want {
				t.Errorf("%s = %d, %v; want %d", key, got, err, want)
			}
		})
	}
	if _, err := m.int("zk_missing"); err == nil {
		t.Error("a missing key gave no error")
	}
	if m["zk_server_state"] != "follower" {
		t.Errorf("zk_server_state = %q", m["zk_server_state"])
	}
}

func TestParseMntrRefused(t *testing.T) {
	for _, out := range []string{"mntr is not executed because it is not in the whitelist.\n", "", "imok"} {
		if _, err := parseMntr(out); err == nil {
			t.Errorf("parseMntr(%q) gave no error", out)
		}
	}
}

func TestParseWchs(t *testing.T) {
	tests := []struct {
		name, in string
		want     wchs
		bad      bool
	}{
		{name: "classic", in: "200 connections watching 10050 paths\nTotal watches:210000\n", want: wchs{200, 10050, 210000}},
		{name: "empty server", in: "0 connections watching 0 paths\nTotal watches:0\n", want: wchs{}},
		{name: "refused", in: "wchs is not executed because it is not in the whitelist.\n", bad: true},
		{name: "no total", in: "3 connections watching 5 paths\n", bad: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseWchs(tt.in)
			if tt.bad {
				if err == nil {
					t.Fatalf("no error for %q", tt.in)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Errorf("got %+v, %v; want %+v", got, err, tt.want)
			}
		})
	}
}

// Replies of JDK 17's jcmd, shortened, for the collectors a ZooKeeper may
// run with.
var heapSamples = []struct {
	name, in string
	want     int64
}{
	{name: "serial", want: (1200 + 5678) << 10, in: `12345:
 def new generation   total 39296K, used 1200K [0x00000000f8000000, 0x00000000faaa0000, 0x00000000faaa0000)
  eden space 34944K,   3% used [0x00000000f8000000, 0x00000000fa220000, 0x00000000fa220000)
  from space 4352K,   0% used [0x00000000fa220000, 0x00000000fa220000, 0x00000000faaa0000)
  to   space 4352K,   0% used [0x00000000fa660000, 0x00000000fa660000, 0x00000000faaa0000)
 tenured generation   total 87424K, used 5678K [0x00000000faaa0000, 0x0000000100000000, 0x0000000100000000)
   the space 87424K,   6% used [0x00000000faaa0000, 0x00000000fb0000a0, 0x00000000fb000200, 0x0000000100000000)
 Metaspace       used 14000K, committed 14336K, reserved 1114112K
  class space    used 1500K, committed 1664K, reserved 1048576K
`},
	{name: "g1", want: 20480 << 10, in: `999:
 garbage-first heap   total 262144K, used 20480K [0x0000000080000000, 0x0000000100000000)
  region size 1024K, 3 young (3072K), 0 survivors (0K)
 Metaspace       used 14000K, committed 14336K, reserved 1114112K
  class space    used 1500K, committed 1664K, reserved 1048576K
`},
	{name: "zgc", want: 8 << 20, in: `77:
 ZHeap           used 8M, capacity 32M, max capacity 128M
 Metaspace       used 14000K, committed 14336K, reserved 1114112K
`},
}

func TestParseHeapInfo(t *testing.T) {
	for _, tt := range heapSamples {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseHeapInfo(tt.in)
			if err != nil || got != tt.want {
				t.Errorf("got %d, %v; want %d", got, err, tt.want)
			}
		})
	}
	_, err := parseHeapInfo("77:\nCould not find any processes matching\n")
	if err == nil || !strings.Contains(err.Error(), "no heap line") {
		t.Errorf("a reply without a heap line: err = %v", err)
	}
}
