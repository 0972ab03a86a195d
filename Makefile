# elkaar: the two commands are `make run` and `make test` (see README.md).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PORT ?= 8000
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: run test install install-test lint typecheck openapi-lint pytest pytest-postgres translations clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

install: $(VENV)/.installed

install-test: $(VENV)/.installed-test
	@command -v msgfmt >/dev/null 2>&1 || (command -v apt-get >/dev/null && apt-get install -y -qq gettext >/dev/null 2>&1) || true
	@[ -d node_modules/@stoplight/spectral-cli ] || npm install --no-audit --no-fund --silent >/dev/null 2>&1 || echo "npm install failed: the OpenAPI lint will be skipped"

## make run: install, migrate, load demo data when the database is empty, serve on http://127.0.0.1:$(PORT)
run: install
	$(BIN)/elkaar migrate --no-input
	$(BIN)/elkaar collectstatic --no-input --verbosity 0
	$(BIN)/elkaar demo --if-empty
	$(BIN)/elkaar serve --port $(PORT)

## make test: ruff, mypy, the OpenAPI lint, and pytest on SQLite and on PostgreSQL
test: install-test lint typecheck openapi-lint pytest pytest-postgres

lint:
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

typecheck:
	$(BIN)/mypy

openapi-lint:
	$(BIN)/python -m elkaar.api.lint

pytest:
	ELKAAR_TESTING=1 $(BIN)/pytest -n 2 -p no:cacheprovider

TEST_POSTGRES_URL ?= postgres://postgres@127.0.0.1:5432/elkaar

pytest-postgres:
	@if $(BIN)/python -m elkaar.core.postgres_check "$(TEST_POSTGRES_URL)"; then \
	  ELKAAR_TESTING=1 DATABASE_URL="$(TEST_POSTGRES_URL)" $(BIN)/pytest -n 2 -p no:cacheprovider; \
	else test $$? -eq 75; fi

translations:
	$(BIN)/elkaar makemessages -l en --no-obsolete --no-location -i '.venv/*' -i 'node_modules/*'
	$(BIN)/elkaar compilemessages -l en -l nl

clean:
	rm -rf $(VENV) node_modules var/static
