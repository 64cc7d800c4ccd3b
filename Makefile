# 上海市政府购买社会组织服务供需对接平台 — the two commands that do all the set-up:
#   make run    install, migrate, load demo data, serve on http://127.0.0.1:8000 (SQLite)
#   make test   install and run the test suite (DATABASE_URL selects PostgreSQL)
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install run test test-e2e lint migrate seed clean bench-data bench

install: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

migrate: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py createcachetable

seed: migrate
	$(BIN)/python manage.py seed_demo

# With CELERY_BROKER_URL set (e.g. redis://127.0.0.1:6379/1), a celery worker with beat runs beside the
# web server and stops with it; without it, tasks run in-process and SQLite alone serves everything.
run: seed
	@if [ -n "$$CELERY_BROKER_URL" ]; then \
		$(BIN)/celery -A portal worker --beat --loglevel=info --concurrency=2 & worker=$$!; \
		trap "kill $$worker 2>/dev/null" EXIT INT TERM; \
		$(BIN)/python manage.py runserver 127.0.0.1:8000; \
	else \
		$(BIN)/python manage.py runserver 127.0.0.1:8000; \
	fi

# The browser journeys (tests/e2e, Chromium at /usr/bin/chromium) run last; without Chromium they are
# skipped and the summary says so.
test: install
	$(BIN)/python -m pytest

test-e2e: install
	$(BIN)/python -m pytest tests/e2e

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

clean:
	rm -rf $(VENV) db.sqlite3 media staticfiles

# Benchmark at city scale (bench/README.md, not run by CI), on the PostgreSQL at 127.0.0.1:
#   make bench-data   (re)create BENCH_DATABASE_URL and fill it: 20,000 organizations, 100,000 demands, ...
#                     BENCH_SCALE=10k|100k|1M sets the demands (offers half of it)
#   make bench        gunicorn + wrk over the main pages; table and issue 15's aims printed and written to
#                     bench/results/city.md; BENCH_1M_DATABASE_URL (if it exists) adds the 1M growth column,
#                     BENCH_ARGS='--scales 10k=URL,100k=URL,1M=URL' any set of them
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/portal_bench
BENCH_ARGS ?=
BENCH_1M_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/portal_bench_1m
BENCH_SCALE ?= 100k

bench-data: install
	BENCH_DATABASE_URL=$(BENCH_DATABASE_URL) BENCH_SCALE=$(BENCH_SCALE) $(BIN)/python bench/city_data.py

bench: install
	@command -v wrk >/dev/null || apt-get install -y wrk || { apt-get update && apt-get install -y wrk; } \
		|| { echo "wrk is needed: apt-get install -y wrk (as root)"; exit 1; }
	BENCH_DATABASE_URL=$(BENCH_DATABASE_URL) BENCH_1M_DATABASE_URL=$(BENCH_1M_DATABASE_URL) \
		$(BIN)/python bench/city_load.py $(BENCH_ARGS)
