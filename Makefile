# Accord — `make run` serves the demo, `make test` runs the whole suite (see README.md).
SHELL := /bin/bash
.DEFAULT_GOAL := help
PORT ?= 8000
VENV := .venv
PY := $(VENV)/bin/python
PG_URL ?= postgres://postgres@127.0.0.1:5432/accord
# Debian packages: WeasyPrint's Pango, Chromium for browser tests, poppler for pdftotext/pdftoppm,
# gettext for translators, Nanum fonts for screenshots of Korean pages.
# fonts-noto-core / fonts-noto-cjk: PDF text in scripts the vendored Nanum fonts lack (documents/pdf.css).
SYSTEM_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 chromium poppler-utils gettext fonts-nanum fonts-noto-core fonts-noto-cjk

# Django 6.1 needs Python >= 3.12: a python3.13/python3.12 on PATH first (what a user's machine
# has), then pyenv's installed versions (pyenv shims fail unless a version is selected).
define find_python
for cand in python3.13 python3.12 python3; do \
  if command -v $$cand >/dev/null 2>&1 && $$cand -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' 2>/dev/null; then \
    command -v $$cand; exit 0; fi; \
done; \
root=$$(pyenv root 2>/dev/null || echo "$$HOME/.pyenv"); \
for cand in $$(ls -d $$root/versions/3.13* $$root/versions/3.12* 2>/dev/null | sort -rV); do \
  for exe in $$cand/bin/python3.13 $$cand/bin/python3.12; do \
    if [ -x $$exe ]; then echo $$exe; exit 0; fi; \
  done; \
done; \
exit 1
endef

.PHONY: help run test test-sqlite test-postgres test-fast smoke lint typecheck messages webfonts system-deps venv clean-db dev-cert bench

help:
	@echo "make run            create .venv, install, migrate, load the demo, serve http://127.0.0.1:$(PORT) with the task worker"
	@echo "make test           the whole suite on SQLite (unit, integration, Chromium browser tests)"
	@echo "make test-postgres  the same suite on PostgreSQL ($(PG_URL))"
	@echo "make smoke          the production stack on PostgreSQL + Redis: gunicorn x2, worker, Chromium"
	@echo "make lint           ruff + mypy + import-linter (apps import only downward)"
	@echo "make bench          every page and job at UN scale against its budget (PostgreSQL, gunicorn, wrk; BENCH_ARGS=--quick ...)"

$(VENV)/.installed: requirements.txt requirements-dev.txt
	@PYTHON=$$($(find_python)) || { echo "Accord needs Python 3.12 or newer (python3.13 or python3.12 on PATH, or via pyenv). Install one, e.g. 'apt-get install python3.12 python3.12-venv'."; exit 1; }; \
	echo "Using $$PYTHON ($$($$PYTHON --version))"; \
	[ -x $(PY) ] || $$PYTHON -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	@touch $@

venv: $(VENV)/.installed

system-deps:
	@missing=""; for p in $(SYSTEM_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -z "$$missing" ]; then exit 0; fi; \
	if [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then \
	  echo "Installing system packages:$$missing"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	else \
	  echo "Missing system packages:$$missing"; \
	  echo "Install them with: sudo apt-get install$$missing"; \
	  if ! command -v dpkg >/dev/null 2>&1; then echo "(Not Debian/Ubuntu: install Pango, Chromium and poppler-utils with your package manager.)"; fi; \
	  exit 1; \
	fi

# The load benchmark (docs/performance.md) drives gunicorn with wrk, installed here like the packages above.
bench: system-deps venv
	@$(MAKE) --no-print-directory system-deps SYSTEM_PACKAGES=wrk
	benchmarks/run $(BENCH_ARGS)

dev-cert: venv
	@DEBUG=1 $(PY) manage.py generate_dev_certificate

# The task worker (django-tasks-db) runs next to runserver: it renders PDFs and sends mail, so no
# request waits for them, as in production. It reloads on code changes (DEBUG); its reloader's
# child does the work, so on exit the child is stopped first, then the reloader.
run: system-deps venv
	@mkdir -p var
	DEBUG=1 $(PY) manage.py migrate --no-input -v0
	DEBUG=1 $(PY) manage.py compilemessages -v0 --ignore=.venv 2>/dev/null || true
	@DEBUG=1 $(PY) manage.py generate_dev_certificate
	@DEBUG=1 $(PY) manage.py seed_demo
	@echo "Accord: http://127.0.0.1:$(PORT)/  (Ctrl-C to stop; the task worker that makes PDFs runs alongside)"
	@export DEBUG=1 SITE_URL=http://127.0.0.1:$(PORT); \
	$(PY) manage.py db_worker & worker=$$!; \
	trap 'pkill -TERM -P $$worker 2>/dev/null; kill -TERM $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT; \
	$(PY) manage.py runserver 127.0.0.1:$(PORT)

test: test-sqlite

test-sqlite: system-deps venv
	@unset DATABASE_URL; $(PY) -m pytest

test-postgres: system-deps venv
	DATABASE_URL=$(PG_URL) $(PY) -m pytest

# The docker-compose stack without Docker: compose's own commands, two gunicorn nodes, the worker.
smoke: system-deps venv
	DATABASE_URL=$(PG_URL) $(PY) -m pytest -m production tests/production

test-fast: system-deps venv
	$(PY) -m pytest -m "not browser"

lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy .
	$(VENV)/bin/lint-imports --no-cache

# Re-cut the interface's Hangul web fonts from documents/fonts/nanum (config/webfonts.py).
webfonts: venv
	$(PY) -m config.webfonts

messages: venv
	DEBUG=1 $(PY) manage.py makemessages -l ko --ignore=.venv --ignore=var --no-obsolete
	DEBUG=1 $(PY) manage.py compilemessages -l ko --ignore=.venv

clean-db:
	rm -f var/accord.sqlite3 var/accord.sqlite3-wal var/accord.sqlite3-shm
