package registration

import (
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// MaxEncodedLen is the longest base64 text nerve puts into a child name.
// ZooKeeper fails a getChildren reply over 4 MiB (ZOOKEEPER-272); 64 KiB per
// name keeps room for a reasonable number of children.
const MaxEncodedLen = 65536

const encodedTag = "base64_"

// ErrNotEncoded is returned by ParseChildName for a name that does not start
// with "base64_": the registration has to be read from the node's data.
var ErrNotEncoded = errors.New("registration: child name is not base64-encoded")

// PlainPrefix returns the child-name prefix without path encoding,
// "<instance_id>_". ZooKeeper appends the 10-digit sequence to it for
// sequential nodes; other node types use it as is, trailing "_" included.
func PlainPrefix(instanceID string) string { return instanceID + "_" }

// EncodedLen returns the length L of the base64 text for a payload, which
// nerve reports as the gauge nerve.reporter.zk.child.bytes.
func EncodedLen(payload []byte) int { return base64.URLEncoding.EncodedLen(len(payload)) }

// EncodedPrefix returns the path-encoded prefix "base64_<L>_<B>_", where B is
// the URL-safe base64 (with "=" padding) of the exact payload bytes and L is
// len(B). It reports false when L exceeds MaxEncodedLen.
func EncodedPrefix(payload []byte) (string, bool) {
	if EncodedLen(payload) > MaxEncodedLen {
		return "", false
	}
	b := base64.URLEncoding.EncodeToString(payload)
	return encodedTag + strconv.Itoa(len(b)) + "_" + b + "_", true
}

// ChildPrefix returns the prefix nerve creates: the encoded one when
// usePathEncoding is set and the payload fits, the plain one otherwise
// (silently, as nerve does).
func ChildPrefix(instanceID string, payload []byte, usePathEncoding bool) string {
	if usePathEncoding {
		if p, ok := EncodedPrefix(payload); ok {
			return p
		}
	}
	return PlainPrefix(instanceID)
}

// PrefixPath joins zkPath and a child prefix into the path nerve passes to
// create. Trailing slashes of zkPath are dropped so that "/" and "/a/" give
// valid paths; nerve concatenated blindly and ZooKeeper refused "//x_".
func PrefixPath(zkPath, childPrefix string) string {
	return strings.TrimRight(zkPath, "/") + "/" + childPrefix
}

// ParseChildName decodes a registration from a "base64_<L>_<B>[_<seq>]"
// child name, so that Synapse need not read the node. The payload is parsed
// in nerve format and validated as Parse validates it (the Ruby Synapse did
// not validate here); on any error the caller falls back to reading the
// node's data. ErrNotEncoded means the name has no base64_ prefix. ID is
// set from the sequence suffix as SequenceID finds it.
func ParseChildName(name string) (Backend, error) {
	b, err := parseChildName(name)
	if err != nil {
		if errors.Is(err, ErrNotEncoded) {
			return Backend{}, err
		}
		return Backend{}, fmt.Errorf("registration: base64 child name: %w", err)
	}
	if id, ok := SequenceID(name); ok {
		b.ID = &id
	}
	return b, nil
}

func parseChildName(name string) (Backend, error) {
	encoded, err := encodedPart(name)
	if err != nil {
		return Backend{}, err
	}
	payload, err := decodeBase64(encoded)
	if err != nil {
		return Backend{}, err
	}
	return parseNerve(payload)
}

// encodedPart returns the L characters after "base64_<L>_". They must be
// followed by "_" or the end of the name (the Ruby reader did not check;
// nerve always writes the "_").
func encodedPart(name string) (string, error) {
	rest, ok := strings.CutPrefix(name, encodedTag)
	if !ok {
		return "", ErrNotEncoded
	}
	lenText, rest, ok := strings.Cut(rest, "_")
	if !ok || !isDigits(lenText) {
		return "", errors.New(`no "<length>_" after "base64_"`)
	}
	n, err := strconv.Atoi(lenText)
	if err != nil || n == 0 || n > len(rest) {
		return "", fmt.Errorf("length %s does not fit the %d characters that follow", lenText, len(rest))
	}
	if n < len(rest) && rest[n] != '_' {
		return "", fmt.Errorf("no \"_\" after the %d encoded characters", n)
	}
	return rest[:n], nil
}

// decodeBase64 follows Ruby's Base64.urlsafe_decode64: padding is optional
// only when the text does not end in "=" and its length is not a multiple
// of 4; decoding is strict (no stray bits, no line breaks).
func decodeBase64(s string) ([]byte, error) {
	if strings.ContainsAny(s, "\r\n") {
		return nil, errors.New("invalid base64: line break")
	}
	enc := base64.URLEncoding
	if !strings.HasSuffix(s, "=") && len(s)%4 != 0 {
		enc = base64.RawURLEncoding
	}
	b, err := enc.Strict().DecodeString(s)
	if err != nil {
		return nil, fmt.Errorf("invalid base64: %w", err)
	}
	return b, nil
}

// SequenceID returns the numeric id Synapse derives from a child name: the
// last "_"-separated token when it is all ASCII digits (nerve's 10-digit
// sequence suffix), e.g. 5 for "i-xxxxxxx_0000000005" and none for
// "i-xxxxxxx_60da". Like Ruby's String#split, trailing empty tokens are
// dropped first, so "host_12_" yields 12. Digits beyond int64 yield none
// (Ruby would make a Bignum; ZooKeeper's counter is an int32).
func SequenceID(name string) (int64, bool) {
	name = strings.TrimRight(name, "_")
	tok := name[strings.LastIndexByte(name, '_')+1:]
	if !isDigits(tok) {
		return 0, false
	}
	n, err := strconv.ParseInt(tok, 10, 64)
	if err != nil {
		return 0, false
	}
	return n, true
}
