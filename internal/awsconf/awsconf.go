// Package awsconf builds the aws.Config that synapse's AWS sources (the
// ec2tag watcher, the multi watcher's s3_toggle resolver) share: their
// optional config keys first, then the SDK's standard chain (AWS_* env,
// AWS_ENDPOINT_URL and AWS_ENDPOINT_URL_<SERVICE> included, shared files,
// instance profile).
package awsconf

import (
	"context"
	"fmt"
	"os"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
)

// Keys are the AWS keys a config section may carry, inlined into it.
type Keys struct {
	// AWSAccessKeyID and AWSSecretAccessKey, when both set, are static
	// credentials; otherwise the SDK's default chain (AWS_ACCESS_KEY_ID /
	// AWS_SECRET_ACCESS_KEY, shared files, instance profile) is used.
	AWSAccessKeyID     string `yaml:"aws_access_key_id"`
	AWSSecretAccessKey string `yaml:"aws_secret_access_key"`
	// AWSRegion empty: AWS_REGION, then the shared config's region.
	AWSRegion string `yaml:"aws_region"`
}

// Validate accepts every combination: missing credentials and region are
// not errors, the default chain may supply them when the source polls; and
// half a key pair loads as the original loads it (see Load), with a warning.
func (k Keys) Validate() error { return nil }

// Warnings says what Load does with half a static key pair.
func (k Keys) Warnings() []string {
	switch {
	case k.AWSAccessKeyID != "" && k.AWSSecretAccessKey == "":
		return []string{"aws_access_key_id: set without aws_secret_access_key; the secret is taken from " +
			"AWS_SECRET_ACCESS_KEY, and without it the SDK's default credential chain (instance profile) is used"}
	case k.AWSAccessKeyID == "" && k.AWSSecretAccessKey != "":
		return []string{"aws_secret_access_key: set without aws_access_key_id; the key id is taken from " +
			"AWS_ACCESS_KEY_ID, and without it the SDK's default credential chain (instance profile) is used"}
	}
	return nil
}

// staticPair completes half a key pair from the environment, as the
// original passes `config || ENV[...]` for each half; ok is false when
// no whole pair results, and the default chain is used.
func (k Keys) staticPair(getenv func(string) string) (id, secret string, ok bool) {
	id, secret = k.AWSAccessKeyID, k.AWSSecretAccessKey
	if id == "" && secret == "" {
		return "", "", false
	}
	if id == "" {
		id = getenv("AWS_ACCESS_KEY_ID")
	}
	if secret == "" {
		secret = getenv("AWS_SECRET_ACCESS_KEY")
	}
	return id, secret, id != "" && secret != ""
}

// Load builds the config. The SDK's own retries are off: every caller is a
// polling loop that reports a failed poll stale and decides itself when to
// try again (with backoff), so one poll never hides minutes of retries.
func Load(ctx context.Context, k Keys) (aws.Config, error) {
	opts := []func(*awsconfig.LoadOptions) error{
		awsconfig.WithRetryer(func() aws.Retryer { return aws.NopRetryer{} }),
	}
	if k.AWSRegion != "" {
		opts = append(opts, awsconfig.WithRegion(k.AWSRegion))
	}
	if id, secret, ok := k.staticPair(os.Getenv); ok {
		opts = append(opts, awsconfig.WithCredentialsProvider(
			credentials.NewStaticCredentialsProvider(id, secret, "")))
	}
	ac, err := awsconfig.LoadDefaultConfig(ctx, opts...)
	if err != nil {
		return aws.Config{}, fmt.Errorf("load aws config: %w", err)
	}
	return ac, nil
}
