// Package etcd is nerve's experimental etcd reporter (docs/nerve.md):
// one in-order key per registration under <etcd_path>/<instance_id>, with a
// TTL of five check intervals that every Ping refreshes, on the etcd v2
// keys API.
//
// Unlike the original, ReportDown forgets the key it deleted: the original
// kept it, so the next ping re-created a service that had just gone down.
package etcd

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"net"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/smartstack-go/smartstack/internal/etcdv2"
	"github.com/smartstack-go/smartstack/internal/reporter"
)

func init() {
	reporter.Register("etcd", reporter.Type{
		NewConfig: func() any { return NewConfig() },
		New:       New,
	})
}

// DefaultPort is the original's default etcd_port (its README says 4001).
const DefaultPort = 4003

// Config is the etcd reporter's part of a service section.
type Config struct {
	Host string `yaml:"etcd_host"`
	Port int    `yaml:"etcd_port"`
	Path string `yaml:"etcd_path"`
}

// NewConfig returns a Config with the original's defaults.
func NewConfig() *Config { return &Config{Port: DefaultPort, Path: "/"} }

// Validate checks the keys the original requires or would fail on later.
func (c *Config) Validate() error {
	errs := etcdv2.CheckEndpoint(c.Host, c.Port)
	return errors.Join(errs...)
}

// Reporter registers one service instance as an etcd key. It has no
// goroutines: the worker's rounds do all the work, Ping being the TTL
// refresh.
type Reporter struct {
	svc  reporter.Service
	base string // http://host:port
	dir  string // the in-order directory: etcd_path + "/" + instance_id
	ttl  int    // seconds
	log  *slog.Logger
	c    *etcdv2.Client
	key  string // the registered key, "" when there is none
}

// New builds a reporter from a *Config (or Config). It does not connect.
func New(s reporter.Service, cfg any, opts reporter.Options) (reporter.Reporter, error) {
	var c *Config
	switch v := cfg.(type) {
	case *Config:
		c = v
	case Config:
		c = &v
	}
	if c == nil {
		return nil, fmt.Errorf("etcd reporter: config is %T, want *etcd.Config", cfg)
	}
	if err := c.Validate(); err != nil {
		return nil, fmt.Errorf("etcd reporter for %s: %w", s.Name, err)
	}
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Reporter{
		svc: s, base: "http://" + net.JoinHostPort(c.Host, strconv.Itoa(c.Port)),
		dir: keyDir(c.Path, s.InstanceID), ttl: ttlSeconds(s.CheckInterval),
		log: log.With("service", s.Name),
	}, nil
}

// keyDir joins etcd_path and the instance id as the original's
// split('/').push(id).join('/') does; etcd keys are rooted either way.
func keyDir(etcdPath, instanceID string) string {
	var parts []string
	for _, p := range strings.Split(etcdPath, "/") {
		if p != "" {
			parts = append(parts, p)
		}
	}
	return "/" + strings.Join(append(parts, instanceID), "/")
}

// ttlSeconds is ceil(5 × check_interval), at least 1: etcd expires a key
// with ttl=0 at once, which the original would do for check_interval 0.
func ttlSeconds(interval time.Duration) int {
	return max(1, int(math.Ceil(5*interval.Seconds())))
}

// Start makes the HTTP client; nothing is sent until the first round.
func (r *Reporter) Start(_ context.Context) error {
	r.c = etcdv2.New(r.base, requestTimeout, maxBody)
	r.log.Info("etcd reporter ready", "etcd", r.base, "dir", r.dir, "ttl_seconds", r.ttl)
	return nil
}

// ReportUp creates an in-order key the first time and sets it afterwards,
// both with the TTL. A key that expired meanwhile is replaced by a new one.
func (r *Reporter) ReportUp(ctx context.Context) error {
	if r.c == nil {
		return errNotStarted
	}
	if r.key != "" {
		err := r.refresh(ctx)
		if !errors.Is(err, reporter.ErrGone) {
			return err
		}
	}
	resp, err := r.c.Keys(ctx, "POST", r.dir, nil, etcdv2.TTLForm(string(r.svc.Payload), r.ttl, false))
	if err != nil {
		return notConnected(err)
	}
	r.key = resp.Node.Key
	r.log.Info("registered etcd key", "key", r.key, "ttl_seconds", r.ttl)
	return nil
}

// refresh re-sets the known key with the payload and TTL. prevExist keeps
// it from resurrecting a key that expired: the worker should decide afresh
// whether the service is up.
func (r *Reporter) refresh(ctx context.Context) error {
	_, err := r.c.Keys(ctx, "PUT", r.key, nil, etcdv2.TTLForm(string(r.svc.Payload), r.ttl, true))
	if etcdv2.HasCode(err, etcdv2.CodeKeyNotFound) {
		r.log.Warn("etcd key expired or was deleted", "key", r.key)
		gone := fmt.Errorf("etcd key %s: %w", r.key, reporter.ErrGone)
		r.key = ""
		return gone
	}
	return notConnected(err)
}

// Ping refreshes the key's TTL when there is one, else checks that etcd
// answers. /v2/members is answered by any member; /v2/stats/leader only by
// the leader, and the original's `leader` call was etcd 0.x's /v2/leader,
// which no longer exists.
func (r *Reporter) Ping(ctx context.Context) error {
	if r.c == nil {
		return errNotStarted
	}
	if r.key != "" {
		return r.refresh(ctx)
	}
	return notConnected(r.c.Members(ctx))
}

// ReportDown deletes the key and forgets it whatever happens: a key that
// could not be deleted expires after its TTL, and one kept would be
// refreshed back to life by the next Ping (the original's bug).
func (r *Reporter) ReportDown(ctx context.Context) error {
	if r.c == nil || r.key == "" {
		return nil
	}
	key := r.key
	r.key = ""
	_, err := r.c.Keys(ctx, "DELETE", key, nil, nil)
	err = notConnected(err)
	switch {
	case err == nil:
		r.log.Info("deleted etcd key", "key", key)
		return nil
	case etcdv2.HasCode(err, etcdv2.CodeKeyNotFound):
		return nil
	case errors.Is(err, reporter.ErrNotConnected):
		r.log.Warn("etcd key not deleted; it expires after its ttl", "key", key, "ttl_seconds", r.ttl, "err", err)
		return nil
	}
	return err
}

// SetPayload implements reporter.Updater: the same key is set again with
// the new payload (a key that expired meanwhile is replaced by a new one,
// as ReportUp does).
func (r *Reporter) SetPayload(ctx context.Context, payload []byte) error {
	r.svc.Payload = slices.Clone(payload)
	if r.c == nil || r.key == "" {
		return nil
	}
	return r.ReportUp(ctx)
}

// Stop deregisters and drops idle connections.
func (r *Reporter) Stop(ctx context.Context) error {
	if r.c == nil {
		return nil
	}
	err := r.ReportDown(ctx)
	r.c.CloseIdleConnections()
	r.c = nil
	return err
}

// requestTimeout bounds a request whose ctx has no deadline: a hung etcd
// must not stall the worker's round forever.
const requestTimeout = 10 * time.Second

// maxBody bounds an answer; the reporter reads one node or the members.
const maxBody = 1 << 20

// notConnected marks etcd's transient failures (transport, 5xx) as
// reporter.ErrNotConnected, which the worker retries.
func notConnected(err error) error {
	if errors.Is(err, etcdv2.ErrUnavailable) {
		return fmt.Errorf("%w: %w", reporter.ErrNotConnected, err)
	}
	return err
}

var errNotStarted = fmt.Errorf("etcd reporter not started: %w", reporter.ErrNotConnected)

var (
	_ reporter.Reporter = (*Reporter)(nil)
	_ reporter.Updater  = (*Reporter)(nil)
)
