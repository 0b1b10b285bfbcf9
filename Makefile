# Two commands on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export FLASK_APP := wsgi

.PHONY: run dev test test-postgres bench bench-web setup translations translations-update clean

$(STAMP): setup.cfg pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

translations: $(STAMP)
	$(BIN)/pybabel compile -d marketplace/translations --statistics 2>&1 | tail -n 1

setup: $(STAMP) translations
	$(BIN)/flask --app wsgi setup --demo

# the web server and, beside it, the background worker (deadlines, reminders, awards, mail)
run: setup
	@echo "Serving on http://127.0.0.1:5000 with the background worker  (Ctrl+C to stop)"
	@$(BIN)/flask --app wsgi worker & worker=$$!; \
	  trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	  $(BIN)/gunicorn --workers 2 --bind 127.0.0.1:5000 --access-logfile - wsgi:app

dev: setup
	$(BIN)/flask --app wsgi run --debug --port 5000

test: $(STAMP) translations
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# The same suite against PostgreSQL (needs a server; see README).
test-postgres: $(STAMP) translations
	TEST_DATABASE_URL=$${TEST_DATABASE_URL:-postgresql+psycopg://postgres@127.0.0.1:5432/test} \
	  $(BIN)/python -m pytest $(PYTEST_ARGS)

bench: $(STAMP) translations
	$(BIN)/python -m bench.run $(BENCH_ARGS)

# Pages under load (gunicorn, wrk) beside a hello-world app; BENCH_ARGS="--needs 100000" for
# the large run. Writes bench/results-web.json; see README "Web benchmark".
bench-web: $(STAMP) translations
	$(BIN)/python -m bench.web $(BENCH_ARGS)

# Developers: extract new messages and merge them into the catalogues.
translations-update: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -k lazy_pgettext:1c,2 -o marketplace/translations/messages.pot --no-location --sort-output .
	$(BIN)/pybabel update -i marketplace/translations/messages.pot -d marketplace/translations --no-fuzzy-matching --ignore-obsolete

clean:
	rm -rf $(VENV) *.egg-info .pytest_cache
