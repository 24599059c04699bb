package haproxy

import "github.com/smartstack-go/smartstack/pkg/registration"

// These mirror package render's test helpers for the generator's tests.

func testConfig() *Config {
	c := NewConfig()
	c.Global, c.Defaults = []string{"daemon"}, []string{"mode http"}
	c.ServerSlots = 0
	return &c
}

func backend(name, host string, port int) Backend {
	b := Backend{Backend: registration.Backend{Host: host, Port: registration.NumberPort(port)}}
	if name != "" {
		b.Name = registration.StringValue(name)
	}
	return b
}

func withOptions(b Backend, hso string) Backend {
	b.HAProxyServerOptions = registration.StringValue(hso)
	return b
}

// nameChar is the character set ServerName keeps.
func nameChar(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' ||
		c == '.' || c == '_' || c == ':' || c == '-'
}
