package testutil

import (
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"

	amqp "github.com/rabbitmq/amqp091-go"
)

const (
	// rabbitDebianServer is the real start script; /usr/sbin/rabbitmq-server
	// is a wrapper that switches to the rabbitmq user and its system dirs.
	rabbitDebianServer = "/usr/lib/rabbitmq/bin/rabbitmq-server"
	rabbitInstallHint  = "run `make deps` (or `apt-get install -y rabbitmq-server`)"
	rabbitReadyTimeout = 60 * time.Second
	rabbitStopGrace    = 15 * time.Second
)

// RabbitMQ is a real RabbitMQ broker with its own epmd, every port on
// 127.0.0.1 and every file in a temp dir. The default user guest/guest may
// connect (from loopback). Most tests want SharedRabbitMQ: the broker takes
// seconds to start.
type RabbitMQ struct {
	Port     int // AMQP
	distPort int
	epmdPort int
	dir      string
	epmd     *proc
	broker   *proc
	stopOnce sync.Once
	stopErr  error
}

// RabbitMQInstalled reports why a broker cannot be started here, or nil.
func RabbitMQInstalled() error {
	_, _, err := rabbitBinaries()
	return err
}

func rabbitBinaries() (server, epmd string, err error) {
	server = rabbitDebianServer
	if _, statErr := os.Stat(server); statErr != nil {
		if server, err = exec.LookPath("rabbitmq-server"); err != nil {
			return "", "", fmt.Errorf("rabbitmq tests need rabbitmq-server: %w; %s", err, rabbitInstallHint)
		}
	}
	if epmd, err = exec.LookPath("epmd"); err != nil {
		return "", "", fmt.Errorf("rabbitmq tests need epmd (Erlang): %w; %s", err, rabbitInstallHint)
	}
	return server, epmd, nil
}

// StartRabbitMQ starts a broker for this test alone and stops it by PID on
// cleanup. Prefer SharedRabbitMQ unless the test stops the broker.
func StartRabbitMQ(t testing.TB) *RabbitMQ {
	t.Helper()
	return startServer(t, "RabbitMQ", RabbitMQInstalled, startRabbitMQ)
}

func startRabbitMQ(dir string) (*RabbitMQ, error) {
	server, epmd, err := rabbitBinaries()
	if err != nil {
		return nil, err
	}
	return retryBindRace(func(attempt int) (*RabbitMQ, bool, error) {
		r := &RabbitMQ{dir: filepath.Join(dir, fmt.Sprintf("rabbitmq-%d", attempt))}
		if err := r.start(server, epmd); err != nil {
			retry, err := giveUp(r, err)
			return nil, retry, err
		}
		return r, false, nil
	})
}

func (r *RabbitMQ) start(server, epmd string) error {
	var err error
	for _, p := range []*int{&r.Port, &r.distPort, &r.epmdPort} {
		if *p, err = freePort(); err != nil {
			return err
		}
	}
	if err := r.writeFiles(); err != nil {
		return err
	}
	// Our own epmd on a private port: the one Erlang would start by itself
	// listens on 4369 for the whole host and outlives the broker.
	r.epmd, err = startProc(procSpec{logPath: r.logPath(), bin: epmd, holdStdin: true,
		args: []string{"-port", strconv.Itoa(r.epmdPort), "-address", "127.0.0.1"}})
	if err != nil {
		return err
	}
	if err := Poll(10*time.Second, func() error { return r.epmd.dialable(r.epmdPort) }); err != nil {
		return fmt.Errorf("epmd on port %d: %w", r.epmdPort, err)
	}
	if r.broker, err = startProc(procSpec{logPath: r.logPath(), bin: server, env: r.env(), holdStdin: true}); err != nil {
		return err
	}
	start := time.Now()
	if err := Poll(rabbitReadyTimeout, r.ready); err != nil {
		return fmt.Errorf("rabbitmq on port %d not ready after %s: %w\n%s",
			r.Port, time.Since(start).Round(time.Millisecond), err, r.LogTail())
	}
	return nil
}

func (r *RabbitMQ) writeFiles() error {
	for _, d := range []string{"mnesia", "log", "home"} {
		if err := os.MkdirAll(filepath.Join(r.dir, d), 0o755); err != nil {
			return fmt.Errorf("rabbitmq dir: %w", err)
		}
	}
	// A low disk limit: the default (50 MB free) would block publishers on
	// a full CI disk and turn into confusing check timeouts.
	conf := fmt.Sprintf("listeners.tcp.1 = 127.0.0.1:%d\ndisk_free_limit.absolute = 1MB\n", r.Port)
	files := map[string]string{"rabbitmq.conf": conf, "enabled_plugins": "[].\n"}
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(r.dir, name), []byte(content), 0o644); err != nil {
			return fmt.Errorf("rabbitmq %s: %w", name, err)
		}
	}
	return nil
}

// env points every path of the broker into r.dir. RABBITMQ_ALLOW_INPUT
// makes the script exec the Erlang VM itself (so our PID is the broker's
// and Pdeathsig reaches it) with the shell reading stdin, which we hold:
// end of input stops the VM if the test binary dies.
func (r *RabbitMQ) env() []string {
	p := func(name string) string { return filepath.Join(r.dir, name) }
	return append(os.Environ(),
		"HOME="+p("home"),
		"ERL_EPMD_PORT="+strconv.Itoa(r.epmdPort),
		"ERL_EPMD_ADDRESS=127.0.0.1",
		"RABBITMQ_NODENAME=rabbit-test-"+strconv.Itoa(r.Port)+"@localhost",
		"RABBITMQ_NODE_IP_ADDRESS=127.0.0.1",
		"RABBITMQ_NODE_PORT="+strconv.Itoa(r.Port),
		"RABBITMQ_DIST_PORT="+strconv.Itoa(r.distPort),
		"RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS=-kernel inet_dist_use_interface {127,0,0,1}",
		"RABBITMQ_MNESIA_BASE="+p("mnesia"),
		"RABBITMQ_LOG_BASE="+p("log"),
		"RABBITMQ_LOGS=-",
		"RABBITMQ_CONFIG_FILE="+p("rabbitmq.conf"),
		"RABBITMQ_ADVANCED_CONFIG_FILE="+p("advanced.config"),
		"RABBITMQ_CONF_ENV_FILE="+p("rabbitmq-env.conf"),
		"RABBITMQ_ENABLED_PLUGINS_FILE="+p("enabled_plugins"),
		"RABBITMQ_PID_FILE="+p("rabbitmq.pid"),
		"RABBITMQ_ALLOW_INPUT=true",
	)
}

// ready is an AMQP handshake as guest: the port opens a moment before the
// broker accepts logins.
func (r *RabbitMQ) ready() error {
	if r.broker.hasExited() {
		return errors.New("rabbitmq-server exited")
	}
	conn, err := amqp.DialConfig(r.URL(), amqp.Config{Dial: amqp.DefaultDial(2 * time.Second)})
	if err != nil {
		return err
	}
	return conn.Close()
}

// Addr is the AMQP listener's host:port.
func (r *RabbitMQ) Addr() string { return net.JoinHostPort("127.0.0.1", strconv.Itoa(r.Port)) }

// URL is the broker's AMQP URL with the guest user.
func (r *RabbitMQ) URL() string { return "amqp://guest:guest@" + r.Addr() + "/" }

// PID is the broker's (the Erlang VM's) process id.
func (r *RabbitMQ) PID() int { return r.broker.pid() }

// Stop stops the broker, then its epmd, by PID: SIGTERM and SIGKILL after
// a grace period. It is idempotent.
func (r *RabbitMQ) Stop() error {
	r.stopOnce.Do(func() {
		r.stopErr = errors.Join(r.broker.stop(rabbitStopGrace), r.epmd.stop(rabbitStopGrace))
	})
	return r.stopErr
}

func (r *RabbitMQ) logPath() string { return filepath.Join(r.dir, "rabbitmq.log") }

// LogTail returns the end of the broker's and epmd's output.
func (r *RabbitMQ) LogTail() string { return logTail(r.logPath(), 8192) }
