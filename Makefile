# EqSpikeHW — build, test, data, run, waves, sweep, bench. `make help` lists the targets.
SWIFT      ?= swift
RELEASE    := .build/release/eqspike
CONFIG     ?= hw-configs/eqspike-784-100-10.net
DATA       ?= data/mnist
RUN        ?= runs/quickstart
RUN_IMAGES ?= 10000
TEST_IMAGES ?= 2000
WAVE       ?= waveforms/eqspike-784-100-10.vcd

.PHONY: help build debug test bench clean data run waves verify-results slurm-demo

help:
	@grep -E '^[a-z-]+:.*## ' Makefile | sed 's/:.*## /\t/'

# The release build targets the CPU it is built on (AVX2 / AVX-512 where present): the lane loops
# run about 2x faster than for the generic x86-64 target (results/BENCH.md). A simulator binary
# built for its own machine is fine; `make build CPU_FLAGS=` builds a portable one.
CPU_FLAGS  ?= -Xswiftc -target-cpu -Xswiftc native

build: ## release build of the eqspike tool, for this machine's CPU (CPU_FLAGS)
	$(SWIFT) build -c release --product eqspike $(CPU_FLAGS)

debug: ## debug build
	$(SWIFT) build

test: ## the whole test suite (what CI runs); installs GTKWave and Xvfb when missing and root, else says what it skips
	bash scripts/test.sh

run: ## the main job: data (or the shipped subset), release build, brief training, evaluation, waveform
	@python3 scripts/fetch_mnist.py --out $(DATA) || echo "make run: could not fetch MNIST; eqspike falls back to the shipped subset Tests/Data/mnist-subset"
	$(MAKE) --no-print-directory build
	$(RELEASE) check $(CONFIG)
	$(RELEASE) train $(CONFIG) --epochs 1 --train-limit $(RUN_IMAGES) --test-limit $(TEST_IMAGES) --out $(RUN) --force
	$(RELEASE) eval $(CONFIG) --weights $(RUN)/checkpoint.bin --test-limit $(TEST_IMAGES) --json > $(RUN)/eval.json
	$(RELEASE) eval $(CONFIG) --weights $(RUN)/checkpoint.bin --test-limit $(TEST_IMAGES)
	$(RELEASE) simulate $(CONFIG) --weights $(RUN)/checkpoint.bin --images 2 --learn --vcd $(WAVE)
	$(RELEASE) export $(CONFIG) --weights $(RUN)/checkpoint.bin --out $(RUN)/readmemh
	@echo
	@echo "run directory:  $(RUN)  (metrics.csv, checkpoint.bin, run.json, eval.json, readmemh/)"
	@echo "waveform:       $(WAVE)  (open: gtkwave $(WAVE) $(basename $(WAVE)).gtkw)"

waves: ## a waveform of the tiny design learning one image (waveforms/eqspike-tiny.vcd)
	$(MAKE) --no-print-directory build
	$(RELEASE) simulate hw-configs/eqspike-tiny.net --images 1 --learn --vcd waveforms/eqspike-tiny.vcd

bench: build ## simulator speed on 784-100-10 and 784-300-10 -> results/bench.json (results/BENCH.md)
	$(RELEASE) bench hw-configs/eqspike-784-100-10.net hw-configs/eqspike-784-300-10.net --repeat 5 --out results/bench.json

verify-results: build ## re-evaluate every committed checkpoint (results/*/) against its metrics.csv, image for image
	python3 scripts/verify_results.py --eqspike $(RELEASE) --data $(DATA)

slurm-demo: build ## the Slurm sweep recipe end to end on a single-node Slurm started on localhost (root; installs slurm-wlm, munge)
	bash scripts/slurm-localhost.sh

data: ## MNIST in IDX format under data/mnist, checksums verified
	python3 scripts/fetch_mnist.py --out $(DATA)

clean: ## remove build products (not data or runs)
	rm -rf .build
