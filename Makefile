# Two commands on a fresh machine: `make run` and `make test`. Each bootstraps .venv first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
HOST ?= 127.0.0.1
STAMP := $(VENV)/.installed

.PHONY: run test lint format bench messages migrate seed static chromium oidc-provider clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e ".[dev]"
	# A real schedule client for the export tests; its pins (rich<11) clash with import-linter.
	$(BIN)/python -m pip install -q --no-deps pyfahrplan==1.1.0
	touch $(STAMP)

migrate: $(STAMP)
	$(BIN)/python manage.py migrate --noinput

seed: migrate
	$(BIN)/python manage.py seed_demo

# Hashed copies of the static files (web/storage.py), redone when a file under web/static changes.
# With DEBUG on (the default) pages still name the plain files; the copies serve DEBUG=0 runs.
STATIC_MANIFEST := staticfiles/staticfiles.json
$(STATIC_MANIFEST): $(STAMP) $(shell find web/static -type f)
	$(BIN)/python manage.py collectstatic --noinput -v0

static: $(STATIC_MANIFEST)

# daphne, one task worker (mail, imports) and the notifications clock (reminders, every minute);
# stopping make stops all three. treffpunkt.serve binds the port before the application loads,
# with a backlog of 4096, not daphne's 50: after a restart or a drop every client reconnects at
# once, and none is refused meanwhile. It stays as the master of a daphne worker forked from the
# loaded application, and replaces it at once if it dies (docs/deployment.md).
run: migrate static
	$(BIN)/python manage.py seed_demo --if-empty
	@echo "Treffpunkt: http://$(HOST):$(PORT)/  (API: /api/v1/events/, docs: /api/docs/, mail: /dev/outbox/)"
	$(BIN)/python manage.py db_worker --no-reload & worker=$$!; \
	$(BIN)/python manage.py notify_tick --every 60 & ticker=$$!; \
	trap 'kill $$worker $$ticker 2>/dev/null' EXIT INT TERM; \
	SITE_URL=$${SITE_URL:-http://$(HOST):$(PORT)} $(BIN)/python -m treffpunkt.serve --host $(HOST) --port $(PORT)

# Browser tests drive the system Chromium; install it when missing and allowed (root).
chromium:
	@test -x /usr/bin/chromium || { [ "$$(id -u)" = 0 ] && \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium) \
		|| echo "Chromium is not installed; browser tests will be skipped (failed under CI=true)."; }

# The OpenID Connect provider the SSO tests start (tests/oidc) needs its npm packages.
oidc-provider:
	@if command -v npm >/dev/null; then cd tests/oidc && npm ci --no-audit --no-fund --silent; \
	else echo "node/npm are not installed; the SSO tests will be skipped (failed under CI=true)."; fi

test: $(STAMP) chromium oidc-provider
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# Rebuild the German/English catalogues (needs GNU gettext); the .mo files are committed.
messages: $(STAMP)
	$(BIN)/python manage.py makemessages -l de -l en --ignore=.venv --ignore=tests --ignore=benchmarks
	$(BIN)/python manage.py makemessages -d djangojs -l de -l en --ignore=.venv --ignore=staticfiles
	$(BIN)/python manage.py compilemessages --ignore=.venv

bench: $(STAMP)
	$(BIN)/python benchmarks/schedule.py

clean:
	rm -rf $(VENV) db.sqlite3 db.sqlite3-wal db.sqlite3-shm staticfiles .pytest_cache
