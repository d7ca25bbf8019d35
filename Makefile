# Concord — the README's commands. `make run` and `make test` work on a fresh clone.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=
# `make run` serves without Django's autoreloader (it starts the project twice, about
# 2 s); `make run RELOAD=` reloads on code changes.
RELOAD ?= --noreload
# Processes for the main suite (pytest-xdist); TEST_WORKERS=0 runs it in this one.
TEST_WORKERS ?= auto

.PHONY: run install migrate seed serve test e2e lint format check clean-db

# Python keeps the bytecode it compiles (some environments set PYTHONDONTWRITEBYTECODE,
# and then every command compiles Django and Wagtail again: seconds each).
unexport PYTHONDONTWRITEBYTECODE

# What running Concord needs (`make run`), then the test and lint tools on top
# (`make install`). Packages go in with uv, put beside the venv by the system's pip
# (several times faster than pip from a warm cache); where uv can't be had, the venv
# gets pip and pip installs them. The runtime packages' bytecode is compiled as they
# are first imported, not all up front.
UV := $(VENV)/tools/bin/uv

$(VENV)/.uv:
	test -x $(PY) || $(PYTHON) -m venv --without-pip $(VENV)
	$(PYTHON) -m pip install --quiet --target $(VENV)/tools uv || true
	touch $@

define install_packages
	$(UV) pip install --quiet --python $(PY) $(1) \
	  || { $(PY) -m ensurepip --upgrade --default-pip && $(PY) -m pip install --quiet $(1); }
endef

$(VENV)/.installed-run: pyproject.toml $(VENV)/.uv
	$(call install_packages,-e .)
	touch $@

$(VENV)/.installed: $(VENV)/.installed-run
	$(call install_packages,-e '.[dev]')
	touch $@

install: $(VENV)/.installed

migrate: $(VENV)/.installed-run
	mkdir -p var
	$(PY) manage.py migrate --noinput

seed: migrate
	$(PY) manage.py seed_demo

## Install, migrate, load the demo organisation and serve it at http://$(HOST):$(PORT)
## (static files are collected while the database is prepared).
run: $(VENV)/.installed-run
	mkdir -p var
	$(PY) manage.py collectstatic --noinput --verbosity 0 & collecting=$$!; \
	$(PY) manage.py seed_demo --migrate; seeded=$$?; \
	wait $$collecting && test $$seeded -eq 0
	@echo "Concord is starting at http://$(HOST):$(PORT)/  (Ctrl-C stops it)"
	$(PY) manage.py runserver $(RELOAD) $(HOST):$(PORT)

## The whole test suite (SQLite by default; PostgreSQL when DATABASE_URL is set)
test: install node_modules/.package-lock.json
	mkdir -p var
	$(PY) -m pytest --ignore=tests/e2e -n $(TEST_WORKERS) --dist loadgroup $(PYTEST_ARGS)
	$(MAKE) --no-print-directory e2e

## Only the browser journeys. They commit data for the live server, so they get a
## database of their own, created afresh each run.
e2e: install node_modules/.package-lock.json
	mkdir -p var
	CONCORD_TEST_DB=e2e $(PY) -m pytest tests/e2e --create-db $(PYTEST_ARGS)

node_modules/.package-lock.json: package.json
	npm ci --no-audit --no-fund --loglevel=error

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

## What CI checks besides the tests
check: install
	$(PY) manage.py check
	$(PY) manage.py makemigrations --check --dry-run

clean-db:
	rm -f db.sqlite3 var/test-db.sqlite3*
