package config

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

// Duration is a config duration. The originals write seconds as numbers
// (`check_interval: 2`, `timeout: 0.2`); a Go duration string ("250ms", "1m")
// is accepted too, and so is a number in a string ("2", "0.2"), read as
// seconds like the originals' to_f. Negative durations are errors.
type Duration time.Duration

// UnmarshalYAML implements yaml.Unmarshaler.
func (d *Duration) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind != yaml.ScalarNode {
		return fmt.Errorf("cannot use %s as a duration", describe(n))
	}
	v, err := parseDuration(strings.TrimSpace(n.Value))
	if err != nil {
		return fmt.Errorf("invalid duration %q: %w", n.Value, err)
	}
	*d = v
	return nil
}

var errDurationSyntax = errors.New(`want seconds (2, 0.2) or a duration string ("250ms")`)

func parseDuration(s string) (Duration, error) {
	if f, err := strconv.ParseFloat(s, 64); err == nil && isDecimal(s) {
		switch {
		case f < 0:
			return 0, errors.New("must not be negative")
		case f*float64(time.Second) >= math.MaxInt64:
			return 0, errors.New("too large")
		}
		return Duration(math.Round(f * float64(time.Second))), nil
	}
	v, err := time.ParseDuration(s)
	switch {
	case err != nil:
		return 0, errDurationSyntax
	case v < 0:
		return 0, errors.New("must not be negative")
	}
	return Duration(v), nil
}

// isDecimal rejects what ParseFloat takes but no config means as seconds:
// "inf", "NaN", hex floats, underscores.
func isDecimal(s string) bool {
	return s != "" && strings.Trim(s, "+-0123456789.eE") == "" && strings.ContainsAny(s, "0123456789")
}

// MarshalYAML writes seconds, as an integer when whole: 2, 0.25.
func (d Duration) MarshalYAML() (any, error) { return d.seconds(), nil }

// MarshalJSON writes seconds, as MarshalYAML does, so status output matches
// the config it came from.
func (d Duration) MarshalJSON() ([]byte, error) {
	return []byte(strconv.FormatFloat(d.Seconds(), 'f', -1, 64)), nil
}

func (d Duration) seconds() any {
	if d%Duration(time.Second) == 0 {
		return int64(d / Duration(time.Second))
	}
	return d.Seconds()
}

// Seconds returns d in seconds.
func (d Duration) Seconds() float64 { return time.Duration(d).Seconds() }

// String formats d as time.Duration does ("1.5s").
func (d Duration) String() string { return time.Duration(d).String() }
