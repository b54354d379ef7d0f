# Herd — make help lists the targets.
GO      ?= go
BIN     := bin/herd
PKGS    := ./...

.PHONY: help build web run test test-go test-invariants fuzz-short test-clients test-web test-federation lint bench bench-all fuzz clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-14s %s\n", $$1, $$2}'

build: web ## build bin/herd, with the web client in it
	$(GO) build -o $(BIN) ./cmd/herd

# The web client's sources: a change to any of them rebuilds web/dist/app (make web).
WEB_SRC := $(shell find web/src -type f 2>/dev/null) web/index.html web/package.json web/package-lock.json \
	web/tsconfig.json web/vite.config.ts web/build.sh

web: web/dist/app/index.html ## build the web client (npm ci, tsc, vite build) when its sources changed

web/dist/app/index.html: $(WEB_SRC)
	@if command -v npm >/dev/null 2>&1; then bash web/build.sh; \
	else echo "make web: npm not found, so the web client is not built: the binary will say so at /"; fi

run: build ## serve on http://127.0.0.1:8080 with the embedded engines in ./data
	./$(BIN) serve

test: lint test-go fuzz-short test-clients test-web test-federation ## the whole suite: vet, Go tests, bounded fuzzing, third-party clients, the web client in Chromium, Fedify peer

# The Go tests run beside a real SMTP server (Mailpit, built once into
# /tmp/herd-engines/bin), which ops/engines/mailpit.sh run starts and stops.
MAILPIT := bash ops/engines/mailpit.sh run

test-go: ## Go unit and integration tests (real Pebble, real HTTP on loopback, a real SMTP server)
	$(MAILPIT) $(GO) test -count=1 $(PKGS)

test-clients: ## masto.js and Mastodon.py scripted against a real node
	bash tests/clients/run.sh

test-web: ## the web client: its unit tests (Vitest), then signed in, posting and reading live in headless Chromium against a real node
	bash tests/web/run.sh

test-federation: ## a real Fedify peer federating with a real node
	bash tests/federation/run.sh

lint: ## gofmt and go vet
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) vet $(PKGS)

# ROWS=word,word measures only the rows whose name holds one of the words (make bench ROWS=home).
bench: ## the performance table: each row's Go benchmark beside this machine's limit from the same run, ratio and goal (ops/benchtable)
	$(GO) run ./ops/benchtable $(if $(ROWS),-rows '$(ROWS)') $(if $(RAW),-raw '$(RAW)')

bench-all: ## every Go benchmark of every package, unbounded
	$(GO) test -run='^$$' -bench=. -benchmem $(PKGS)

fuzz: ## run every fuzz target for 30s each
	@for p in $$($(GO) list $(PKGS)); do \
	  for f in $$($(GO) test -list='^Fuzz' $$p | grep '^Fuzz'); do \
	    echo "== $$p $$f"; $(GO) test -run='^$$' -fuzz="^$$f$$" -fuzztime=30s $$p || exit 1; \
	  done; done

# The fuzz targets that guard the input boundary, each for a bounded time in every test
# run: request to stored record and back, the value codec, parameters, remote actors,
# uploaded images (and the boxes of HEIC and AVIF, read before a decoder runs), the pages
# of link preview cards.
SHORT_FUZZ := ./store/:FuzzValueRoundTrip ./api/:FuzzCreateStatusRoundTrip ./api/:FuzzUpdateCredentialsRoundTrip \
	./api/:FuzzParams ./activitypub/:FuzzParseActor ./mediaproc/:FuzzProcess ./mediaproc/:FuzzReadHEIF ./card/:FuzzParse
FUZZTIME ?= 15s

fuzz-short: ## the input-boundary fuzz targets, $(FUZZTIME) each
	@for t in $(SHORT_FUZZ); do \
	  p=$${t%%:*}; f=$${t#*:}; echo "== fuzz $$p $$f ($(FUZZTIME))"; \
	  $(GO) test -run='^$$' -fuzz="^$$f$$" -fuzztime=$(FUZZTIME) $$p || exit 1; \
	done

test-invariants: ## the Go tests again with the invariants checks on and the race detector (CI runs it)
	$(MAILPIT) $(GO) test -count=1 -race -tags invariants $(PKGS)

clean: ## remove build output (not ./data)
	rm -rf bin web/dist/app

.PHONY: bench-report
bench-report: build ## load a fresh local node with the mixed scenario for 20s, then measure this machine's limits; report in bench-out/
	@set -e; \
	port=$$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'); \
	tmp=$$(mktemp -d); \
	printf '# registration only: the measured phase hashes no passwords\nbcrypt_cost = 4\n' > $$tmp/herd.toml; \
	HERD_RATE_LIMIT=-1 ./$(BIN) serve --config $$tmp/herd.toml --listen 127.0.0.1:$$port \
	  --domain 127.0.0.1:$$port --data $$tmp/data 2> $$tmp/serve.log & pid=$$!; \
	trap 'kill $$pid 2>/dev/null; wait $$pid 2>/dev/null; rm -rf $$tmp' EXIT; \
	echo "herd serving on 127.0.0.1:$$port (pid $$pid, data in $$tmp/data)"; \
	./$(BIN) bench run --target http://127.0.0.1:$$port --scenario mixed --duration 20s --out bench-out \
	  || { echo "bench failed; the server's log:"; tail -20 $$tmp/serve.log; exit 1; }; \
	echo "report: $(CURDIR)/bench-out/report.html"

.PHONY: test-cluster
test-cluster: ## cluster shape: start Cassandra, Kafka, SeaweedFS and OpenSearch (ops/engines), test store/scylla, bus/kafka, blob/s3 and search/elastic on them, then the node test suites on the cluster shape, then three herd nodes end to end (tests/cluster), stop them
	GO=$(GO) bash ops/engines/test-cluster.sh
