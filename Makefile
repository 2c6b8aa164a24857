# Thin wrappers: the logic is in scripts/. Every target runs the set-up first
# (seconds when the machine is ready), so any of them works on a fresh clone.
SHELL := /usr/bin/env bash

.PHONY: all setup pkg test start bench fuzz

all: test

setup:
	@scripts/setup.sh

pkg: setup
	@scripts/pkg.sh

test: setup
	@scripts/test.sh

start: setup
	@scripts/start.sh

bench: setup
	@scripts/bench.sh

# FUZZ_SECONDS per target (default 60); see scripts/fuzz.sh.
fuzz: setup
	@scripts/fuzz.sh $${FUZZ_SECONDS:-60}
