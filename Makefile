# test-scaffold: the template's own commands. `make help` lists them.
# Needs only Python 3.10+: uv is installed into .tools/ when it is not on PATH.

PYTHON ?= python3
UV ?= $(or $(shell command -v uv 2>/dev/null),$(CURDIR)/.tools/bin/uv)
DEMO_DIR := build/work_queue
ARGS ?=

.DEFAULT_GOAL := help
.PHONY: help setup demo test test-all bench lint services clean

help: ## List the targets
	@awk 'BEGIN {FS = ":.*## "} /^[a-z0-9-]+:.*## / {printf "  %-10s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

$(CURDIR)/.tools/bin/uv:
	$(PYTHON) -m venv .tools
	.tools/bin/python -m pip install --quiet --disable-pip-version-check uv

setup: $(UV) ## Create .venv with the template's tooling (cookiecutter, cruft, pytest, ruff, uv)
	$(UV) sync --locked --quiet

demo: setup ## Bake the default project into build/ and run its whole test suite
	rm -rf $(DEMO_DIR)
	$(UV) run cookiecutter --no-input --output-dir build .
	$(MAKE) -C $(DEMO_DIR) setup test-all UV="$(UV)"

# pytest exits 5 when it collects nothing: the template's suite is never empty, so that is a failure here.
PYTEST := $(UV) run pytest -n auto --dist worksteal
EMPTY_IS_AN_ERROR := status=$$?; if [ $$status -eq 5 ]; then echo "pytest collected no tests (exit 5)" >&2; fi; exit $$status

test: setup ## The template's everyday suite: hooks, every entry point at a real terminal, bakes and the default project's suite
	@$(PYTEST) -m "not slow" $(ARGS); $(EMPTY_IS_AN_ERROR)

test-all: test ## make test, then every combination's own suite and the property tests at length
	@$(PYTEST) -m "slow or hypothesis" --hypothesis-profile=thorough $(ARGS); $(EMPTY_IS_AN_ERROR)

bench: setup ## Measure the generated project (testmon, xdist, isolation, shards, analytics, unit tier) into docs/benchmarks.md
	$(UV) run python -m bench $(ARGS)

lint: setup ## ruff on the template's own code (baked projects are linted by the tests)
	$(UV) run ruff check tests bench
	$(UV) run ruff format --check tests bench

services: ## Install and start PostgreSQL and Redis on loopback (Debian, needs root or sudo)
	bash .ci/services.sh

clean: ## Remove build/, caches and the tool environments
	rm -rf build .tools .venv .pytest_cache
