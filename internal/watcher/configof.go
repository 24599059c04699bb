package watcher

import (
	"fmt"

	"github.com/smartstack-go/smartstack/internal/config"
)

// ConfigOf is the first step of every Type.New: the registry hands over the
// decoded config as *T (or T, from callers building one by hand); it
// returns *T, validated.
func ConfigOf[T any, P interface {
	*T
	Validate() error
}](cfg any) (P, error) {
	t, ok := config.As[T](cfg)
	if !ok {
		return nil, fmt.Errorf("config is %T, want %T", cfg, P(nil))
	}
	c := P(t)
	if err := c.Validate(); err != nil {
		return nil, err
	}
	return c, nil
}
