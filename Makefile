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
.PHONY: help venv build import validate run serve lint test test-fast bench stats dumps clean distclean

help:  ## list the targets
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z_-]+:.*## / {printf "  \033[36m%-10s\033[0m %s\n", $$1, $$2}' $(MAKEFILE_LIST)

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "thcm-graph needs Python 3.11 or newer; found " + sys.version.split()[0] + " (set PYTHON=python3.11)")'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	@touch $@

venv: $(STAMP)  ## create .venv and install the project with its test tools

build: $(STAMP)  ## parse, entail, validate and publish data/ into var/ (atomic)
	$(THCM) build

SHARED_DATA ?= ../shared/data

import: $(STAMP)  ## import every file of $(SHARED_DATA) into var/imports/, then build (slow: ~3 min with the analysis)
	$(THCM) import nuts $(SHARED_DATA)/nuts/NUTS2021.xlsx $(SHARED_DATA)/nuts/pc2020_DE_NUTS-2021_v3.0.csv
	$(THCM) import cordis $(SHARED_DATA)/cordis_h2020/organization.json $(SHARED_DATA)/cordis_h2020/project.json \
		$(SHARED_DATA)/cordis_format_samples/h2020_semiconductor_ev_organization.json \
		$(SHARED_DATA)/cordis_format_samples/h2020_semiconductor_ev_project.json \
		$(SHARED_DATA)/cordis_format_samples/h2020_organization_first5.json \
		$(SHARED_DATA)/cordis_format_samples/h2020_project_first2.json
	$(THCM) import efre $(SHARED_DATA)/efre_thueringen/efre_2014_2020_vorhaben_20160630.csv \
		$(SHARED_DATA)/efre_thueringen/efre_2007_2013_beguenstigte.csv
	$(THCM) import ror $(SHARED_DATA)/ror/ror_v1_thueringen.json $(SHARED_DATA)/ror/ror_v2_thueringen.json
	$(THCM) import nace $(SHARED_DATA)/nace/nacecodes.csv
	$(THCM) import gepris $(SHARED_DATA)/dfg_gepris_fubhcc/geo_data_continents_thueringen.json
	$(THCM) import imi $(SHARED_DATA)/imi_project_navigator/markers_thueringen_projects.js \
		$(SHARED_DATA)/imi_project_navigator/participants_thueringen.js
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

test: $(STAMP) lint  ## lint, then the whole test suite (real stores, real uvicorn processes)
	$(PY) -m pytest $(PYTEST_ARGS)

test-fast: $(STAMP)  ## the suite without the tests that start processes
	$(PY) -m pytest -m "not subprocess" $(PYTEST_ARGS)

bench: $(STAMP)  ## run the benchmarks; results in benchmarks/RESULTS.md and benchmarks/ANALYSIS.md
	$(PY) benchmarks/run.py
	$(PY) benchmarks/bench_analysis.py

dumps: $(STAMP)  ## write dist/: every RDF format (+ .gz), views, S3 profile, catalog.ttl, void.ttl, SHA256SUMS
	$(THCM) dumps --dir dist

clean:  ## remove published stores, caches and test artefacts (keeps .venv)
	rm -rf var dist test-artifacts benchmarks/out .pytest_cache
	find . -name __pycache__ -type d -prune -not -path './.venv/*' -exec rm -rf {} +

distclean: clean  ## also remove .venv
	rm -rf $(VENV)
