package zk

import "testing"

func TestSupportFromSrvr(t *testing.T) {
	tests := []struct {
		name, out string
		want      int
	}{
		{"3.8", "Zookeeper version: 3.8.4-9316c2a7a97e1666d8f4593f34dd6fc36ecc436c, built on 2024-02-12\nLatency min/avg/max: 0/0.0/0\n", 1},
		{"3.6", "Zookeeper version: 3.6.0--b4c89dc7f6083829e18fae6e446907ae0b1f22d7, built on 02/25/2020 14:38 GMT\n", 1},
		{"4.0", "Zookeeper version: 4.0.0-x\n", 1},
		{"3.5", "Zookeeper version: 3.5.10-c7e5c8f8bcfde5d4ab2ab8ee7d3dd8ad4f44f85b, built on 05/30/2022\n", -1},
		{"3.4", "Zookeeper version: 3.4.14-4c25d480e66aadd371de8bd2fd8da255ac140bcf, built on 03/06/2019\n", -1},
		{"refused", "srvr is not executed because it is not in the whitelist.\n", 0},
		{"empty", "", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := supportFromSrvr(tt.out); got != tt.want {
				t.Fatalf("supportFromSrvr = %d, want %d", got, tt.want)
			}
		})
	}
}
