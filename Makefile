# Standfirst: the front door. `make` (or `make help`) lists the targets.

PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
PYTEST_ARGS ?=
DEMO_ARTICLE := articles/demo_content/community-care-hamzah-khan.txt

.DEFAULT_GOAL := help
.PHONY: help venv run test lint fmt migrations-check node-deps

help: ## Show this list of targets
	@echo "Usage: make <target>"
	@echo
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z_-]+:.*## / {printf "  %-18s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

# The virtualenv, created with nothing but python3 (Debian/Ubuntu also need python3-venv).
$(BIN)/python:
	$(PY) -m venv $(VENV)

# One stamp per requirements file: pip reruns only when that file (or one it includes) changes.
$(VENV)/.installed-requirements.txt: requirements.txt | $(BIN)/python
	$(BIN)/python -m pip install --disable-pip-version-check -r requirements.txt
	@touch $@

$(VENV)/.installed-requirements-dev.txt: requirements-dev.txt requirements.txt | $(BIN)/python
	$(BIN)/python -m pip install --disable-pip-version-check -r requirements-dev.txt
	@touch $@

venv: $(VENV)/.installed-requirements-dev.txt ## Create .venv with runtime and dev requirements

# `make run PORT=8001` serves on another port; the printed login and every absolute link
# (SITE_URL) follow it unless SITE_URL is set. DEBUG off by default, so a missing page
# shows the site's own 404 page (make run DJANGO_DEBUG=1 for Django's debug pages).
PORT ?= 8000
SITE_URL ?= http://127.0.0.1:$(PORT)
DJANGO_DEBUG ?= 0
run: export SITE_URL := $(SITE_URL)
run: export DJANGO_DEBUG := $(DJANGO_DEBUG)
run: $(VENV)/.installed-requirements.txt ## Migrate, load the seed and a demo newsroom, print an editor login, run the worker and serve on 127.0.0.1:PORT (default 8000)
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py import_article $(DEMO_ARTICLE) --publish
	$(BIN)/python manage.py demo_newsroom
	$(BIN)/python manage.py ensure_local_editor
	@# The worker and the web server together; Ctrl-C (or either one ending) stops both.
	@trap 'trap - EXIT; kill 0' INT TERM EXIT; \
	$(BIN)/python manage.py db_worker --no-reload & \
	$(BIN)/gunicorn cms.wsgi -c gunicorn.conf.py --bind 127.0.0.1:$(PORT)

test: $(VENV)/.installed-requirements-dev.txt node-deps ## Run the test suite (extra pytest options: PYTEST_ARGS="-k feed -x")
	$(BIN)/pytest $(PYTEST_ARGS)

# axe-core (browser tests) and vnu-jar (the HTML checker), from package-lock.json, when missing.
node-deps:
	@if [ ! -f node_modules/axe-core/axe.min.js ] || [ ! -f node_modules/vnu-jar/build/dist/vnu.jar ]; then \
		if command -v npm >/dev/null; then npm ci --no-audit --no-fund; \
		else echo "npm not found: the browser and HTML-checker tests will skip (and fail under CI=true)"; fi; \
	fi

lint: $(VENV)/.installed-requirements-dev.txt ## Check lint rules and formatting with ruff (changes nothing)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# --exit-zero: what cannot be fixed automatically is listed, and formatting still runs.
fmt: $(VENV)/.installed-requirements-dev.txt ## Apply ruff's safe fixes and format the code
	$(BIN)/ruff check --fix --exit-zero .
	$(BIN)/ruff format .

migrations-check: $(VENV)/.installed-requirements.txt ## Fail if a model change has no migration
	$(BIN)/python manage.py makemigrations --check --dry-run

.PHONY: bench bench-quick
bench: $(VENV)/.installed-requirements.txt ## Benchmark on PostgreSQL + Redis: pages vs floor, limit and Wagtail, Varnish, newsroom mix, growth to 100k (BENCH_ARGS="--sizes 1000,10000")
	$(BIN)/python bench/run.py $(BENCH_ARGS)

bench-quick: $(VENV)/.installed-requirements.txt ## The benchmark at 1,000 and 10,000 articles (a few minutes)
	$(BIN)/python bench/run.py --quick $(BENCH_ARGS)
