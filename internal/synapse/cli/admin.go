package cli

import (
	"os"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/smartstack-go/smartstack/internal/adminsock"
	"github.com/smartstack-go/smartstack/internal/synapse/admin"
)

// adminFlags are the daemon's admin socket flags. explicit is false while
// the path is only the default, so failing to create it is a warning.
type adminFlags struct {
	socket, group string
	explicit      bool
}

const socketHelp = "admin socket (UNIX, mode 0660) that synapse status reads; \"\" disables it; env SYNAPSE_ADMIN_SOCKET; default $RUNTIME_DIRECTORY/synapse.sock under systemd, else /run/synapse/synapse.sock"

func (a *adminFlags) register(f *pflag.FlagSet) {
	f.StringVar(&a.socket, "admin-socket", envOr("SYNAPSE_ADMIN_SOCKET", admin.DefaultSocket(os.LookupEnv)), socketHelp)
	_, a.explicit = os.LookupEnv("SYNAPSE_ADMIN_SOCKET")
	f.StringVar(&a.group, "admin-group", os.Getenv("SYNAPSE_ADMIN_GROUP"),
		"group (name or gid) owning the admin socket; its members may read synapse's state; default the daemon's own group; env SYNAPSE_ADMIN_GROUP")
}

// resolve notes a path given on the command line as explicit.
func (a *adminFlags) resolve(cmd *cobra.Command) {
	a.explicit = a.explicit || cmd.Flags().Changed("admin-socket")
}

func envOr(name, def string) string {
	if v, ok := os.LookupEnv(name); ok {
		return v
	}
	return def
}

// socketHint says what to do about the usual socket errors.
func socketHint(path string, err error) error { return adminsock.Hint("synapse", path, err) }
