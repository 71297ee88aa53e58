# jobwire's two set-up commands: `make dev` runs the whole stack, `make test` runs every check.
# Each installs what it needs first: uv (from the package index when missing), a .venv synced
# exactly to requirements.lock, the web console's build, and Chromium for the browser tests.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
UV := $(shell command -v uv 2>/dev/null || echo .tools/bin/uv)
INSTALLED := $(VENV)/.installed
# The suite mostly waits (on Temporal timers, processes starting, browsers): three workers,
# each with its own Temporal dev server and Redis, one test file per worker at a time.
PYTEST_ARGS ?= -n 3 --dist loadfile

.PHONY: dev test check lint typecheck unit pytest lock install console browser clean

dev: install console
	$(BIN)/jobwire dev

test: install console browser check

check: lint typecheck pytest

install: $(INSTALLED)

.tools/bin/uv:
	$(PYTHON) -m venv .tools
	.tools/bin/pip install -q "uv>=0.8"

$(INSTALLED): requirements.lock pyproject.toml | $(UV)
	$(UV) venv -q --allow-existing --python $(PYTHON) $(VENV)
	$(UV) pip sync -q --require-hashes --python $(BIN)/python requirements.lock
	$(UV) pip install -q --no-deps --python $(BIN)/python -e .
	touch $@

lock: | $(UV)
	$(UV) pip compile -q pyproject.toml --extra dev --generate-hashes --no-emit-index-url \
		--no-emit-find-links --python-version 3.11 -o requirements.lock

console:
	@if [ -f web/package.json ]; then scripts/build-console; fi

browser:
	@if [ -d tests/e2e/browser ]; then scripts/ensure-chromium; fi

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache

typecheck: install
	$(BIN)/mypy

pytest: install
	$(BIN)/pytest $(PYTEST_ARGS)
	@if [ -f web/package.json ]; then npm --prefix web test --silent; fi

clean:
	rm -rf $(VENV) .tools .mypy_cache .ruff_cache .pytest_cache
