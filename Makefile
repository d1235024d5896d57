# Styrkedja: `make run` and `make test` do the whole set-up on a fresh machine.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STORE ?= data
PORT ?= 8501
STAMP := $(VENV)/.installed

.PHONY: run test setup model store chromium virtuoso lint bench eval clean

# The venv is rebuilt when the dependency list or the lock changes.
$(STAMP): pyproject.toml requirements.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c requirements.lock -e '.[dev,cluster]'
	touch $(STAMP)

setup: $(STAMP)

# Builds (once) the embedding model into the user's cache; verified by checksum on every run.
model: $(STAMP)
	$(BIN)/styrkedja prepare-model

store: model
	$(BIN)/styrkedja --store $(STORE) build --corpus corpus

run: store
	$(BIN)/styrkedja --store $(STORE) app --port $(PORT)

# Debian's chromium for the browser tests; installed only when missing.
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium; }

# Debian's Virtuoso for the SPARQL-server test (tests/test_endpoint_virtuoso.py); installed only when missing.
virtuoso:
	@command -v virtuoso-t >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq \
	    --no-install-recommends virtuoso-opensource; }

test: model chromium virtuoso
	$(BIN)/ruff check .
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check .

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_ingest.py --json

eval: $(STAMP)
	$(BIN)/python benchmarks/eval_extraction.py

clean:
	rm -rf $(VENV) $(STORE) .pytest_cache
