package render

import (
	"slices"
	"testing"

	"github.com/smartstack-go/smartstack/internal/config"
	"github.com/smartstack-go/smartstack/pkg/registration"
)

func decodeSeed(t *testing.T, src string) (*Seed, []string, error) {
	t.Helper()
	var c struct {
		Seed *Seed `yaml:"server_order_seed"`
	}
	ws, err := config.Decode("synapse.yaml", []byte(src), &c)
	var lines []string
	for _, w := range ws {
		lines = append(lines, w.String())
	}
	return c.Seed, lines, err
}

// Yelp's synapse-tools writes a 128-bit integer derived from an MD5 sum.
const (
	yelpSeed     = "225302419584592306417934512812452931327"
	yelpSeedNear = "225302419584592306417934512812452931328" // differs only in the low digits, beyond 64 bits
)

func TestSeedDecoding(t *testing.T) {
	tests := []struct {
		name, src string
		want      Seed
		warnings  []string
	}{
		{name: "fits 64 bits: the seed itself", src: "server_order_seed: 1234", want: 1234},
		{name: "negative", src: "server_order_seed: -5", want: -5},
		{name: "largest int64", src: "server_order_seed: 9223372036854775807", want: 9223372036854775807},
		{name: "digit string", src: `server_order_seed: "42"`, want: 42,
			warnings: []string{`synapse.yaml:1: server_order_seed: number written as a string "42"; read as 42`}},
		{name: "128 bits", src: "server_order_seed: " + yelpSeed, want: hashSeed(yelpSeed),
			warnings: []string{"synapse.yaml:1: server_order_seed: " + yelpSeed + " does not fit in 64 bits; the server order is seeded with a hash of all its digits"}},
		{name: "128 bits in JSON", src: `{"server_order_seed": ` + yelpSeed + `}`, want: hashSeed(yelpSeed),
			warnings: []string{"synapse.yaml:1: server_order_seed: " + yelpSeed + " does not fit in 64 bits; the server order is seeded with a hash of all its digits"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, warnings, err := decodeSeed(t, tt.src)
			if err != nil {
				t.Fatal(err)
			}
			if got == nil || *got != tt.want {
				t.Errorf("seed = %v, want %d", got, tt.want)
			}
			if !slices.Equal(warnings, tt.warnings) {
				t.Errorf("warnings = %q, want %q", warnings, tt.warnings)
			}
		})
	}
}

func TestSeedRejects(t *testing.T) {
	for src, want := range map[string]string{
		"server_order_seed: 1.5":   `synapse.yaml:1: server_order_seed: cannot use "1.5" as server_order_seed: want an integer`,
		"server_order_seed: true":  `synapse.yaml:1: server_order_seed: cannot use "true" as server_order_seed: want an integer`,
		"server_order_seed: [1]":   `synapse.yaml:1: server_order_seed: cannot use a list as server_order_seed: want an integer`,
		`server_order_seed: "12a"`: `synapse.yaml:1: server_order_seed: cannot use "12a" as server_order_seed: want an integer`,
	} {
		if _, _, err := decodeSeed(t, src); err == nil || err.Error() != want {
			t.Errorf("%s: err = %v, want %s", src, err, want)
		}
	}
}

// TestLargeSeedsOrder checks what the seed is for: a stable order per
// seed, and different orders for seeds that differ only beyond 64 bits.
func TestLargeSeedsOrder(t *testing.T) {
	servers := make([]server, 20)
	for i := range servers {
		servers[i] = server{name: string(rune('a' + i)), backend: &Backend{Backend: registration.Backend{Host: "h"}}}
	}
	names := func(seed string) []string {
		s, _, err := decodeSeed(t, "server_order_seed: "+seed)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, sv := range order(slices.Clone(servers), "", int64(*s)) {
			out = append(out, sv.name)
		}
		return out
	}
	first := names(yelpSeed)
	if again := names(yelpSeed); !slices.Equal(first, again) {
		t.Errorf("the same seed gave two orders:\n%v\n%v", first, again)
	}
	if near := names(yelpSeedNear); slices.Equal(first, near) {
		t.Errorf("seeds differing beyond 64 bits gave the same order %v", first)
	}
}
