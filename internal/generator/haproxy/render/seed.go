package render

import (
	"fmt"
	"hash/fnv"
	"math/big"
	"regexp"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/smartstack-go/smartstack/internal/config"
)

// Seed is server_order_seed. The original reads it with to_i, so it takes
// an integer of any size and a string of digits: Yelp's synapse-tools
// writes a 128-bit integer derived from the host name, so that each host
// gets its own stable order. A seed that fits 64 bits is used as it is,
// which keeps the orders existing configs have; a larger one is replaced
// by a hash of all its digits, so that two seeds differing only beyond 64
// bits still give different orders, and the same seed the same order on
// every restart.
type Seed int64

var seedText = regexp.MustCompile(`^[+-]?[0-9]+$`)

// UnmarshalConfig implements config.Unmarshaler.
func (s *Seed) UnmarshalConfig(d *config.Decoder, n *yaml.Node, path string) error {
	text := strings.TrimSpace(n.Value)
	if n.Kind == yaml.ScalarNode && n.ShortTag() != "!!str" {
		text = strings.ReplaceAll(text, "_", "") // YAML 1.1 digit groups, as Psych reads them
	}
	var v big.Int
	if n.Kind != yaml.ScalarNode || !seedText.MatchString(text) || n.ShortTag() == "!!bool" {
		return fmt.Errorf("cannot use %s as server_order_seed: want an integer", describeNode(n))
	}
	v.SetString(text, 10)
	if n.ShortTag() == "!!str" {
		d.Warnf(n, path, "number written as a string %q; read as %s", n.Value, v.String())
	}
	if v.IsInt64() {
		*s = Seed(v.Int64())
		return nil
	}
	*s = hashSeed(v.String())
	d.Warnf(n, path, "%s does not fit in 64 bits; the server order is seeded with a hash of all its digits", v.String())
	return nil
}

// hashSeed folds the decimal digits of a seed into 64 bits with FNV-1a.
func hashSeed(digits string) Seed {
	h := fnv.New64a()
	h.Write([]byte(digits))
	return Seed(int64(h.Sum64()))
}
