# Two commands matter: `make run` (the demo) and `make test` (the whole suite).
SHELL := /bin/bash
.DEFAULT_GOAL := help
VENV := .venv
PY := $(VENV)/bin/python
UV := .tools/uv/bin/uv
FIND_PYTHON := scripts/find-python

help:
	@echo "make run     - install, migrate, seed the demo and serve on http://127.0.0.1:8000"
	@echo "make test    - run the whole test suite (unit, websocket, worker, browser)"
	@echo "make lint    - ruff check, ruff format --check and lint-imports (the apps' layers)"
	@echo "make assets  - compile the catalogues and collect the static files, as the image does"
	@echo "make lock    - re-resolve requirements.lock from pyproject.toml"
	@echo "make bench   - run the benchmarks and rewrite docs/BENCHMARKS.md"
	@echo "make soak    - 1,000 forced chat reconnects while messages flow (docs/RELIABILITY.md)"

$(UV):
	@PY=$$($(FIND_PYTHON)) && "$$PY" -m venv .tools/uv && .tools/uv/bin/pip install --quiet --disable-pip-version-check "uv==0.13.9"

$(VENV)/.installed: requirements.lock $(UV)
	@PY=$$($(FIND_PYTHON)) && UV_PYTHON_DOWNLOADS=never $(UV) venv --quiet --allow-existing --python "$$PY" $(VENV)
	# Bytecode compiled once here: where PYTHONDONTWRITEBYTECODE is set (as on our CI machines and in the image),
	# every process would otherwise compile web3 and Django again at start-up (5 s of CPU instead of 2 here).
	UV_PYTHON_DOWNLOADS=never $(UV) pip sync --quiet --compile-bytecode --python $(PY) requirements.lock
	scripts/build-assets
	@touch $@

install: $(VENV)/.installed

lock: $(UV)
	UV_PYTHON_DOWNLOADS=never $(UV) pip compile pyproject.toml --all-extras --generate-hashes \
	  --python-version 3.12 --no-header --custom-compile-command "make lock" -o requirements.lock --quiet
	@scripts/check-lock requirements.lock

node_modules/.installed: package.json package-lock.json
	@if command -v npm >/dev/null; then \
	  npm ci --no-audit --no-fund --loglevel=error && touch $@; \
	else echo "npm not found: local EVM chains (anvil) and solc are unavailable; the demo runs without them"; fi

npm: node_modules/.installed

run: install npm
	@scripts/run-demo

test: install
	@scripts/run-tests

assets: install
	scripts/build-assets

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports --no-cache

soak: install
	@scripts/soak

bench: install npm
	@scripts/run-bench

clean:
	rm -rf $(VENV) .tools node_modules demo.sqlite3 staticfiles

.PHONY: help install lock npm run test lint assets bench soak clean
