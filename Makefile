# MedPortal: `make run` (portal with demo data and a trained model) and `make test` (the whole suite).
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
MANAGE := $(PY) manage.py
HOST ?= 127.0.0.1:8000

.PHONY: run prod setup frontend test test-unit test-benchmarks test-integration test-e2e test-integration-e2e lint format clean bench-context

$(VENV)/.installed: requirements/base.txt requirements/dev.txt requirements/production.txt
	@$(PYTHON) -c 'import sys; assert sys.version_info[:2] == (3, 11), "MedPortal needs Python 3.11"'
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements/dev.txt -r requirements/production.txt
	touch $@

# The NHS.UK design system (nhsuk-frontend, pinned in package-lock.json), installed with npm and
# compiled into the git-ignored static/vendor/nhsuk/ at install time: nothing loads from a CDN.
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --ignore-scripts
	touch $@

static/vendor/nhsuk/nhsuk.css: node_modules/.installed frontend/nhsuk.scss scripts/build_frontend.mjs
	node scripts/build_frontend.mjs

frontend: static/vendor/nhsuk/nhsuk.css

setup: $(VENV)/.installed frontend
	$(MANAGE) migrate --noinput
	$(MANAGE) createcachetable
	@if $(MANAGE) help load_knowledge_base >/dev/null 2>&1; then $(MANAGE) load_knowledge_base; fi
	@if $(MANAGE) help ensure_model >/dev/null 2>&1; then $(MANAGE) ensure_model; fi
	$(MANAGE) seed_demo

run: setup
	@echo "MedPortal on http://$(HOST)/  (Ctrl+C to stop)"
	$(MANAGE) runserver $(HOST)

# Production settings on this machine: PostgreSQL, Redis, gunicorn, Celery worker and beat.
prod: $(VENV)/.installed frontend
	$(PY) scripts/run_production.py

# pytest exits 5 when it collected no test; that is not a failure of the code.
# Budget: the whole of `make test` well under 15 minutes on a 2-core CI machine (aim: 11). Unit
# tests run on two workers; then the integration run (its own servers; it mostly waits) beside the
# browser run followed by the benchmark run (test-integration-e2e).
# Clean-clone `CI=true bash .ci/run` on an idle machine, 2026-12-07: 17 min 01 s at the start of the
# thirteenth round (unit 7:37; integration 7:26 beside browser 4:03), 13 min 08 s after it (unit
# 5:30; integration 5:50 beside browser 3:07 then benchmarks 2:34); details in README "Tests".
test: $(VENV)/.installed frontend lint test-unit test-integration-e2e

# Unit tests on PYTEST_WORKERS pytest-xdist workers (2: CI's cores), each test file on one worker
# (--dist loadfile), so module-scoped fixtures are built once; every worker has its own SQLite test
# database and temp dirs. PYTEST_WORKERS=0 runs them in one process. The slowest files
# (SLOW_FILES_FIRST in tests/conftest.py) are handed out first, so that no minutes-long benchmark
# starts last on one worker while the other has nothing left: measured 2026-12-06 on the shared
# machine (load average 3-7, compare ratios), 23 min 36 s -> 20 min 13 s with this round's changes.
# Every test process, and every process a test starts, runs numpy/scipy/scikit-learn on one
# BLAS/OpenMP thread (tests/conftest.py pytest_configure): two workers with OpenBLAS's thread per
# core asked for four threads on two cores. Measured 2026-12-07 (shared machine, load average
# 5-13: compare CPU, not minutes): a 500-per-condition fit 37-43 -> 13-14 s CPU; the whole unit
# run's user CPU in README "Tests".
PYTEST_WORKERS ?= 2
test-unit: $(VENV)/.installed frontend
	$(VENV)/bin/pytest -m "not integration and not e2e and not benchmark" -q -n $(PYTEST_WORKERS) --dist loadfile; rc=$$?; [ $$rc -eq 5 ] && rc=0; exit $$rc

# The benchmark scripts' quick runs (tests/benchmarks, marked `benchmark`): about two CPU-minutes on
# one core. `make test` runs them after the browser tests, beside the integration run, which leaves
# most of a core idle while it waits on its servers.
BENCHMARK_TESTS = $(VENV)/bin/pytest -m benchmark -q
test-benchmarks: $(VENV)/.installed frontend
	$(BENCHMARK_TESTS); rc=$$?; [ $$rc -eq 5 ] && rc=0; exit $$rc

INTEGRATION_TESTS = $(PY) scripts/with_services.py --postgres --redis -- $(VENV)/bin/pytest -m integration -q
test-integration: $(VENV)/.installed
	$(INTEGRATION_TESTS); rc=$$?; [ $$rc -eq 5 ] && rc=0; exit $$rc

# Browser tests flush the database between tests, so they run in a pytest process of their own.
E2E_TESTS = $(VENV)/bin/pytest -m e2e -q
test-e2e: $(VENV)/.installed frontend
	$(E2E_TESTS); rc=$$?; [ $$rc -eq 5 ] && rc=0; exit $$rc

# Integration and browser tests side by side: both spend much of their time waiting (on servers,
# workers, lock timeouts, the browser), and they share nothing: integration runs on the PostgreSQL
# and Redis of scripts/with_services.py, the browser tests on their own SQLite test database; every
# server is on a free port, model stores and caches are under each test's tmp_path. The benchmark
# tests run after the browser tests in the same lane (their own SQLite test database, once the
# browser run has dropped its own). Each run's output is kept in a file and printed whole when it
# ends (browser, benchmarks, integration), prefixed with its name; the target fails if any run
# fails (5, "no tests collected", counts as success in each, as above). var/dev_secrets.json is
# written once before, not by two runs at once.
test-integration-e2e: $(VENV)/.installed frontend
	@$(PY) -c 'import medportal.settings.dev'
	@logs=$$(mktemp -d); \
	{ $(INTEGRATION_TESTS); rc=$$?; [ $$rc -eq 5 ] && rc=0; exit $$rc; } >$$logs/integration.log 2>&1 & integration=$$!; \
	{ $(E2E_TESTS); rc=$$?; [ $$rc -eq 5 ] && rc=0; exit $$rc; } >$$logs/e2e.log 2>&1 & e2e=$$!; \
	wait $$e2e; e2e_rc=$$?; sed 's/^/[e2e] /' $$logs/e2e.log; \
	( $(BENCHMARK_TESTS); rc=$$?; [ $$rc -eq 5 ] && rc=0; exit $$rc ) >$$logs/benchmarks.log 2>&1; benchmarks_rc=$$?; \
	sed 's/^/[benchmarks] /' $$logs/benchmarks.log; \
	wait $$integration; integration_rc=$$?; sed 's/^/[integration] /' $$logs/integration.log; \
	rm -rf $$logs; \
	echo "test-integration-e2e: integration exit $$integration_rc, e2e exit $$e2e_rc, benchmarks exit $$benchmarks_rc"; \
	[ $$integration_rc -eq 0 ] && [ $$e2e_rc -eq 0 ] && [ $$benchmarks_rc -eq 0 ]

# lint-imports: the architecture contracts in pyproject.toml (README "Architecture").
lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

format: $(VENV)/.installed
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

# ConText comparison (issue 14): our context.py under .venv, medspaCy 1.3.1 in its own Python 3.12
# venv; writes benchmarks/results/context_compare.md.
# python3.12 on the PATH if it runs (a pyenv shim may not), else pyenv's 3.12 install.
PYTHON312 ?= $(shell python3.12 -c 'import sys; print(sys.executable)' 2>/dev/null || ls $(HOME)/.pyenv/versions/3.12*/bin/python3.12 2>/dev/null | tail -1)
MEDSPACY_VENV := .venv-medspacy

$(MEDSPACY_VENV)/.installed: requirements/medspacy.txt
	@$(PYTHON312) -c 'import sys; assert sys.version_info[:2] == (3, 12), "medspaCy 1.3.1 needs Python 3.12"'
	test -x $(MEDSPACY_VENV)/bin/python || $(PYTHON312) -m venv $(MEDSPACY_VENV)
	$(MEDSPACY_VENV)/bin/python -m pip install --quiet -r requirements/medspacy.txt
	touch $@

bench-context: $(MEDSPACY_VENV)/.installed
	$(PY) benchmarks/context_compare.py ours
	$(MEDSPACY_VENV)/bin/python benchmarks/context_compare.py medspacy

clean:
	rm -rf $(VENV) $(MEDSPACY_VENV) var .pytest_cache .ruff_cache node_modules static/vendor
