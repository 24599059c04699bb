// Package awstest points the AWS SDK's default chain at a local test
// server, the way tests of synapse's AWS sources drive the real SDK.
package awstest

import (
	"os"
	"path/filepath"
	"testing"
)

// Isolate points every AWS service at endpoint (AWS_ENDPOINT_URL) and the
// default chain away from anything on this machine: no shared files, no
// instance metadata, no credentials or region from the environment. The
// environment is restored when the test ends.
func Isolate(t *testing.T, endpoint string) {
	t.Helper()
	for _, k := range []string{"AWS_ENDPOINT_URL_EC2", "AWS_ENDPOINT_URL_S3", "AWS_PROFILE", "AWS_DEFAULT_PROFILE",
		"AWS_REGION", "AWS_DEFAULT_REGION", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",
		"AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "AWS_CONTAINER_CREDENTIALS_FULL_URI",
		"AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "AWS_WEB_IDENTITY_TOKEN_FILE"} {
		t.Setenv(k, "") // restores the value after the test
		os.Unsetenv(k)
	}
	dir := t.TempDir()
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(dir, "config"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(dir, "credentials"))
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	t.Setenv("AWS_ENDPOINT_URL", endpoint)
}
