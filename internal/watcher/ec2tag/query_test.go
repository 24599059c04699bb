package ec2tag

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
)

// The endpoint follows the SDK's order: the EC2-specific variable, the
// generic one, then the region's public endpoint; the ignore switch skips
// both variables.
func TestEndpoint(t *testing.T) {
	for _, tc := range []struct {
		name, ec2Env, ignore, base, region, want string
	}{
		{"public", "", "", "", "eu-west-1", "https://ec2.eu-west-1.amazonaws.com"},
		{"china", "", "", "", "cn-north-1", "https://ec2.cn-north-1.amazonaws.com.cn"},
		{"generic", "", "", "http://localhost:4566", "eu-west-1", "http://localhost:4566"},
		{"ec2 first", "http://vpce.example:443", "", "http://localhost:4566", "eu-west-1", "http://vpce.example:443"},
		{"ignored", "http://vpce.example:443", "true", "http://localhost:4566", "eu-west-1", "https://ec2.eu-west-1.amazonaws.com"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv("AWS_ENDPOINT_URL_EC2", tc.ec2Env)
			t.Setenv("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", tc.ignore)
			ac := aws.Config{Region: tc.region}
			if tc.base != "" {
				ac.BaseEndpoint = aws.String(tc.base)
			}
			if got := endpoint(ac); got != tc.want {
				t.Errorf("endpoint = %q, want %q", got, tc.want)
			}
		})
	}
}

// A missing region is an error at the first poll, naming where to set it.
func TestNoRegion(t *testing.T) {
	if _, err := newQueryClient(aws.Config{Credentials: aws.AnonymousCredentials{}}); err == nil {
		t.Fatal("no error without a region")
	}
}
