# Herd — make help lists the targets.
GO      ?= go
BIN     := bin/herd
PKGS    := ./...

.PHONY: help build run test test-go test-clients lint bench fuzz clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-14s %s\n", $$1, $$2}'

build: ## build bin/herd
	$(GO) build -o $(BIN) ./cmd/herd

run: build ## serve on http://127.0.0.1:8080 with the embedded engines in ./data
	./$(BIN) serve

test: lint test-go test-clients ## the whole suite: vet, Go tests, third-party clients

test-go: ## Go unit and integration tests (real Pebble, real HTTP on loopback)
	$(GO) test -count=1 $(PKGS)

test-clients: ## masto.js and Mastodon.py scripted against a real node
	bash tests/clients/run.sh

lint: ## gofmt and go vet
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) vet $(PKGS)

bench: ## Go benchmarks of the hot paths
	$(GO) test -run='^$$' -bench=. -benchmem $(PKGS)

fuzz: ## run every fuzz target for 30s each
	@for p in $$($(GO) list $(PKGS)); do \
	  for f in $$($(GO) test -list='^Fuzz' $$p | grep '^Fuzz'); do \
	    echo "== $$p $$f"; $(GO) test -run='^$$' -fuzz="^$$f$$" -fuzztime=30s $$p || exit 1; \
	  done; done

clean: ## remove build output (not ./data)
	rm -rf bin
