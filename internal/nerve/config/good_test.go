package config

import (
	"slices"
	"testing"
)

func TestAliases(t *testing.T) {
	cfg := mustLoad(t, LoadOptions{Path: "testdata/good/aliases.yaml"})
	if got := serviceNames(cfg); !slices.Equal(got, []string{"web", "web2", "web3"}) {
		t.Fatalf("services %q", got)
	}
	payloads := map[string]string{
		"web": `{"host":"10.0.0.1","port":8080,"name":"i-1","labels":{"az":"us-east-1a","tier":"web"}}`,
		// Psych merges at the "<<" and keeps a replaced key's position.
		"web2": `{"host":"10.0.0.1","port":8081,"name":"i-1","labels":{"az":"us-east-1a","tier":"web2","extra":true}}`,
		"web3": `{"host":"10.0.0.1","port":8080,"name":"i-1","labels":{"az":"us-east-1a","tier":"web"}}`,
	}
	for name, want := range payloads {
		if got := string(cfg.Services[name].Payload()); got != want {
			t.Errorf("%s payload\n got %s\nwant %s", name, got, want)
		}
	}
	web2 := cfg.Services["web2"]
	if len(web2.Checks) != 2 || web2.Checks[0].Common.Rise != 2 || web2.Checks[0].Common.Port != 8081 ||
		web2.Checks[0].Common.Name != "web2 http-10.0.0.1:8081" || web2.Reporter.(*fakeZK).ZKPath != "/nerve/web" {
		t.Errorf("web2: %+v %+v", web2, web2.Checks)
	}
	if cfg.Services["web"].Equal(cfg.Services["web3"]) {
		t.Error("web and web3 differ in name, so in fingerprint")
	}
}

// Open content follows Psych where YAML's merge rules leave room: a "<<"
// after explicit keys replaces them; in a list, earlier sources win.
func TestPsychMergeOrder(t *testing.T) {
	cfg, _, err := loadString(t, "nerve.yaml", `instance_id: i
a: &a {x: 1, y: 1}
b: &b {y: 2, z: 2}
services:
  s:
    host: h
    port: 1
    zk_hosts: [z]
    zk_path: /p
    labels: {x: 0, <<: [*a, *b], w: 3}
`)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"host":"h","port":1,"name":"i","labels":{"x":1,"y":1,"z":2,"w":3}}`
	if got := string(cfg.Services["s"].Payload()); got != want {
		t.Errorf("payload\n got %s\nwant %s", got, want)
	}
}
