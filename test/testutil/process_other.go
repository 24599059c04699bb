//go:build !linux

package testutil

import "syscall"

func childSysProcAttr() *syscall.SysProcAttr { return nil }
