# kollenoctl's build. Everything here needs only Go (and a C compiler for the
# race detector, which Go's own toolchain images carry).

GO       ?= go
VERSION  ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS  := -s -w -X github.com/kolleno/kollenoctl/internal/cli.version=$(VERSION)
BIN      := bin
FUZZTIME ?= 30s

.PHONY: build test lint vet staticcheck fmt-check race bench fuzz demo clean release docs

## build: kollenoctl and sfsim into ./bin
build:
	CGO_ENABLED=0 $(GO) build -trimpath -ldflags '$(LDFLAGS)' -o $(BIN)/ ./cmd/...

## test: vet, staticcheck, and every test with the race detector
test: lint race

race:
	$(GO) test -race -count=1 ./...

## lint: gofmt, go vet and staticcheck (pinned in go.mod as a tool)
lint: fmt-check vet staticcheck

fmt-check:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi

vet:
	$(GO) vet ./...

staticcheck:
	$(GO) tool staticcheck ./...

## bench: Go benchmarks with allocations
bench:
	$(GO) test -run '^$$' -bench . -benchmem ./...

## fuzz: every fuzz target for FUZZTIME each (CI runs only their seeds, in make test)
fuzz:
	@set -e; for pkg in $$($(GO) list ./...); do \
	  for target in $$($(GO) test -list '^Fuzz' $$pkg | grep '^Fuzz' || true); do \
	    echo "== $$pkg $$target"; \
	    $(GO) test -run '^$$' -fuzz "^$$target$$" -fuzztime $(FUZZTIME) $$pkg; \
	  done; \
	done

## demo: the main job end to end, on files made in a temporary directory
demo: build
	@./scripts/demo.sh $(BIN)

## release: static kollenoctl binaries for every PLATFORMS entry into ./dist, with SHA256SUMS
PLATFORMS ?= linux/amd64 linux/arm64 darwin/amd64 darwin/arm64 windows/amd64
DIST      := dist

release:
	rm -rf $(DIST)
	@set -e; for p in $(PLATFORMS); do \
	  os=$${p%/*}; arch=$${p#*/}; ext=; \
	  if [ "$$os" = windows ]; then ext=.exe; fi; \
	  out=$(DIST)/kollenoctl-$(VERSION)-$$os-$$arch$$ext; \
	  echo "$$out"; \
	  CGO_ENABLED=0 GOOS=$$os GOARCH=$$arch \
	    $(GO) build -trimpath -ldflags '$(LDFLAGS)' -o $$out ./cmd/kollenoctl; \
	done
	cd $(DIST) && sha256sum kollenoctl-* > SHA256SUMS

## docs: regenerate the command reference, man pages, exit codes and troubleshooting in ./docs
docs:
	$(GO) run ./internal/tools/gendocs docs

clean:
	rm -rf $(BIN)
