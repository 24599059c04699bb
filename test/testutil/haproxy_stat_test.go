package testutil

import "testing"

func TestParseShowStat(t *testing.T) {
	out := "# pxname,svname,qcur,scur,status,addr,\n" +
		"web,FRONTEND,,0,OPEN,,\n" +
		"web,s1,0,2,UP,127.0.0.1:1,\n" +
		"web,s2,0,0,MAINT,127.0.0.1:2,\n" +
		"web,s3,0,0,no check,127.0.0.1:3,\n" +
		"web,BACKEND,0,2,UP,,\n"
	got, err := ParseShowStat(out)
	if err != nil {
		t.Fatal(err)
	}
	want := []HAProxyServer{
		{Backend: "web", Name: "s1", Addr: "127.0.0.1:1", Status: "UP", Sessions: "2"},
		{Backend: "web", Name: "s2", Addr: "127.0.0.1:2", Status: "MAINT", Sessions: "0"},
		{Backend: "web", Name: "s3", Addr: "127.0.0.1:3", Status: "no check", Sessions: "0"},
	}
	if len(got) != len(want) {
		t.Fatalf("got %+v, want %+v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("server %d: %+v, want %+v", i, got[i], want[i])
		}
	}
	if !got[0].Live() || got[1].Live() || !got[2].Live() {
		t.Errorf("Live: %v %v %v, want true false true", got[0].Live(), got[1].Live(), got[2].Live())
	}
	if _, err := ParseShowStat("Unknown command\n"); err == nil {
		t.Error("no error for an answer without a header")
	}
	if _, err := ParseShowStat("# pxname,svname\n"); err == nil {
		t.Error("no error for a header without status")
	}
}
