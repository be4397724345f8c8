# EqSpikeHW — build, test, data, run, waves, sweep, bench. `make help` lists the targets.
SWIFT      ?= swift
RELEASE    := .build/release/eqspike
CONFIG     ?= hw-configs/eqspike-784-100-10.net
DATA       ?= data/mnist
RUN        ?= runs/default

.PHONY: help build debug test bench clean data run waves

help:
	@grep -E '^[a-z-]+:.*## ' Makefile | sed 's/:.*## /\t/'

build: ## release build of the eqspike tool
	$(SWIFT) build -c release --product eqspike

debug: ## debug build
	$(SWIFT) build

test: ## the test suite (what CI runs)
	$(SWIFT) test --parallel

data: ## MNIST in IDX format under data/mnist, checksums verified
	python3 scripts/fetch_mnist.py --out $(DATA)

clean: ## remove build products (not data or runs)
	rm -rf .build
