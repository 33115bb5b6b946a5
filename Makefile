# Developer entry points. The README's two commands need only python3; these are shortcuts.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: install test lint format demo eval bench bench-ingest clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

install: $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test,gcp]'

test: install
	$(BIN)/pytest -q

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

demo: install
	$(BIN)/wirestory demo demo

# Extraction quality gates on ../shared's article-extraction benchmark and the full WCXB dev
# split (text, metadata, page types; fail below benchmarks/*baseline.json), then the plain-text
# cleaner's line-removal report. The test suite gates on a fixed WCXB subset (every 15th page).
eval: install
	$(BIN)/python benchmarks/eval_extraction.py
	$(BIN)/python benchmarks/eval_wcxb.py
	$(BIN)/python benchmarks/eval_plaintext.py

# Syndication benchmark (benchmarks/SYNDICATION.md): corpora under .bench/syndication, report in
# BENCHMARKS.md. Smoke run: make bench BENCH_ARGS=--quick
BENCH_ARGS ?= --docs 2500 10000 100000
bench: install
	$(BIN)/python -m benchmarks.run_bench $(BENCH_ARGS)

# Incremental ingest: seconds and peak memory per batch against history size (BENCHMARKS.md).
# Add INGEST_ARGS="--history --corpus-docs 1000000" for the large-corpus run (hours on 2 cores).
INGEST_ARGS ?= --history 0 100000 300000 1000000
bench-ingest: install
	$(BIN)/python -m benchmarks.bench_ingest $(INGEST_ARGS)

clean:
	rm -rf demo build dist *.egg-info .pytest_cache .ruff_cache .bench
