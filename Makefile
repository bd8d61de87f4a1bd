# The two set-up commands: `make run` (a first look, embedded: SQLite, eager Celery, demo data)
# and `make test` (the test suite; against PostgreSQL + Redis when DATABASE_URL / CELERY_BROKER_URL
# are set, as in CI).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
BRP_PORT ?= 5010

.PHONY: run test lint check-migrations openapi bench-intake clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

run: $(VENV)/.installed
	DEBUG=$${DEBUG:-1} $(BIN)/python manage.py migrate --no-input
	DEBUG=$${DEBUG:-1} $(BIN)/python manage.py seed_demo --zonder-signalen --stil
	# The fake BRP (Haal Centraal) on loopback, serving the official test persons and the demo population.
	$(BIN)/python manage.py run_fake_brp --port $(BRP_PORT) & FAKE=$$!; \
	trap "kill $$FAKE 2>/dev/null" EXIT INT TERM; \
	$(BIN)/python -c "import socket,time;[time.sleep(0.2) for _ in range(100) if socket.socket().connect_ex(('127.0.0.1',$(BRP_PORT)))]"; \
	DEBUG=$${DEBUG:-1} SHV_ACCEPT_TEST_BSNS=1 $(BIN)/python manage.py seed_demo && \
	DEBUG=$${DEBUG:-1} $(BIN)/python manage.py runserver --noreload $(HOST):$(PORT)

test: $(VENV)/.installed
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(VENV)/.installed
	$(BIN)/ruff check .

check-migrations: $(VENV)/.installed
	$(BIN)/python manage.py makemigrations --check --dry-run

openapi: $(VENV)/.installed
	$(BIN)/python manage.py spectacular --format openapi-json --file openapi.json

bench-intake: $(VENV)/.installed
	$(BIN)/python bench/intake.py

clean:
	rm -rf $(VENV) db.sqlite3 db.sqlite3-wal db.sqlite3-shm staticfiles
