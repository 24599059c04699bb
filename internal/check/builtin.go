package check

import (
	"context"
	"errors"
)

// noop is "nerve running means registered", as in the original.
type noop struct{}

func (noop) Check(context.Context) error { return nil }

// base is the original's unimplemented stub: always down. Configs use it in
// tests and as a deliberate "never register" switch.
type base struct{}

var errBase = errors.New("base check is not implemented and always fails")

func (base) Check(context.Context) error { return errBase }

func init() {
	Register("noop", func(Common, Decoder) (Check, error) { return noop{}, nil })
	Register("base", func(Common, Decoder) (Check, error) { return base{}, nil })
}

var (
	_ Check = noop{}
	_ Check = base{}
)
