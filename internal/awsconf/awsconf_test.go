package awsconf_test

import (
	"strings"
	"testing"

	"github.com/smartstack-go/smartstack/internal/awsconf"
	"github.com/smartstack-go/smartstack/internal/awsconf/awstest"
)

// Every combination of keys loads, as in the original ("does not break if
// aws_access_key_id is missing"); half a pair warns.
func TestValidate(t *testing.T) {
	tests := []struct {
		name string
		k    awsconf.Keys
		want string
	}{
		{"none", awsconf.Keys{}, ""},
		{"both", awsconf.Keys{AWSAccessKeyID: "A", AWSSecretAccessKey: "S"}, ""},
		{"id only", awsconf.Keys{AWSAccessKeyID: "A"}, "aws_access_key_id: set without aws_secret_access_key; the secret is taken from " +
			"AWS_SECRET_ACCESS_KEY, and without it the SDK's default credential chain (instance profile) is used"},
		{"secret only", awsconf.Keys{AWSSecretAccessKey: "S"}, "aws_secret_access_key: set without aws_access_key_id; the key id is taken from " +
			"AWS_ACCESS_KEY_ID, and without it the SDK's default credential chain (instance profile) is used"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if err := tc.k.Validate(); err != nil {
				t.Fatalf("Validate = %v", err)
			}
			if got := strings.Join(tc.k.Warnings(), "\n"); got != tc.want {
				t.Fatalf("Warnings = %q, want %q", got, tc.want)
			}
		})
	}
}

// Half a pair is completed from the environment, as the original passes
// `config || ENV` for each half; with nothing to complete it, the
// default chain decides (here: no credentials at all).
func TestLoadHalfPair(t *testing.T) {
	awstest.Isolate(t, "http://127.0.0.1:1")
	t.Setenv("AWS_REGION", "us-west-2")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "ENVSECRET")
	ac, err := awsconf.Load(t.Context(), awsconf.Keys{AWSAccessKeyID: "AKID"})
	if err != nil {
		t.Fatal(err)
	}
	creds, err := ac.Credentials.Retrieve(t.Context())
	if err != nil || creds.AccessKeyID != "AKID" || creds.SecretAccessKey != "ENVSECRET" {
		t.Fatalf("credentials %+v, %v; want AKID with the secret from the environment", creds, err)
	}
	t.Setenv("AWS_ACCESS_KEY_ID", "ENVKEY")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "ENVSECRET2")
	ac, err = awsconf.Load(t.Context(), awsconf.Keys{AWSSecretAccessKey: "S"})
	if err != nil {
		t.Fatal(err)
	}
	if creds, err = ac.Credentials.Retrieve(t.Context()); err != nil || creds.AccessKeyID != "ENVKEY" || creds.SecretAccessKey != "S" {
		t.Fatalf("credentials %+v, %v; want ENVKEY with the configured secret", creds, err)
	}
}

// The config keys win over the environment, and the SDK's retries are off.
func TestLoad(t *testing.T) {
	awstest.Isolate(t, "http://127.0.0.1:1")
	t.Setenv("AWS_REGION", "us-west-2")
	t.Setenv("AWS_ACCESS_KEY_ID", "ENVKEY")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "ENVSECRET")
	tests := []struct {
		name        string
		k           awsconf.Keys
		region, key string
	}{
		{"environment", awsconf.Keys{}, "us-west-2", "ENVKEY"},
		{"keys", awsconf.Keys{AWSRegion: "eu-west-1", AWSAccessKeyID: "AKID", AWSSecretAccessKey: "S"}, "eu-west-1", "AKID"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ac, err := awsconf.Load(t.Context(), tc.k)
			if err != nil {
				t.Fatal(err)
			}
			creds, err := ac.Credentials.Retrieve(t.Context())
			if err != nil {
				t.Fatal(err)
			}
			if ac.Region != tc.region || creds.AccessKeyID != tc.key {
				t.Fatalf("region %q key %q, want %q %q", ac.Region, creds.AccessKeyID, tc.region, tc.key)
			}
			if ac.BaseEndpoint == nil || *ac.BaseEndpoint != "http://127.0.0.1:1" {
				t.Fatalf("BaseEndpoint = %v, want AWS_ENDPOINT_URL", ac.BaseEndpoint)
			}
			if n := ac.Retryer().MaxAttempts(); n != 1 {
				t.Fatalf("retryer allows %d attempts, want 1", n)
			}
		})
	}
}
