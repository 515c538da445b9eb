# incidentmap — the two set-up commands are `make run` and `make test`.
# Both install what they need (Go modules, npm packages, Debian packages).

SHELL := /bin/bash
GO ?= go
BIN := bin/incidentmap
DB ?= incidentmap.db
ADDR ?= localhost:8080
export CGO_ENABLED := 1

# Debian packages the tests need: a headless browser for the map tests and
# GDAL as a real GIS client of our GeoJSON/OGC output.
TEST_DEBS := chromium gdal-bin
BENCH_DEBS := wrk

.PHONY: all build run test bench bench-map deps npm assets debs-test debs-bench fmt-check vet staticcheck clean

all: build

# Run apt-get only for packages that are missing, as root or through sudo.
define install_debs
	@missing=""; for p in $(1); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing Debian packages:$$missing"; \
	  SUDO=""; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	fi
endef

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

npm: node_modules/.installed

assets: npm
	./static/vendor/install.sh

deps: npm
	$(GO) mod download

build: deps assets
	$(GO) build -o $(BIN) ./cmd/incidentmap

run: build
	$(BIN) serve --db $(DB) --addr $(ADDR) --samples

debs-test:
	$(call install_debs,$(TEST_DEBS))

debs-bench:
	$(call install_debs,$(BENCH_DEBS))

fmt-check:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go' -not -path './node_modules/*')); \
	if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi

vet:
	$(GO) vet ./...

# staticcheck, pinned, through the Go module proxy like every other tool.
STATICCHECK_VERSION := v0.8.2
staticcheck:
	$(GO) run honnef.co/go/tools/cmd/staticcheck@$(STATICCHECK_VERSION) ./...

# Every test, with the race detector; the fuzz targets run on their seeds
# (real articles of ../shared/eval among them) and corpora in testdata/fuzz
# as ordinary tests, then each fuzzes for TEST_FUZZTIME. A count, not a
# duration: Go 1.26's coordinator can fail a duration run with a spurious
# "context deadline exceeded" at its end on a loaded machine (go.dev/issue/75804,
# fixed in Go 1.27); 30,000 inputs take 4-10 s per fuzzer here.
TEST_FUZZTIME ?= 30000x
test: build debs-test fmt-check vet staticcheck
	CI=$${CI:-} $(GO) test -race -timeout 20m ./...
	CI=$${CI:-} $(MAKE) --no-print-directory fuzz FUZZTIME=$(TEST_FUZZTIME)

# Fuzz each parser that reads untrusted input for FUZZTIME; new crashers
# land in testdata/fuzz/<Fuzz...>/ and then run in `make test` for good.
FUZZTIME ?= 20s
.PHONY: fuzz
fuzz:
	$(GO) test ./geo/reportfile -run '^$$' -fuzz '^FuzzParseReport$$' -fuzztime $(FUZZTIME)
	$(GO) test ./geo/geoparse -run '^$$' -fuzz '^FuzzGeoparse$$' -fuzztime $(FUZZTIME)
	$(GO) test ./geo/attribute -run '^$$' -fuzz '^FuzzAttribute$$' -fuzztime $(FUZZTIME)
	$(GO) test ./geo/attribute -run '^$$' -fuzz '^FuzzClaimScanners$$' -fuzztime $(FUZZTIME)
	$(GO) test ./geo/attribute -run '^$$' -fuzz '^FuzzDateCueGuards$$' -fuzztime $(FUZZTIME)
	$(GO) test ./cmd/incidentmap/internal/server -run '^$$' -fuzz '^FuzzParseFilter$$' -fuzztime $(FUZZTIME)
	$(GO) test ./tiles -run '^$$' -fuzz '^FuzzParseTile$$' -fuzztime $(FUZZTIME)

bench: build debs-bench
	./docs/bench.sh

# The map in headless Chromium against fresh servers holding 100,000
# incidents (docs/map-performance.md); RUNS=3 by default.
bench-map: build debs-test
	./docs/bench-map.sh

clean:
	rm -rf bin static/vendor/leaflet static/vendor/markercluster static/vendor/*.js static/vendor/*.json
