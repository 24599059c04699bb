// Package synapse is the synapse daemon: it runs one watcher per service,
// keeps each service's backend set, and hands the sets to the generators
// (haproxy, file_output, template) that point the proxies at them. It owns
// the run-time side: which watchers run, the state every snapshot passes
// through, when generators are called, config reloads and what /status
// reports. It does not own discovery (internal/watcher), output
// (internal/generator) or config file syntax (internal/synapse/config,
// which builds a Desired).
//
// The flow, file by file:
//
//	desired.go, serviceconfig.go,   the config the daemon runs: Desired, one
//	defaultserver.go, genconfig.go  ServiceSpec per service, its generator sections
//	daemon.go                       Daemon, Options, New, Run: starts the loops below
//	apply.go                        a (re)load: build everything new, then swap;
//	                                unchanged services keep their watcher
//	runner.go                       one goroutine per watcher, restarted with backoff
//	owner.go                        the state owner: applies snapshots, publishes a view
//	service.go, admit.go,           ServiceState: untrusted backends dropped (admit),
//	backends.go, read.go            default servers, port override, dedupe (prepare),
//	                                label filters and leader election (Backends)
//	genloop.go                      generator Update after a change (coalesced), Tick
//	ping.go, metrics.go, ready.go   watcher pings, Prometheus and statsd, readiness
//	status.go, adminsock.go         /status and the admin socket (internal/synapse/admin)
//	once.go, oncediscover.go        --once: discover every service, update, exit
//	check.go                        -k: the generators' config check
//
// Subpackages: admin (the admin socket's API and client), cli (the synapse
// command line), config (the config file loader).
package synapse
