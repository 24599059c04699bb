//go:build !linux

package testutil

import "syscall"

func etcdSysProcAttr() *syscall.SysProcAttr { return nil }
