# Quick start: `make demo` and `make test`. Each creates .venv on first use and installs the package.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed

.PHONY: demo test fuzz bench evaluate lint clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(INSTALLED): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $(INSTALLED)

demo: $(INSTALLED)
	$(BIN)/exposure demo

test: $(INSTALLED)
	$(BIN)/python -m pytest -q

fuzz: $(INSTALLED)
	EXPOSURE_FUZZ_EXAMPLES=2000 $(BIN)/python -m pytest -q tests/fuzz

bench: $(INSTALLED)
	$(BIN)/python tests/benchmarks/run.py

# the bundled development set of real events against realised abnormal returns (about a minute),
# then the same with exposures blended from returns (a few minutes), then the blend's out-of-sample
# check against next-year betas, 2017-2026
evaluate: $(INSTALLED)
	$(BIN)/exposure evaluate --dev --permutations 1000 --by-category
	$(BIN)/exposure evaluate --dev --permutations 1000 --exposures blend
	$(BIN)/exposure blend --validate

lint: $(INSTALLED)
	$(BIN)/python -m pip install --quiet ruff
	$(BIN)/ruff check exposure tests examples

clean:
	rm -rf $(VENV) build *.egg-info
