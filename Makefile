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

.PHONY: all build test test-short lint deps bench bench-micro demo golden fuzz clean

all: build

build:
	$(GO) build -ldflags "$(LDFLAGS)" -o $(BIN)/nerve ./cmd/nerve
	$(GO) build -ldflags "$(LDFLAGS)" -o $(BIN)/synapse ./cmd/synapse

deps:
	@./scripts/deps.sh

# Everything: unit, golden, fuzz seeds, integration and end-to-end against
# real ZooKeeper and HAProxy.
test: deps
	$(GO) test $(TESTFLAGS) ./...

# Quick local loop: skips the tests that start ZooKeeper or HAProxy.
test-short:
	$(GO) test -short ./...

lint:
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...
	@# third_party holds a patched copy of go-zookeeper, linted upstream, not here.
	$(GO) run $(STATICCHECK) $$($(GO) list ./... | grep -v /third_party/)

golden:
	$(GO) test ./... -run Golden -update

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

# Go micro-benchmarks of the packages.
bench-micro:
	$(GO) test -run '^$$' -bench . -benchmem ./...

demo: deps build
	$(GO) build -o $(BIN)/demo-backend ./examples/demo/backend
	./scripts/demo.sh

clean:
	rm -rf $(BIN)
