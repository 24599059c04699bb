package ec2tag

import (
	"strings"
	"testing"

	"github.com/smartstack-go/smartstack/internal/config"
	"github.com/smartstack-go/smartstack/internal/watcher"
)

func TestConfigDefaults(t *testing.T) {
	c := NewConfig()
	if c.CheckInterval.Seconds() != 15 {
		t.Errorf("check_interval default %s, want 15s", c.CheckInterval)
	}
}

// Missing region and credentials construct fine, as in the original: the SDK's
// default chain may supply them at poll time.
func TestConfigValidate(t *testing.T) {
	ok := NewConfig()
	ok.TagName, ok.TagValue = "servicename", "true"
	if _, err := watcher.New(Method, "svc", ok, watcher.Options{}); err != nil {
		t.Fatalf("tag only: %v", err)
	}
	for name, tc := range map[string]struct {
		edit func(*Config)
		want string
	}{
		"no tag_name":  {func(c *Config) { c.TagName = "" }, "tag_name: missing"},
		"no tag_value": {func(c *Config) { c.TagValue = "" }, "tag_value: missing"},
		"interval":     {func(c *Config) { c.CheckInterval = 0 }, "check_interval"},
		"timeout":      {func(c *Config) { c.RequestTimeout = 0 }, "request_timeout"},
	} {
		c := *ok
		tc.edit(&c)
		_, err := watcher.New(Method, "svc", &c, watcher.Options{})
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want one mentioning %q", name, err, tc.want)
		}
	}
	if _, err := New("svc", "nope", watcher.Options{}); err == nil {
		t.Error("a config of the wrong type was accepted")
	}
}

// The AWS keys, shared with s3_toggle through awsconf.Keys, decode inline
// without unknown-key warnings.
func TestConfigAWSKeysDecode(t *testing.T) {
	c := NewConfig()
	warns, err := config.Decode("t.yaml", []byte("{tag_name: a, tag_value: b, aws_region: eu-west-1, "+
		"aws_access_key_id: AKID, aws_secret_access_key: SECRET}"), c)
	if err != nil || len(warns) > 0 {
		t.Fatalf("decode: %v %v", err, warns)
	}
	if c.AWSRegion != "eu-west-1" || c.AWSAccessKeyID != "AKID" || c.AWSSecretAccessKey != "SECRET" {
		t.Fatalf("keys = %+v", c.Keys)
	}
}
