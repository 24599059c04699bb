//go:build !linux

package testutil

import "syscall"

func rabbitSysProcAttr() *syscall.SysProcAttr { return nil }
