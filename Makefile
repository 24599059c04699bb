# smartstack: nerve and synapse. `make test` and `make demo` are the two
# commands the README promises work on a fresh machine.

GO          ?= go
BIN         := bin
VERSION     ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS     := -X github.com/smartstack-go/smartstack/internal/version.Version=$(VERSION)
STATICCHECK := honnef.co/go/tools/cmd/staticcheck@v0.8.2
# The race detector slows the real-process tests; 10m keeps a hung test from
# eating the CI budget while leaving room on 2 cores.
TESTFLAGS   ?= -race -timeout 10m

.PHONY: all build test test-unit test-integration test-e2e test-short lint deps bench bench-fleet bench-micro soak demo golden fuzz clean dist deb dist-gen check-install

all: build

# Built as the package builds them (static, no cgo), so that `make bench`
# and `make demo` measure and run what operators install: the dynamic
# build maps libc and the loader, about 1.5 MiB more resident per daemon.
build:
	CGO_ENABLED=0 $(GO) build -trimpath -ldflags "$(LDFLAGS)" -o $(BIN)/nerve ./cmd/nerve
	CGO_ENABLED=0 $(GO) build -trimpath -ldflags "$(LDFLAGS)" -o $(BIN)/synapse ./cmd/synapse

deps:
	@./scripts/deps.sh

# Everything: unit, golden, fuzz seeds, integration and end-to-end against
# real ZooKeeper and HAProxy.
test: deps
	$(GO) test $(TESTFLAGS) ./...

# The tiers one at a time; `make test` is all three.
# Unit: skips every test that starts ZooKeeper, HAProxy or another server.
test-unit:
	$(GO) test $(TESTFLAGS) -short ./...

# Integration: the packages under internal/ and pkg/, with the real servers.
test-integration: deps
	$(GO) test $(TESTFLAGS) ./internal/... ./pkg/...

# End-to-end: the built binaries (test/e2e), the fault suite (test/fault)
# and the release artifacts (test/dist).
test-e2e: deps
	$(GO) test $(TESTFLAGS) ./test/e2e ./test/fault ./test/dist

# Quick local loop: test-unit without the race detector.
test-short:
	$(GO) test -short ./...

lint:
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...
	@# third_party holds a patched copy of go-zookeeper, linted upstream, not here.
	$(GO) run $(STATICCHECK) $$($(GO) list ./... | grep -v /third_party/)

# Rewrites the golden files from the current output. Only the packages that
# define an -update flag get it (another package's test binary would reject
# the flag); their golden tests are named Test*Golden*.
GOLDEN_PKGS = $(shell grep -rl --include='*_test.go' 'flag[.]Bool."update"' internal pkg test cmd 2>/dev/null | xargs -n1 dirname | sort -u | sed 's|^|./|')
golden:
	$(GO) test $(GOLDEN_PKGS) -run Golden -update

# Each fuzz target for a short while; `go test -fuzz` takes one target at a time.
FUZZTIME ?= 20s
fuzz:
	@grep -rl --include='*_test.go' '^func Fuzz' . | while read -r f; do \
	  for fn in $$(sed -n 's/^func \(Fuzz[A-Za-z0-9_]*\)(.*/\1/p' "$$f"); do \
	  pkg=./$$(dirname "$$f"); \
	  echo "fuzz $$pkg $$fn"; $(GO) test $$pkg -run '^$$' -fuzz "^$$fn$$" -fuzztime $(FUZZTIME) || exit 1; \
	  done; \
	done

# The synapse benchmark (test/bench, docs/benchmarks.md): real ZooKeeper,
# HAProxy and bin/synapse; prints a table, writes test/bench/out/results.json
# and never fails on a number. BENCHFLAGS passes flags (go run ./test/bench -h).
BENCHFLAGS ?=
bench: deps build
	$(GO) run ./test/bench $(BENCHFLAGS)

# The fleet benchmark (test/benchfleet, docs/scaling.md): a 3-member
# ZooKeeper ensemble on loopback, bin/nerve processes and in-process synapse
# discovery stacks; per watch mode it prints watches, heap, request rate,
# fan-out and the storm after an ensemble restart, and a linear
# extrapolation to a large fleet. Never fails on a number.
# BENCHFLEETFLAGS passes flags (go run ./test/benchfleet -h).
BENCHFLEETFLAGS ?=
bench-fleet: deps build
	$(GO) run ./test/benchfleet $(BENCHFLEETFLAGS)

# nerve's cost alone: the nerve-cpu row of `make bench` (500 services, one
# http check each at 1 s; docs/benchmarks.md). Its own .PHONY line keeps
# merges with other new targets simple.
.PHONY: bench-nerve
bench-nerve: deps build
	$(GO) run ./test/bench -only nerve-cpu $(BENCHFLAGS)

# The soak (test/soak, docs/reliability.md): the whole stack on loopback
# under random flaps, deploys, registrations and faults for $(SOAK),
# comparing HAProxy with ZooKeeper; fails only on a divergence that
# outlasts the convergence window. Not part of `make test`.
SOAK      ?= 5m
SOAKFLAGS ?=
soak: deps
	$(GO) run ./test/soak -duration $(SOAK) $(SOAKFLAGS)

# Go micro-benchmarks of the packages.
bench-micro:
	$(GO) test -run '^$$' -bench . -benchmem ./...

demo: deps build
	$(GO) build -o $(BIN)/demo-backend ./examples/demo/backend
	./scripts/demo.sh

# Release artifacts in $(DIST): static, stripped, versioned binaries per
# architecture (dist/linux_<arch>/), the man pages and completions (dist/gen)
# and one .deb per architecture (packaging/nfpm.yaml; docs/operations.md).
# nfpm runs with `go run ...@version`, as staticcheck does: a go.mod tool
# dependency would add its whole module graph (git, PGP, RPM libraries) to
# the product's go.mod.
DIST        ?= dist
DIST_ARCHES ?= amd64 arm64
NFPM        := github.com/goreleaser/nfpm/v2/cmd/nfpm@v2.48.0
# A Debian version must start with a digit: v1.2.3 becomes 1.2.3, a bare
# commit 0.0.0~git<commit>; git describe's dashes become +.
DEB_VERSION ?= $(shell echo '$(VERSION)' | sed -E 's/^v([0-9]+\.)/\1/; /^[0-9]+\./!s/^/0.0.0~git/; s/-/+/g')
ARCH        ?= amd64

dist:
	@for a in $(DIST_ARCHES); do $(MAKE) --no-print-directory deb ARCH=$$a DIST=$(DIST) || exit 1; done

# One architecture: `make deb ARCH=arm64`.
deb: dist-gen
	CGO_ENABLED=0 GOOS=linux GOARCH=$(ARCH) $(GO) build -trimpath -ldflags "-s -w $(LDFLAGS)" -o $(DIST)/linux_$(ARCH)/nerve ./cmd/nerve
	CGO_ENABLED=0 GOOS=linux GOARCH=$(ARCH) $(GO) build -trimpath -ldflags "-s -w $(LDFLAGS)" -o $(DIST)/linux_$(ARCH)/synapse ./cmd/synapse
	ARCH=$(ARCH) VERSION=$(DEB_VERSION) BIN=$(DIST)/linux_$(ARCH) GEN=$(DIST)/gen \
	  $(GO) run $(NFPM) package --config packaging/nfpm.yaml --packager deb --target $(DIST)/

dist-gen:
	rm -rf $(DIST)/gen
	$(GO) run -ldflags "$(LDFLAGS)" ./internal/tools/docgen -out $(DIST)/gen
	gzip -9n $(DIST)/gen/man/*.1

# `go install github.com/smartstack-go/smartstack/cmd/...@version` from a
# local file:// proxy into an empty GOPATH, no network (also in make test).
check-install:
	$(GO) test -run TestGoInstall -count=1 ./test/dist/

clean:
	rm -rf $(BIN) $(DIST)
