package haproxy

import "testing"

func TestParseServersStateRealOutput(t *testing.T) {
	states, err := ParseServersState(readTestdata(t, "show_servers_state.txt"))
	if err != nil || len(states) != 5 {
		t.Fatalf("%d states, err %v; want 5", len(states), err)
	}
	tests := []struct {
		name  string
		check func(ServerState) bool
	}{
		{"app1", func(s ServerState) bool { return s.OpState == OpStopped && s.AdminState == 0 && s.Port == 18181 }},
		{"app2", func(s ServerState) bool { return s.AdminState.Drain() && !s.AdminState.Maint() && s.UWeight == 5 }},
		{"app3", func(s ServerState) bool {
			return s.AdminState == AdminForcedMaint|AdminConfigMaint && s.AdminState.Maint()
		}},
		{"backup1", func(s ServerState) bool { return s.OpState == OpRunning && s.Addr == "127.0.0.1" && s.FQDN == "" }},
		{"dyn1", func(s ServerState) bool {
			v, _ := s.Field("srv_f_forced_id")
			return s.ID == 42 && s.AdminState == AdminForcedMaint && s.UWeight == 7 && s.IWeight == 7 && v == "1"
		}},
	}
	for i, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := states[i]
			if s.Name != tc.name || s.Backend != "app" || s.BackendID != 3 || !tc.check(s) {
				t.Fatalf("state = %+v", s)
			}
		})
	}
	empty, err := ParseServersState(readTestdata(t, "show_servers_state_empty.txt"))
	if err != nil || len(empty) != 0 {
		t.Fatalf("empty backend: %d states, err %v", len(empty), err)
	}
}

func TestParseServersState(t *testing.T) {
	const header = "1\n# be_id be_name srv_id srv_name srv_addr srv_admin_state srv_port\n"
	tests := []struct {
		name       string
		in         string
		wantStates int
		wantErrors int // lines reported; -1: whole input rejected
	}{
		{"minimal", header + "3 be 1 s1 10.0.0.1 1 80\n", 1, 0},
		{"reordered and extra columns", "1\n# srv_name future be_name srv_id be_id\ns1 x be 1 3\n", 1, 0},
		{"dash means empty", header + "3 be 1 s1 - 0 -\n", 1, 0},
		{"dash in a required column", header + "3 be 1 - 10.0.0.1 0 80\n", 0, 1},
		{"malformed lines skipped", header + "3 be 1 s1 10.0.0.1 0 80\n3 be\nx be 2 s2 10.0.0.2 0 80\n3 be 3 s3 10.0.0.3 0 80\n", 2, 2},
		{"unknown format version", "2\n# be_id be_name\n", 0, -1},
		{"no header", "1\n3 be 1 s1\n", 0, -1},
		{"error answer", "Can't find backend.\n", 0, -1},
		{"empty", "", 0, -1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			states, err := ParseServersState(tc.in)
			if len(states) != tc.wantStates || countParseErrors(err) != tc.wantErrors {
				t.Fatalf("%d states, err %v; want %d states, %d line errors", len(states), err, tc.wantStates, tc.wantErrors)
			}
			for _, s := range states {
				if s.Name == "" || s.Backend != "be" {
					t.Fatalf("state = %+v", s)
				}
			}
		})
	}
}

func TestAdminStateMaintIsHAProxysMask(t *testing.T) {
	for _, tc := range []struct {
		a    AdminState
		want bool
	}{
		{AdminForcedMaint, true}, {AdminInheritedMaint, true}, {AdminResolveMaint, true},
		{AdminConfigMaint, false}, {AdminHostnameMaint, false}, {AdminForcedDrain, false},
		{AdminConfigMaint | AdminForcedMaint, true}, {0, false},
	} {
		if got := tc.a.Maint(); got != tc.want {
			t.Errorf("AdminState(%#x).Maint() = %v, want %v", int(tc.a), got, tc.want)
		}
	}
}

// srv_agent_state values read from HAProxy 2.6: 22 with an agent running,
// 18 after "disable agent", 0 without agent-check.
func TestServerStateAgentEnabled(t *testing.T) {
	for _, tc := range []struct {
		name, header, value string
		want                bool
	}{
		{"running", "srv_agent_state", "22", true},
		{"disabled", "srv_agent_state", "18", false},
		{"none", "srv_agent_state", "0", false},
		{"malformed", "srv_agent_state", "x", false},
		{"no column", "srv_port", "22", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			states, err := ParseServersState("1\n# be_id be_name srv_id srv_name " + tc.header + "\n1 b 1 s " + tc.value + "\n")
			if err != nil || len(states) != 1 {
				t.Fatalf("%d states, err %v", len(states), err)
			}
			if got := states[0].AgentEnabled(); got != tc.want {
				t.Fatalf("AgentEnabled() = %v, want %v", got, tc.want)
			}
		})
	}
}
