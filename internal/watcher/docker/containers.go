package docker

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/smartstack-go/smartstack/pkg/registration"
)

// container is the part of a /containers/json entry the watcher reads.
// Ports is an array of {IP, PrivatePort, PublicPort, Type} since Docker
// 0.7, a string "0.0.0.0:49153->6379/tcp, ..." before, or null.
type container struct {
	ID    string          `json:"Id"`
	Image string          `json:"Image"`
	Ports json.RawMessage `json:"Ports"`
}

type portBinding struct {
	PrivatePort *int `json:"PrivatePort"`
	PublicPort  *int `json:"PublicPort"`
}

// portMap maps private port to public port, both as strings, like the
// original's rewrite_container_ports. A port exposed but not published has
// no public port and is left out, so it cannot hide a published binding of
// the same private port (another protocol, say).
func portMap(raw json.RawMessage) (map[string]string, error) {
	raw = bytes.TrimSpace(raw)
	out := map[string]string{}
	switch {
	case len(raw) == 0 || string(raw) == "null":
		return out, nil
	case raw[0] == '"':
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return nil, fmt.Errorf("ports: %w", err)
		}
		return legacyPortMap(s), nil
	}
	var bs []portBinding
	if err := json.Unmarshal(raw, &bs); err != nil {
		return nil, fmt.Errorf("ports: %w", err)
	}
	for _, b := range bs {
		if b.PrivatePort != nil && b.PublicPort != nil && *b.PublicPort > 0 {
			out[strconv.Itoa(*b.PrivatePort)] = strconv.Itoa(*b.PublicPort)
		}
	}
	return out, nil
}

// legacyPortMap reads "0.0.0.0:49153->6379/tcp, 0.0.0.0:49154->6390/tcp".
// An entry without "->" (exposed only) is skipped; the original raised.
func legacyPortMap(s string) map[string]string {
	out := map[string]string{}
	for _, e := range strings.Split(s, ", ") {
		pub, priv, ok := strings.Cut(e, "->")
		if !ok {
			continue
		}
		if i := strings.LastIndex(priv, "/"); i >= 0 {
			priv = priv[:i]
		}
		if i := strings.LastIndex(pub, ":"); i >= 0 {
			pub = pub[i+1:]
		}
		if pub != "" {
			out[priv] = pub
		}
	}
	return out
}

// imageMatches reports whether a container's Image is image_name: the image
// without its tag or digest, or (ours) exactly image_name when that names a
// tag. The original cut at the last ":", so an untagged image never
// matched and a registry port was taken for a tag; here the tag is only
// what follows a ":" after the last "/".
func imageMatches(image, name string) bool {
	return image == name || repository(image) == name
}

// repository is image without "@digest" and ":tag".
func repository(image string) string {
	if i := strings.Index(image, "@"); i >= 0 {
		image = image[:i]
	}
	if i := strings.LastIndex(image, ":"); i > strings.LastIndex(image, "/") {
		image = image[:i]
	}
	return image
}

// backends lists the containers of one server whose image matches and
// whose container port is published, as {name: server.name, host:
// server.host, port: public port as a string}, in the daemon's order.
// A container whose ports cannot be read is reported in skipped.
func (c *Config) backends(s Server, cs []container) (out []registration.Backend, skipped []error) {
	for _, ct := range cs {
		if !imageMatches(ct.Image, c.ImageName) {
			continue
		}
		ports, err := portMap(ct.Ports)
		if err != nil {
			skipped = append(skipped, fmt.Errorf("container %.12s: %w", ct.ID, err))
			continue
		}
		pub := ports[string(c.ContainerPort)]
		if pub == "" {
			continue
		}
		b := registration.Backend{Host: s.Host, Port: registration.StringPort(pub)}
		if s.Name != "" {
			b.Name = registration.StringValue(s.Name)
		}
		out = append(out, b)
	}
	return out, skipped
}
