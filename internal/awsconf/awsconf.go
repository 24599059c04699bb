// Package awsconf builds the aws.Config that synapse's AWS sources (the
// ec2tag watcher, the multi watcher's s3_toggle resolver) share: their
// optional config keys first, then the SDK's standard chain (AWS_* env,
// AWS_ENDPOINT_URL and AWS_ENDPOINT_URL_<SERVICE> included, shared files,
// instance profile).
package awsconf

import (
	"context"
	"errors"
	"fmt"

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

// Validate reports half a static key pair. Missing credentials and region
// are not errors: the default chain may supply them when the source polls.
func (k Keys) Validate() error {
	if (k.AWSAccessKeyID == "") != (k.AWSSecretAccessKey == "") {
		return errors.New("aws_access_key_id and aws_secret_access_key: set both or neither")
	}
	return nil
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
	if k.AWSAccessKeyID != "" {
		opts = append(opts, awsconfig.WithCredentialsProvider(
			credentials.NewStaticCredentialsProvider(k.AWSAccessKeyID, k.AWSSecretAccessKey, "")))
	}
	ac, err := awsconfig.LoadDefaultConfig(ctx, opts...)
	if err != nil {
		return aws.Config{}, fmt.Errorf("load aws config: %w", err)
	}
	return ac, nil
}
