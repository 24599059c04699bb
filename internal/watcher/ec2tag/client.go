package ec2tag

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws/retry"

	"github.com/smartstack-go/smartstack/internal/awsconf"
	pbackoff "github.com/smartstack-go/smartstack/internal/backoff"
	"github.com/smartstack-go/smartstack/pkg/registration"
)

// describer lists the running instances carrying c's tag, every page.
type describer interface {
	describe(ctx context.Context, c *Config) ([]ec2Instance, error)
}

// newClient builds the EC2 query client from the AWS config the SDK's
// users get (see awsconf): the config keys first, then the standard AWS_*
// environment (AWS_ENDPOINT_URL and AWS_ENDPOINT_URL_EC2 included),
// shared files and the instance profile, with the SDK's retries off.
func newClient(ctx context.Context, c *Config) (describer, error) {
	ac, err := awsconf.Load(ctx, c.Keys)
	if err != nil {
		return nil, err
	}
	return newQueryClient(ac)
}

// discover returns the backends in API order: {name: private DNS name,
// host: private IP}, without a port (the service's backend_port_override
// supplies it).
func discover(ctx context.Context, api describer, c *Config, log *slog.Logger) ([]registration.Backend, error) {
	instances, err := api.describe(ctx, c)
	if err != nil {
		return nil, err
	}
	out := []registration.Backend{}
	for _, in := range instances {
		if b, ok := backend(in, log); ok {
			out = append(out, b)
		}
	}
	return out, nil
}

// backend maps one instance. An instance without a private IP is skipped;
// one without a private DNS name (a VPC without DNS hostnames) is named by
// its instance id instead of the original's empty name.
func backend(in ec2Instance, log *slog.Logger) (registration.Backend, bool) {
	if in.PrivateIP == "" {
		log.Warn("skipping instance without a private IP address", "instance", in.ID)
		return registration.Backend{}, false
	}
	name := in.PrivateDNS
	if name == "" {
		name = in.ID
	}
	return registration.Backend{Name: registration.StringValue(name), Host: in.PrivateIP}, true
}

// throttled reports whether err is EC2 refusing for rate (RequestLimitExceeded
// and the SDK's other throttling codes).
func throttled(err error) bool {
	var ae *apiError
	if !errors.As(err, &ae) {
		return false
	}
	_, ok := retry.DefaultThrottleErrorCodes[ae.Code]
	return ok
}

// backoff is the delay before the next poll after n consecutive throttled
// polls (n >= 1), the retry-policy formula of the original's ZooKeeper
// watcher with the check interval as base and ceiling as cap. The jitter
// spreads a fleet that was throttled together.
func backoff(interval, ceiling time.Duration, n int, u float64) time.Duration {
	return pbackoff.Exponential(interval, ceiling, n, u)
}
