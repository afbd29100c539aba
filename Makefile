# motcua: the two commands are `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
# Test processes (pytest-xdist); the suite is independent per process. Keep xdist's default scheduling:
# it keeps pytest-django's order (transactional tests last in each process); --dist loadfile does not.
PYTEST_WORKERS ?= 2
# Modules that mypy checks (ratcheted: add a module once it passes).
MYPY_TARGETS ?= motcua

.PHONY: run test setup lint typecheck pytest browser-install messages clean

$(STAMP): requirements.txt requirements-dev.txt pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	$(PY) -m pip install --quiet --no-deps --no-build-isolation -e .
	@touch $(STAMP)

setup: $(STAMP)
	$(PY) manage.py i18n compile
	$(PY) manage.py migrate --noinput
	$(PY) manage.py demo --if-empty

# The background worker (slips, notifications, signatures, KPI counters) runs beside the web server and
# stops with it. The demo certificates' passphrase is the demo's own (never a production secret).
run: setup
	$(PY) manage.py collectstatic --noinput --verbosity 0
	@echo "motcua: http://$(HOST):$(PORT)/  (demo accounts: see README.md)"
	@MOTCUA_DEMO_CERT_PASSPHRASE=$${MOTCUA_DEMO_CERT_PASSPHRASE:-motcua-demo} sh -c '\
	  $(PY) manage.py worker --quiet & worker=$$!; \
	  trap "kill $$worker 2>/dev/null" EXIT INT TERM; \
	  $(PY) manage.py runserver --noreload $(HOST):$(PORT)'

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check motcua bench tests

typecheck: $(STAMP)
	$(VENV)/bin/mypy $(MYPY_TARGETS)

pytest: $(STAMP)
	$(PY) manage.py i18n compile
	$(PY) -m pytest -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

test: lint typecheck pytest

messages: $(STAMP)
	$(PY) manage.py i18n sync

clean:
	rm -rf $(VENV) var/ staticfiles/ test-output/
