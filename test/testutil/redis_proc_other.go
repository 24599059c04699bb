//go:build !linux

package testutil

import "syscall"

func redisSysProcAttr() *syscall.SysProcAttr { return nil }
