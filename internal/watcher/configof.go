package watcher

import "fmt"

// ConfigOf is the first step of every Type.New: the registry hands over the
// decoded config as *T (or T, from callers building one by hand); it
// returns *T, validated.
func ConfigOf[T any, P interface {
	*T
	Validate() error
}](cfg any) (P, error) {
	var c P
	switch v := cfg.(type) {
	case P:
		c = v
	case T:
		c = &v
	}
	if c == nil {
		return nil, fmt.Errorf("config is %T, want %T", cfg, c)
	}
	if err := c.Validate(); err != nil {
		return nil, err
	}
	return c, nil
}
