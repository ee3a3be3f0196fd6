# Two commands do all the set-up on a Debian or Ubuntu machine with Python 3.11+, make and git:
#   make run    development server on http://127.0.0.1:8000 with demo data
#   make test   the whole test suite
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat requirements.lock requirements-dev.lock | cksum | cut -d' ' -f1)
RUNTIME_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core
# Playwright's bundled driver needs libatomic.
TEST_PACKAGES := $(RUNTIME_PACKAGES) chromium libatomic1
HOST ?= 127.0.0.1
PORT ?= 8000

# HTML_CodeSniffer, the browser tests' second accessibility engine, from the npm registry at the
# version and integrity of package-lock.json, into node_modules/ (npm comes with Debian's nodejs).
HTMLCS := node_modules/html_codesniffer/build/HTMLCS.js

.PHONY: run test lint audit venv system-runtime system-test test-tools migrate demo messages clean

run: venv system-runtime migrate demo
	DJANGO_ENV=development SITE_URL=$${SITE_URL:-http://$(HOST):$(PORT)} $(BIN)/python manage.py serve $(HOST):$(PORT)

test: venv system-test test-tools
	DJANGO_ENV=test $(BIN)/python -m pytest $(PYTEST_ARGS)

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	DJANGO_ENV=test $(BIN)/python manage.py makemigrations --check --dry-run

# Known vulnerabilities in the locked dependencies. Needs PyPI's JSON API (or OSV); --strict
# fails when a package could not be checked, instead of a false "No known vulnerabilities".
audit: venv
	$(BIN)/pip-audit --strict --progress-spinner off -r requirements.lock

venv: $(STAMP)

$(STAMP): requirements.lock requirements-dev.lock
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
		{ echo "Python 3.11 or newer is needed (found: $$($(PYTHON) --version))."; exit 1; }
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV) || \
		{ echo "Cannot create the virtualenv. Run: sudo apt-get install -y python3-venv"; exit 1; }
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.lock
	@rm -f $(VENV)/.installed-*
	@touch $@

system-runtime:
	@bin/system-packages $(RUNTIME_PACKAGES)

system-test:
	@bin/system-packages $(TEST_PACKAGES)

test-tools: $(HTMLCS)

$(HTMLCS): package.json package-lock.json
	@command -v npm >/dev/null || bin/system-packages npm
	npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	@touch $@

migrate: venv
	DJANGO_ENV=development $(BIN)/python manage.py migrate --noinput

demo: venv
	DJANGO_ENV=development SITE_URL=$${SITE_URL:-http://$(HOST):$(PORT)} $(BIN)/python manage.py seed_demo

messages: venv
	DJANGO_ENV=development $(BIN)/python manage.py makemessages -l fr -l en --no-obsolete \
		--ignore=.venv --ignore=var --ignore=staticfiles
	DJANGO_ENV=development $(BIN)/python manage.py compilemessages --ignore=.venv

clean:
	rm -rf $(VENV) var/db.sqlite3 staticfiles node_modules
