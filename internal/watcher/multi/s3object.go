package multi

import (
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"math"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"gopkg.in/yaml.v3"

	"github.com/smartstack-go/smartstack/internal/awsconf"
)

// defaultS3Region is used when neither aws_region nor the SDK's chain
// names one: the original's SDK v1 defaulted to us-east-1, while SDK v2
// refuses to sign without a region.
const defaultS3Region = "us-east-1"

// maxObjectSize bounds the toggle object read: it is a few lines of YAML,
// and a wrong s3_url must not make synapse read a large file into memory.
const maxObjectSize = 64 << 10

// Reasons a fetch gave no weights, the original's statsd reason tags.
const (
	reasonS3     = "s3_error"
	reasonParse  = "parse_error"
	reasonSchema = "invalid_schema"
)

// fetchError is a fetch that gave no weights, with its reason.
type fetchError struct {
	reason string
	err    error
}

func (e *fetchError) Error() string { return e.err.Error() }
func (e *fetchError) Unwrap() error { return e.err }

// getObjectAPI is the one S3 call the resolver makes.
type getObjectAPI interface {
	GetObject(ctx context.Context, in *s3.GetObjectInput, opts ...func(*s3.Options)) (*s3.GetObjectOutput, error)
}

// newS3Client builds the S3 client through awsconf, like ec2tag's. With an
// endpoint override (AWS_ENDPOINT_URL, AWS_ENDPOINT_URL_S3, the shared
// config's endpoint_url) requests are path-style: S3-compatible stores and
// local servers do not serve bucket.host virtual hosts.
func newS3Client(ctx context.Context, k awsconf.Keys) (*s3.Client, error) {
	ac, err := awsconf.Load(ctx, k)
	if err != nil {
		return nil, err
	}
	if ac.Region == "" {
		ac.Region = defaultS3Region
	}
	return s3.NewFromConfig(ac, func(o *s3.Options) {
		if o.BaseEndpoint != nil {
			o.UsePathStyle = true
		}
		// Else the SDK prints a warning to stderr on every fetch of an
		// object stored without a checksum.
		o.DisableLogOutputChecksumValidationSkipped = true
	}), nil
}

// getObject reads the object, at most maxObjectSize bytes of it.
func getObject(ctx context.Context, api getObjectAPI, bucket, key string) ([]byte, error) {
	out, err := api.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)})
	if err != nil {
		return nil, &fetchError{reasonS3, fmt.Errorf("get s3://%s/%s: %w", bucket, key, err)}
	}
	defer out.Body.Close()
	b, err := io.ReadAll(io.LimitReader(out.Body, maxObjectSize+1))
	switch {
	case err != nil:
		return nil, &fetchError{reasonS3, fmt.Errorf("read s3://%s/%s: %w", bucket, key, err)}
	case len(b) > maxObjectSize:
		return nil, &fetchError{reasonSchema, fmt.Errorf("s3://%s/%s is larger than %d bytes", bucket, key, maxObjectSize)}
	}
	return b, nil
}

// weight is one entry of the toggle object: a watcher name and its weight.
type weight struct {
	name string
	w    int64
}

// parseWeights reads the toggle object, a YAML mapping of watcher name to
// non-negative integer weight, keeping the object's order (the weighted
// walk goes in that order, as the original's).
func parseWeights(b []byte) ([]weight, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(b, &doc); err != nil {
		return nil, &fetchError{reasonParse, fmt.Errorf("parse weights: %w", err)}
	}
	m := deref(&doc)
	if m == nil || m.Kind != yaml.MappingNode {
		return nil, &fetchError{reasonSchema, errors.New("weights: want a mapping of watcher name to integer weight")}
	}
	var out []weight
	at := map[string]int{}
	for i := 0; i+1 < len(m.Content); i += 2 {
		k, v := deref(m.Content[i]), deref(m.Content[i+1])
		if k == nil || k.Kind != yaml.ScalarNode || k.ShortTag() != "!!str" {
			return nil, &fetchError{reasonSchema, fmt.Errorf("weights line %d: the watcher name must be a string", m.Content[i].Line)}
		}
		var w int64
		if v == nil || v.ShortTag() != "!!int" || v.Decode(&w) != nil || w < 0 {
			return nil, &fetchError{reasonSchema, fmt.Errorf("weights.%s: want an integer >= 0", k.Value)}
		}
		if j, dup := at[k.Value]; dup {
			out[j].w = w // a repeated key keeps its place and takes the later value, as a Ruby Hash
			continue
		}
		at[k.Value] = len(out)
		out = append(out, weight{k.Value, w})
	}
	return out, nil
}

func deref(n *yaml.Node) *yaml.Node {
	for n != nil && (n.Kind == yaml.DocumentNode || n.Kind == yaml.AliasNode) {
		switch n.Kind {
		case yaml.DocumentNode:
			if len(n.Content) == 0 {
				return nil
			}
			n = n.Content[0]
		case yaml.AliasNode:
			n = n.Alias
		}
	}
	return n
}

// pickWeighted draws a name with probability weight/total, walking the
// entries in order with randN(total) as the original's rand(total). It
// returns "" when nothing can be picked: no entries or all weights 0 (or a
// total beyond int64).
func pickWeighted(ws []weight, randN func(int64) int64) string {
	var total int64
	for _, w := range ws {
		if w.w > math.MaxInt64-total {
			return ""
		}
		total += w.w
	}
	if total == 0 {
		return ""
	}
	r := randN(total)
	for _, w := range ws {
		if r < w.w {
			return w.name
		}
		r -= w.w
	}
	return ""
}

// sameWeights compares as the original's Hash#hash does: order aside.
func sameWeights(a, b []weight) bool {
	return a != nil && b != nil && maps.Equal(weightMap(a), weightMap(b))
}

func weightMap(ws []weight) map[string]int64 {
	m := make(map[string]int64, len(ws))
	for _, w := range ws {
		m[w.name] = w.w
	}
	return m
}

// toggle is what one S3 object decided: the weights last picked from and
// the pick.
type toggle struct {
	weights []weight
	pick    string
}

// apply takes freshly read weights. Unchanged weights keep the pick (no
// new draw, so a 50/50 object does not flip every poll); weights that
// pick nothing keep the previous pick and are tried again next time. It
// reports whether a new draw was made.
func (t *toggle) apply(ws []weight, randN func(int64) int64) bool {
	if sameWeights(t.weights, ws) {
		return false
	}
	p := pickWeighted(ws, randN)
	if p == "" {
		return false
	}
	t.weights, t.pick = ws, p
	return true
}
