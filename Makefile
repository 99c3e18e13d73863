# thcm-graph — run `make help` for the targets.
# The two commands of the quick start are `make run` and `make test`; both set up .venv first.

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
THCM   := $(VENV)/bin/thcm
STAMP  := $(VENV)/.installed
HOST   ?= 127.0.0.1
PORT   ?= 8000
PYTEST_ARGS ?=

.DEFAULT_GOAL := help
.PHONY: help venv virtuoso bench-remote build validate run serve lint test test-fast bench stats dumps clean distclean

help:  ## list the targets
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z_-]+:.*## / {printf "  \033[36m%-10s\033[0m %s\n", $$1, $$2}' $(MAKEFILE_LIST)

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "thcm-graph needs Python 3.11 or newer; found " + sys.version.split()[0] + " (set PYTHON=python3.11)")'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	@touch $@

venv: $(STAMP)  ## create .venv and install the project with its test tools

virtuoso:  ## install Virtuoso Open Source 7 (Debian package) if virtuoso-t is missing; tests start their own servers
	@command -v virtuoso-t >/dev/null 2>&1 || { \
	  echo "installing virtuoso-opensource (apt-get)"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
	  $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq virtuoso-opensource; }

build: $(STAMP)  ## parse, entail, validate and publish data/ into var/ (atomic)
	$(THCM) build

validate: $(STAMP)  ## check data/ against the shapes without publishing
	$(THCM) validate

run: build  ## build the graph and serve it on http://$(HOST):$(PORT)/sparql
	$(THCM) serve --host $(HOST) --port $(PORT)

serve: $(STAMP)  ## serve the last published build without rebuilding
	$(THCM) serve --host $(HOST) --port $(PORT)

stats: $(STAMP)  ## triples per named graph and instances per class
	$(THCM) stats

lint: $(STAMP)  ## ruff over code, tests and scripts; mypy over thcm_graph/ and api/
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy

test: $(STAMP) lint virtuoso  ## lint, then the whole test suite (embedded store and a real Virtuoso, real uvicorn processes)
	$(PY) -m pytest $(PYTEST_ARGS)

test-fast: $(STAMP)  ## the suite without the tests that start processes
	$(PY) -m pytest -m "not subprocess" $(PYTEST_ARGS)

bench: $(STAMP) virtuoso  ## run the benchmarks; results in benchmarks/RESULTS.md and benchmarks/ANALYSIS.md
	$(PY) benchmarks/run.py
	$(PY) benchmarks/bench_analysis.py

bench-remote: $(STAMP) virtuoso  ## load times into a real Virtuoso (curated graph, 10^6 synthetic triples); benchmarks/RESULTS-virtuoso.md
	$(PY) benchmarks/remote_load.py

dumps: $(STAMP)  ## write dist/: every RDF format (+ .gz), views, S3 profile, catalog.ttl, void.ttl, SHA256SUMS
	$(THCM) dumps --dir dist

clean:  ## remove published stores, caches and test artefacts (keeps .venv)
	rm -rf var dist test-artifacts benchmarks/out .pytest_cache
	find . -name __pycache__ -type d -prune -not -path './.venv/*' -exec rm -rf {} +

distclean: clean  ## also remove .venv
	rm -rf $(VENV)
