package config

// The check types are compiled in (the original loaded plugins by name), so
// every built-in type is linked wherever configs are validated: -k must
// know them all.
import (
	_ "github.com/smartstack-go/smartstack/internal/check/exec"
	_ "github.com/smartstack-go/smartstack/internal/check/http"
	_ "github.com/smartstack-go/smartstack/internal/check/rabbitmq"
	_ "github.com/smartstack-go/smartstack/internal/check/redis"
	_ "github.com/smartstack-go/smartstack/internal/check/tcp"
)
