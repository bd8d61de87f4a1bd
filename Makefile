# The two set-up commands: `make run` (a first look, embedded: SQLite, eager Celery, demo data)
# and `make test` (the test suite; against PostgreSQL + Redis when DATABASE_URL / CELERY_BROKER_URL
# are set, as in CI). `make test` also installs what the browser tests (tests/browser) need:
# axe-core (`npm ci`) and Debian's chromium (when missing, if run as root on Debian), and what WeasyPrint
# needs for the inzage report's PDF: Debian's Pango and a font (`make pdf-deps`, the same way).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
BRP_PORT ?= 5010
NOTIFY_PORT ?= 5020
NPM ?= npm
# The local tools run in development mode (plain-http loopback, the local key); production is the default of
# the settings, the Docker image and docker-compose.yml (issue 11).
ENVIRONMENT ?= development
export ENVIRONMENT
CHROMIUM_PATH ?= /usr/bin/chromium

.PHONY: run test browser-deps chromium pdf-deps lint check-migrations openapi bench-intake clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

# The browser tests' JavaScript tools (axe-core), exactly as locked in package-lock.json.
node_modules/.installed: package.json package-lock.json
	@command -v $(NPM) >/dev/null 2>&1 || { echo "ERROR: npm not found; the browser tests need Node.js and npm" \
		"(Debian: apt-get install nodejs npm) to install axe-core." >&2; exit 1; }
	$(NPM) ci --no-audit --no-fund
	touch $@

# Debian's Chromium for the browser tests (Playwright's own browser download is not used).
chromium:
	@if [ -x "$(CHROMIUM_PATH)" ]; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
		echo "Installing Debian's chromium for the browser tests"; \
		DEBIAN_FRONTEND=noninteractive apt-get update -q && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends chromium; \
	else \
		echo "NOTE: $(CHROMIUM_PATH) not found. The browser tests (tests/browser) need Chromium and will fail" \
			"without it: install Debian's package (sudo apt-get install --no-install-recommends chromium)" \
			"or set CHROMIUM_PATH to a Chromium binary." >&2; \
	fi

browser-deps: node_modules/.installed chromium

# Debian's Pango, HarfBuzz's subsetter and a font for WeasyPrint (the inzage report as PDF, privacy/inzage_pdf.py);
# the Dockerfile installs the same packages.
PDF_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core
pdf-deps:
	@if ldconfig -p | grep -q 'libpangoft2-1.0.so.0' && ldconfig -p | grep -q 'libharfbuzz-subset.so.0' \
		&& [ -d /usr/share/fonts/truetype/dejavu ]; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
		echo "Installing Debian's Pango and a font for WeasyPrint (the inzage report's PDF)"; \
		DEBIAN_FRONTEND=noninteractive apt-get update -q && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $(PDF_PACKAGES); \
	else \
		echo "NOTE: Pango not found. The inzage report's PDF (WeasyPrint) needs it and its tests will fail" \
			"without it: sudo apt-get install --no-install-recommends $(PDF_PACKAGES)" >&2; \
	fi

# migrate, demo data, the fake BRP (Haal Centraal) on loopback with the official test persons and the demo
# population, and the web server: supervised by `manage.py run_demo`, which stops all of them on Ctrl-C
# (or kill, or a closed terminal) and leaves no process behind. RUN_ARGS=--zonder-signalen starts in seconds.
run: $(VENV)/.installed pdf-deps
	exec $(BIN)/python manage.py run_demo --host $(HOST) --port $(PORT) --brp-port $(BRP_PORT) --notify-port $(NOTIFY_PORT) $(RUN_ARGS)

# The suite in parallel processes (pytest-xdist; auto = one per CPU core, PYTEST_WORKERS=0 for one
# process) and in a random order (pytest-randomly; the seed is printed at the start and the end).
PYTEST_WORKERS ?= auto
test: $(VENV)/.installed browser-deps pdf-deps
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

lint: $(VENV)/.installed
	$(BIN)/ruff check .
	$(BIN)/lint-imports

check-migrations: $(VENV)/.installed
	$(BIN)/python manage.py makemigrations --check --dry-run

openapi: $(VENV)/.installed
	$(BIN)/python manage.py spectacular --format openapi-json --file openapi.json

bench-intake: $(VENV)/.installed
	$(BIN)/python bench/intake.py

clean:
	rm -rf $(VENV) node_modules db.sqlite3 db.sqlite3-wal db.sqlite3-shm staticfiles
