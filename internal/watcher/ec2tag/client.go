package ec2tag

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/smithy-go"

	"github.com/smartstack-go/smartstack/internal/awsconf"
	"github.com/smartstack-go/smartstack/pkg/registration"
)

// newClient builds the EC2 client the way the SDK's users do (see
// awsconf): the config keys first, then the standard AWS_* environment
// (AWS_ENDPOINT_URL and AWS_ENDPOINT_URL_EC2 included), shared files and
// the instance profile, with the SDK's retries off.
func newClient(ctx context.Context, c *Config) (*ec2.Client, error) {
	ac, err := awsconf.Load(ctx, c.Keys)
	if err != nil {
		return nil, err
	}
	return ec2.NewFromConfig(ac), nil
}

// describeInput asks for the running instances carrying the tag exactly.
// The original's SDK v1 `tagged(name).tagged_values(value)` filtered on
// tag-key and tag-value separately (any key, any value) and dropped
// non-running instances client-side; tag:<name> is the exact match the
// original documents.
func describeInput(c *Config) *ec2.DescribeInstancesInput {
	return &ec2.DescribeInstancesInput{Filters: []types.Filter{
		{Name: aws.String("tag:" + c.TagName), Values: []string{c.TagValue}},
		{Name: aws.String("instance-state-name"), Values: []string{"running"}},
	}}
}

// discover lists every page and returns the backends in API order:
// {name: private DNS name, host: private IP}, without a port (the
// service's backend_port_override supplies it).
func discover(ctx context.Context, api ec2.DescribeInstancesAPIClient, c *Config, log *slog.Logger) ([]registration.Backend, error) {
	p := ec2.NewDescribeInstancesPaginator(api, describeInput(c))
	out := []registration.Backend{}
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("describe instances: %w", err)
		}
		for _, r := range page.Reservations {
			for _, in := range r.Instances {
				if b, ok := backend(in, log); ok {
					out = append(out, b)
				}
			}
		}
	}
	return out, nil
}

// backend maps one instance. An instance without a private IP is skipped;
// one without a private DNS name (a VPC without DNS hostnames) is named by
// its instance id instead of the original's empty name.
func backend(in types.Instance, log *slog.Logger) (registration.Backend, bool) {
	id := aws.ToString(in.InstanceId)
	ip := aws.ToString(in.PrivateIpAddress)
	if ip == "" {
		log.Warn("skipping instance without a private IP address", "instance", id)
		return registration.Backend{}, false
	}
	name := aws.ToString(in.PrivateDnsName)
	if name == "" {
		name = id
	}
	return registration.Backend{Name: registration.StringValue(name), Host: ip}, true
}

// throttled reports whether err is EC2 refusing for rate (RequestLimitExceeded
// and the SDK's other throttling codes).
func throttled(err error) bool {
	var ae smithy.APIError
	if !errors.As(err, &ae) {
		return false
	}
	_, ok := retry.DefaultThrottleErrorCodes[ae.ErrorCode()]
	return ok
}

// backoff is the delay before the next poll after n consecutive throttled
// polls (n >= 1), the retry-policy formula of the original's ZooKeeper
// watcher with the check interval as base: clamp(interval * 2^(n-1) * U,
// interval, ceiling), U uniform in [0.5, 1). The jitter spreads a fleet
// that was throttled together.
func backoff(interval, ceiling time.Duration, n int, u float64) time.Duration {
	ceiling = max(ceiling, interval)
	d := float64(interval) * u
	for i := 1; i < n && d < float64(ceiling); i++ {
		d *= 2
	}
	return min(max(time.Duration(d), interval), ceiling)
}

// jitter is U for backoff.
func jitter() float64 { return 0.5 + rand.Float64()/2 }
