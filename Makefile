# fabula: `make run` starts the app on the shipped model, `make test` runs every test.
# Both install libtorch (PyTorch 2.13.0 from PyPI into .venv) when LIBTORCH is not set.
SHELL := /bin/bash
PYTHON ?= python3
TORCH_VERSION := 2.13.0
VENV := $(CURDIR)/.venv
CARGO ?= cargo

ifeq ($(strip $(LIBTORCH)),)
TORCH_STAMP := $(VENV)/.torch-$(TORCH_VERSION)
LIBTORCH_DIR = $(shell cat $(VENV)/.libtorch-dir 2>/dev/null)
else
TORCH_STAMP :=
LIBTORCH_DIR := $(LIBTORCH)
endif
TORCH = LIBTORCH=$(LIBTORCH_DIR)

.PHONY: run build test lint bench fuzz models clean

run: build
	./target/release/fabula $(ARGS)

build: $(TORCH_STAMP)
	$(TORCH) $(CARGO) build --release

# Property tests run on a fixed seed so a run is repeatable; set
# PROPTEST_RNG_SEED (and PROPTEST_CASES) to explore further.
test: $(TORCH_STAMP)
	PROPTEST_RNG_SEED=$${PROPTEST_RNG_SEED:-1729} $(TORCH) $(CARGO) test --release

lint: $(TORCH_STAMP)
	$(CARGO) fmt --check
	$(TORCH) $(CARGO) clippy --release --all-targets -- -D warnings

bench: build
	./target/release/fabula bench $(ARGS)

# Fuzzes one target (session_file, transcript, config, vocab) for FUZZ_SECONDS
# with cargo-fuzz on nightly; new corpus inputs land in fuzz/corpus/TARGET.
# Crashes land in fuzz/artifacts; once fixed, copy them to fuzz/regressions.
FUZZ_TARGET ?= session_file
FUZZ_SECONDS ?= 600
fuzz: $(TORCH_STAMP)
	cd fuzz && $(TORCH) LD_LIBRARY_PATH=$(LIBTORCH_DIR)/lib \
		cargo +nightly fuzz run -s none --release $(FUZZ_TARGET) -- -max_total_time=$(FUZZ_SECONDS) -max_len=65536

# Retrains the shipped models (hours on a laptop CPU; see README "Models").
models: build
	bash scripts/train-models.sh

$(VENV)/.torch-$(TORCH_VERSION):
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check torch==$(TORCH_VERSION)
	$(VENV)/bin/python -W ignore -c 'import os, torch; print(os.path.dirname(torch.__file__))' > $(VENV)/.libtorch-dir
	touch $@

clean:
	$(CARGO) clean
