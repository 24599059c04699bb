package template

import (
	"context"
	"fmt"
	"os/exec"
	"strings"
	"time"
)

// runCommand runs command with sh -c, killed after timeout. Its output is
// kept for the error: a failing reload must say why.
func runCommand(ctx context.Context, command string, timeout time.Duration) error {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, "/bin/sh", "-c", command)
	// Don't wait on the command's grandchildren holding the pipe.
	cmd.WaitDelay = time.Second
	out, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("command %q: %w: %.500s", command, err, strings.TrimSpace(string(out)))
	}
	return nil
}
