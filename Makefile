# Cocora: `make run` to try it, `make test` to prove it.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
STAMP := $(VENV)/.installed

.PHONY: run test test-moved-clock install migrate seed lint format typecheck bench messages schema clean

$(STAMP): pyproject.toml constraints.txt
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -c constraints.txt -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP)

## run: serve the platform with demo data on SQLite, tasks eager (http://127.0.0.1:$(PORT))
run: $(STAMP)
	DJANGO_SETTINGS_MODULE=cocora.settings.local $(PY) manage.py migrate --noinput -v 0
	DJANGO_SETTINGS_MODULE=cocora.settings.local $(PY) manage.py compilemessages -v 0 --ignore '.venv/*' 2>/dev/null || true
	DJANGO_SETTINGS_MODULE=cocora.settings.local $(PY) manage.py seed_demo
	DJANGO_SETTINGS_MODULE=cocora.settings.local COCORA_BASE_URL=http://127.0.0.1:$(PORT) $(PY) manage.py runserver 127.0.0.1:$(PORT)

## test: checks, then the whole suite on throwaway PostgreSQL and Redis where installed
test: $(STAMP)
	DJANGO_SETTINGS_MODULE=cocora.settings.test $(PY) manage.py makemigrations --check --dry-run
	DJANGO_SETTINGS_MODULE=cocora.settings.test $(PY) manage.py check
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy cocora
	$(PY) -m cocora.testing.services -- $(PY) -m pytest $(PYTEST_ARGS)

## test-moved-clock: the suite (without the browser) again, as if it were another day
# A leap day, just after midnight in Copenhagen and Berlin while it is still the day before in UTC,
# so that a test mixing the server's date with an organisation's date, or a fixed date with
# today's, fails here. Another day: make test-moved-clock TODAY=2027-03-28T02:30+01:00
TODAY ?= 2028-02-29T00:30+01:00
test-moved-clock: $(STAMP)
	$(PY) -m cocora.testing.services -- $(PY) -m pytest -m "not browser" --today=$(TODAY) $(PYTEST_ARGS)

## bench: measure pages and writes, small against large, into docs/performance.md
bench: $(STAMP)
	$(PY) -m cocora.testing.services -- $(PY) benchmarks/run.py

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(STAMP)
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

typecheck: $(STAMP)
	$(VENV)/bin/mypy cocora

## schema: write the API's OpenAPI description to docs/openapi.yaml (a test compares them)
schema: $(STAMP)
	DJANGO_SETTINGS_MODULE=cocora.settings.test $(PY) manage.py spectacular --validate --fail-on-warn --file docs/openapi.yaml

messages: $(STAMP)
	$(PY) manage.py makemessages --all --ignore '.venv/*' --ignore 'var/*'

clean:
	rm -rf var/cocora.sqlite3 var/static .pytest_cache
