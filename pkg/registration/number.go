package registration

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// IntValue returns an integer number.
func IntValue(n int64) Value { return scalar(KindNumber, strconv.FormatInt(n, 10)) }

// FloatValue returns a number spelled as Ruby's Float#to_s spells it (3.0 is
// "3.0", 1e20 is "1.0e+20"), since that is what JSON.generate writes for a
// Float. NaN and infinities are kept but cannot be marshalled, as in Ruby.
func FloatValue(f float64) Value { return scalar(KindNumber, rubyFloat(f)) }

// NumberValue returns the number written as the JSON literal lit, re-spelled
// the way Ruby would write it back after JSON.parse: integers stay as they
// are ("-0" becomes "0"), anything with a fraction or exponent is a Float
// ("1.50" becomes "1.5", "1E2" becomes "100.0"). A literal beyond float64's
// range is kept as written (Ruby would read Infinity and then refuse to
// write it).
func NumberValue(lit string) (Value, error) {
	v, err := parseNumber(lit)
	if err != nil {
		return Value{}, fmt.Errorf("registration: %w", err)
	}
	return v, nil
}

func parseNumber(lit string) (Value, error) {
	if !isJSONNumber(lit) {
		return Value{}, fmt.Errorf("invalid JSON number %q", lit)
	}
	return scalar(KindNumber, canonicalNumber(lit)), nil
}

func isJSONNumber(lit string) bool {
	if lit == "" || (lit[0] != '-' && (lit[0] < '0' || lit[0] > '9')) {
		return false
	}
	last := lit[len(lit)-1]
	return last >= '0' && last <= '9' && json.Valid([]byte(lit))
}

// canonicalNumber expects a valid JSON number literal.
func canonicalNumber(lit string) string {
	if !strings.ContainsAny(lit, ".eE") {
		if lit == "-0" {
			return "0"
		}
		return lit
	}
	f, err := strconv.ParseFloat(lit, 64)
	if err != nil {
		return lit
	}
	return rubyFloat(f)
}

// rubyFloat follows Ruby's flo_to_s: the shortest digits that round-trip
// (Go's -1 precision is the same choice as Ruby's dtoa mode 0), then fixed
// notation unless that needs zero padding past 15 integer digits or the
// number is below 0.0001: 1e15 is "1.0e+15", 1e14 "100000000000000.0".
func rubyFloat(f float64) string {
	switch {
	case math.IsNaN(f):
		return "NaN"
	case math.IsInf(f, 1):
		return "Infinity"
	case math.IsInf(f, -1):
		return "-Infinity"
	}
	sign := ""
	if math.Signbit(f) {
		sign, f = "-", -f
	}
	if f == 0 {
		return sign + "0.0"
	}
	mant, exp, _ := strings.Cut(strconv.FormatFloat(f, 'e', -1, 64), "e")
	digits := strings.Replace(mant, ".", "", 1)
	e, _ := strconv.Atoi(exp)
	return sign + placePoint(digits, e+1)
}

// placePoint writes digits with the decimal point after decpt digits, in
// Ruby's layout.
func placePoint(digits string, decpt int) string {
	n := len(digits)
	switch {
	case decpt > 0 && decpt < n:
		return digits[:decpt] + "." + digits[decpt:]
	case decpt > 0 && decpt <= 15: // DBL_DIG
		return digits + strings.Repeat("0", decpt-n) + ".0"
	case decpt <= 0 && decpt > -4:
		return "0." + strings.Repeat("0", -decpt) + digits
	}
	frac := digits[1:]
	if frac == "" {
		frac = "0"
	}
	return fmt.Sprintf("%s.%se%+03d", digits[:1], frac, decpt-1)
}
