package config

import (
	"os"
	"strings"
	"testing"
)

// zk_auth's file is read at load: a reload after it changed must replace
// the service (new fingerprint) although the YAML is the same.
func TestFingerprintFollowsZKSecret(t *testing.T) {
	dir := t.TempDir()
	cred := writeFile(t, dir, "zk-digest", "nerve:one\n")
	if err := os.Chmod(cred, 0o600); err != nil {
		t.Fatal(err)
	}
	cfg := fpBase + "    zk_auth: {credentials_file: " + cred + "}\n"
	first := loadFingerprint(t, cfg, "")
	if again := loadFingerprint(t, cfg, ""); !again.Equal(first) {
		t.Fatal("same file, different fingerprint")
	}
	writeFile(t, dir, "zk-digest", "nerve:two\n")
	if changed := loadFingerprint(t, cfg, ""); changed.Equal(first) {
		t.Fatal("changed credential file, same fingerprint: a reload would keep the old credential")
	}
}

func TestZKAuthErrorsNameFileKeyAndValue(t *testing.T) {
	dir := t.TempDir()
	bad := writeFile(t, dir, "zk-digest", "no-colon-secret\n")
	p := writeFile(t, dir, "nerve.yaml", fpBase+"    zk_auth: {credentials_file: "+bad+"}\n")
	_, _, err := Load(LoadOptions{Path: p, Env: noEnv})
	want := p + ":12: services.s.zk_auth.credentials_file: \"" + bad + "\": zk digest credential must be user:password"
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Fatalf("error %v\nwant %s", err, want)
	}
	if strings.Contains(err.Error(), "no-colon-secret") {
		t.Fatal("error shows the file's content")
	}
}
