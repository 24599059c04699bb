package ec2tag

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

// queryClient calls EC2's DescribeInstances through the Query API (a
// SigV4-signed form POST answered in XML) with the SDK's core signer and
// credentials. The SDK's generated EC2 client would do the same, but it
// carries every EC2 operation and was more than half of synapse's binary
// (docs/operations.md#binary-size).
type queryClient struct {
	endpoint string // scheme://host[/path]
	region   string
	creds    aws.CredentialsProvider
	http     aws.HTTPClient
	signer   *v4.Signer
}

// apiVersion is the EC2 API version of the request and of the answer's
// XML namespace.
const apiVersion = "2016-11-15"

// maxPageBytes bounds one answer (a page holds at most maxResults
// instances, a few kB each): EC2's answer is untrusted input like any other.
const (
	maxResults   = 1000
	maxPageBytes = 64 << 20
	maxPages     = 1000
)

func newQueryClient(ac aws.Config) (*queryClient, error) {
	if ac.Region == "" {
		return nil, errors.New("no AWS region: set aws_region, AWS_REGION or the shared config's region")
	}
	if ac.Credentials == nil {
		return nil, errors.New("no AWS credentials")
	}
	hc := ac.HTTPClient
	if hc == nil {
		hc = http.DefaultClient
	}
	return &queryClient{endpoint: endpoint(ac), region: ac.Region, creds: ac.Credentials, http: hc, signer: v4.NewSigner()}, nil
}

// endpoint is the SDK's order for EC2: AWS_ENDPOINT_URL_EC2, then
// AWS_ENDPOINT_URL (BaseEndpoint), unless AWS_IGNORE_CONFIGURED_ENDPOINT_URLS
// is true, then the region's public endpoint.
func endpoint(ac aws.Config) string {
	if ignore, _ := strconv.ParseBool(os.Getenv("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS")); !ignore {
		if e := os.Getenv("AWS_ENDPOINT_URL_EC2"); e != "" {
			return e
		}
		if ac.BaseEndpoint != nil && *ac.BaseEndpoint != "" {
			return *ac.BaseEndpoint
		}
	}
	suffix := "amazonaws.com"
	if strings.HasPrefix(ac.Region, "cn-") {
		suffix = "amazonaws.com.cn"
	}
	return "https://ec2." + ac.Region + "." + suffix
}

// ec2Instance is what discovery reads of an EC2 instance.
type ec2Instance struct {
	ID         string `xml:"instanceId"`
	PrivateIP  string `xml:"privateIpAddress"`
	PrivateDNS string `xml:"privateDnsName"`
}

type describeResponse struct {
	Reservations []struct {
		Instances []ec2Instance `xml:"instancesSet>item"`
	} `xml:"reservationSet>item"`
	NextToken string `xml:"nextToken"`
}

// apiError is an error answer of EC2: <Response><Errors><Error>.
type apiError struct {
	Status    int
	Code      string `xml:"Errors>Error>Code"`
	Message   string `xml:"Errors>Error>Message"`
	RequestID string `xml:"RequestID"`
}

func (e *apiError) Error() string {
	return fmt.Sprintf("ec2 answered %d: %s: %s (request id %s)", e.Status, e.Code, e.Message, e.RequestID)
}

// describe lists every page of the running instances tagged as c says.
func (q *queryClient) describe(ctx context.Context, c *Config) ([]ec2Instance, error) {
	var all []ec2Instance
	token := ""
	for range maxPages {
		page, err := q.page(ctx, describeForm(c, token))
		if err != nil {
			return nil, fmt.Errorf("describe instances: %w", err)
		}
		for _, r := range page.Reservations {
			all = append(all, r.Instances...)
		}
		if page.NextToken == "" || page.NextToken == token {
			return all, nil
		}
		token = page.NextToken
	}
	return nil, fmt.Errorf("describe instances: more than %d pages", maxPages)
}

// describeForm asks for the running instances carrying the tag exactly.
// The original's SDK v1 `tagged(name).tagged_values(value)` filtered on
// tag-key and tag-value separately (any key, any value) and dropped
// non-running instances client-side; tag:<name> is the exact match the
// original documents.
func describeForm(c *Config, token string) url.Values {
	f := url.Values{
		"Action":           {"DescribeInstances"},
		"Version":          {apiVersion},
		"Filter.1.Name":    {"tag:" + c.TagName},
		"Filter.1.Value.1": {c.TagValue},
		"Filter.2.Name":    {"instance-state-name"},
		"Filter.2.Value.1": {"running"},
		"MaxResults":       {strconv.Itoa(maxResults)},
	}
	if token != "" {
		f.Set("NextToken", token)
	}
	return f
}

// page sends one signed request and decodes its answer.
func (q *queryClient) page(ctx context.Context, form url.Values) (*describeResponse, error) {
	body := []byte(form.Encode())
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, q.endpoint, bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("endpoint %q: %w", q.endpoint, err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
	creds, err := q.creds.Retrieve(ctx)
	if err != nil {
		return nil, fmt.Errorf("aws credentials: %w", err)
	}
	sum := sha256.Sum256(body)
	if err := q.signer.SignHTTP(ctx, creds, req, hex.EncodeToString(sum[:]), "ec2", q.region, time.Now()); err != nil {
		return nil, fmt.Errorf("sign: %w", err)
	}
	resp, err := q.http.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxPageBytes+1))
	if err != nil {
		return nil, fmt.Errorf("read answer: %w", err)
	}
	if len(data) > maxPageBytes {
		return nil, fmt.Errorf("answer larger than %d bytes", maxPageBytes)
	}
	if resp.StatusCode/100 != 2 {
		ae := &apiError{Status: resp.StatusCode}
		if xml.Unmarshal(data, ae) != nil || ae.Code == "" {
			return nil, fmt.Errorf("ec2 answered %s", resp.Status)
		}
		return nil, ae
	}
	var out describeResponse
	if err := xml.Unmarshal(data, &out); err != nil {
		return nil, fmt.Errorf("decode answer: %w", err)
	}
	return &out, nil
}
