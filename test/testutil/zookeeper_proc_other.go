//go:build !linux

package testutil

import "syscall"

func zkSysProcAttr() *syscall.SysProcAttr { return nil }
