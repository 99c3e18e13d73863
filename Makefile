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
.PHONY: help venv virtuoso wrk bench-extra bench-build bench-remote build import validate run serve lint test test-fast bench bench-quick stats dumps clean distclean assets optional-assets browser

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

wrk:  ## install the wrk HTTP load client (Debian package) if missing; benchmarks/floor_app.py is the HTTP floor
	@command -v wrk >/dev/null 2>&1 || { \
	  echo "installing wrk (apt-get)"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
	  $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk; }

# The web interface's browser libraries: npm packages pinned by web/package-lock.json, copied into
# api/static/vendor/ (git-ignored) and served by the app itself; nothing is fetched at run time.
VENDOR := api/static/vendor
VENDOR_FILES := web/node_modules/@zazuko/yasqe/build/yasqe.min.js web/node_modules/@zazuko/yasqe/build/yasqe.min.css \
	web/node_modules/cytoscape/dist/cytoscape.min.js
$(VENDOR)/.installed: web/package.json web/package-lock.json
	cd web && npm ci --no-audit --no-fund --loglevel=error
	mkdir -p $(VENDOR)
	cp $(VENDOR_FILES) $(VENDOR)/
	cp web/node_modules/@zazuko/yasqe/package.json $(VENDOR)/yasqe.package.json
	cp web/node_modules/cytoscape/LICENSE $(VENDOR)/LICENSE.cytoscape 2>/dev/null || true
	@touch $@

assets: $(VENDOR)/.installed  ## vendor the web interface's npm libraries into api/static/vendor/

# `make run` works without Node.js too: the SPARQL endpoint, REST and entity pages need no npm
# asset; only the query editor and the graph pictures do.
optional-assets:
	@if command -v npm >/dev/null 2>&1; then $(MAKE) --no-print-directory assets; \
	 else echo "note: npm not found — the query editor and graph pictures need \`make assets\` (Node.js)"; fi

browser:  ## install Debian's chromium + chromium-driver for the browser tests (only if missing; needs root)
	@test -x /usr/bin/chromium || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver; }

build: $(STAMP)  ## parse, entail, validate and publish data/ into var/ (atomic)
	$(THCM) build

SHARED_DATA ?= ../shared/data

import: $(STAMP)  ## import every file of $(SHARED_DATA) into var/imports/, then build (slow: ~3 min with the analysis)
	$(THCM) import nuts $(SHARED_DATA)/nuts/NUTS2021.xlsx $(SHARED_DATA)/nuts/pc2020_DE_NUTS-2021_v3.0.csv
	$(THCM) import ror $(SHARED_DATA)/ror/ror_v1_thueringen.json $(SHARED_DATA)/ror/ror_v2_thueringen.json
	$(THCM) import cordis $(SHARED_DATA)/cordis_h2020/organization.json $(SHARED_DATA)/cordis_h2020/project.json \
		$(SHARED_DATA)/cordis_format_samples/h2020_semiconductor_ev_organization.json \
		$(SHARED_DATA)/cordis_format_samples/h2020_semiconductor_ev_project.json \
		$(SHARED_DATA)/cordis_format_samples/h2020_organization_first5.json \
		$(SHARED_DATA)/cordis_format_samples/h2020_project_first2.json
	$(THCM) import efre $(SHARED_DATA)/efre_thueringen/efre_2014_2020_vorhaben_20160630.csv \
		$(SHARED_DATA)/efre_thueringen/efre_2007_2013_beguenstigte.csv
	$(THCM) import nace $(SHARED_DATA)/nace/nacecodes.csv
	$(THCM) import gepris $(SHARED_DATA)/dfg_gepris_fubhcc/geo_data_continents_thueringen.json
	$(THCM) import imi $(SHARED_DATA)/imi_project_navigator/markers_thueringen_projects.js \
		$(SHARED_DATA)/imi_project_navigator/participants_thueringen.js
	$(THCM) build

validate: $(STAMP)  ## check data/ against the shapes without publishing
	$(THCM) validate

run: build optional-assets  ## build the graph and serve it on http://$(HOST):$(PORT)/sparql
	$(THCM) serve --host $(HOST) --port $(PORT)

serve: $(STAMP) optional-assets  ## serve the last published build without rebuilding
	$(THCM) serve --host $(HOST) --port $(PORT)

stats: $(STAMP)  ## triples per named graph and instances per class
	$(THCM) stats

lint: $(STAMP)  ## ruff over code, tests and scripts; mypy over thcm_graph/ and api/
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy

test: $(STAMP) lint virtuoso assets browser  ## lint, then the whole suite (embedded store and a real Virtuoso, uvicorn, headless Chromium, notebooks)
	$(PY) -m pytest $(PYTEST_ARGS)

test-fast: $(STAMP)  ## the suite without the tests that start processes
	$(PY) -m pytest -m "not subprocess" $(PYTEST_ARGS)

bench-extra: $(STAMP)  ## install the benchmark-only baselines (rdflib-endpoint) into .venv
	$(PY) -m pip install --quiet -e '.[dev,bench]'

bench: $(STAMP) virtuoso wrk bench-extra  ## run the benchmarks (hours: 10^4-10^7 triples); RESULTS.md (targets, HTTP, build), MICRO.md, ANALYSIS.md in benchmarks/
	$(PY) benchmarks/run.py
	$(PY) benchmarks/http_bench.py
	$(PY) benchmarks/bench_analysis.py

bench-quick: $(STAMP) wrk  ## short HTTP benchmark (10^4-10^5 triples, 1 s runs; Virtuoso/rdflib-endpoint only if installed); prints the table
	BENCH_QUICK=1 $(PY) benchmarks/http_bench.py

bench-build: $(STAMP)  ## build benchmark on `thcm synth` data (BENCH_SIZES=10000,100000,1000000); benchmarks/BUILD.md
	$(PY) benchmarks/bench_build.py

bench-remote: $(STAMP) virtuoso  ## load times into a real Virtuoso (curated graph, 10^6 synthetic triples); benchmarks/RESULTS-virtuoso.md
	$(PY) benchmarks/remote_load.py

dumps: $(STAMP)  ## write dist/: every RDF format (+ .gz), views, S3 profile, catalog.ttl, void.ttl, SHA256SUMS
	$(THCM) dumps --dir dist

clean:  ## remove published stores, caches and test artefacts (keeps .venv)
	rm -rf var dist test-artifacts benchmarks/out .pytest_cache
	find . -name __pycache__ -type d -prune -not -path './.venv/*' -exec rm -rf {} +

distclean: clean  ## also remove .venv and the vendored browser libraries
	rm -rf $(VENV) web/node_modules $(VENDOR)
