package awsconf_test

import (
	"strings"
	"testing"

	"github.com/smartstack-go/smartstack/internal/awsconf"
	"github.com/smartstack-go/smartstack/internal/awsconf/awstest"
)

func TestValidate(t *testing.T) {
	tests := []struct {
		name string
		k    awsconf.Keys
		want string
	}{
		{"none", awsconf.Keys{}, ""},
		{"both", awsconf.Keys{AWSAccessKeyID: "A", AWSSecretAccessKey: "S"}, ""},
		{"id only", awsconf.Keys{AWSAccessKeyID: "A"}, "set both or neither"},
		{"secret only", awsconf.Keys{AWSSecretAccessKey: "S"}, "set both or neither"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.k.Validate()
			if tc.want == "" && err != nil || tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)) {
				t.Fatalf("Validate = %v, want %q", err, tc.want)
			}
		})
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
