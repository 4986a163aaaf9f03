# conformap — every target bootstraps .venv with the pinned dependencies on first use.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cat requirements.lock pyproject.toml | cksum | cut -d' ' -f1)

# Material and mkdocs-gen-files' dependency "properdocs" print MkDocs-2 notices on every build; the project
# already answers them (mkdocs<2 is pinned; pages are plain functions, ready for Zensical), so silence them.
export NO_MKDOCS_2_WARNING := 1
export DISABLE_MKDOCS_2_WARNING := true

.DEFAULT_GOAL := help
.PHONY: help install test test-fast validate fmt build serve dist bench mutate mutate-realistic clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(STAMP): requirements.lock pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e . \
	  || $(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	# The wheels of the runtime dependencies alone (pyproject.toml's `dependencies`, at the pinned versions):
	# tests/test_install.py installs the built wheel from them into a fresh environment, without the network.
	rm -rf $(VENV)/wheelhouse
	$(BIN)/python -m pip download --quiet --disable-pip-version-check --no-build-isolation \
	  --constraint requirements.lock --dest $(VENV)/wheelhouse .
	rm -f $(VENV)/.installed-*
	touch $@

install: $(STAMP) ## create .venv with the pinned dependencies

test: $(STAMP) ## run the whole test suite
	$(BIN)/python -m pytest

test-fast: $(STAMP) ## run the tests that need no site build, no browser and no whole-command scenario (CPU budget 30 s)
	$(BIN)/python -m pytest -m "not slow and not browser and not scenario" --hypothesis-profile=fast

validate: $(STAMP) ## check the catalogue; prints file:line:col: path: message per problem
	$(BIN)/conformap validate

fmt: $(STAMP) ## rewrite catalogue files into the canonical layout (keeps comments; fmt --check only reports)
	$(BIN)/conformap fmt

build: $(STAMP) ## build the site into site/
	$(BIN)/python scripts/build_site.py

serve: $(STAMP) ## build and serve the site on http://127.0.0.1:8000; every edit (catalogue, templates, assets, src/) rebuilds and reloads (no .pyc written under the watched src/, which would rebuild again)
	PYTHONDONTWRITEBYTECODE=1 $(BIN)/mkdocs serve --dev-addr 127.0.0.1:8000 $(if $(CONFORMAP_CATALOG),--watch $(CONFORMAP_CATALOG))

dist: $(STAMP) ## build the sdist and the wheel (with the catalogue) into dist/, and check their metadata
	rm -rf dist
	$(BIN)/python -m build --no-isolation --outdir dist .
	$(BIN)/python -m twine check --strict dist/*

bench: $(STAMP) ## measure build and validate time on 1x, 5x and 25x catalogues: ours, plain, and ours without each speed device (best of 3 builds)
	$(BIN)/python scripts/bench.py --repeat 3

mutate: $(STAMP) ## mutation testing: mutmut on mutation.toml's modules, then the realistic mutants (slow; not part of test); MODULE=escape for one
	$(BIN)/python scripts/mutate.py $(if $(MODULE),--module $(MODULE)); m=$$?; \
	$(BIN)/python scripts/realistic_mutants.py --allow-empty $(if $(MODULE),--module $(MODULE)); r=$$?; \
	exit $$(( m > r ? m : r ))

mutate-realistic: $(STAMP) ## only the hand-written realistic mutants of tests/realistic-mutants.toml; MODULE=stats for one
	$(BIN)/python scripts/realistic_mutants.py $(if $(MODULE),--module $(MODULE))

clean: ## remove build outputs (keeps .venv)
	rm -rf site .pytest_cache .hypothesis build dist
