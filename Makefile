# The two commands of the README:  `make serve`  and  `make test`.
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
VENDOR := kezek/static/vendor/.installed
export KEZEK_PROFILE ?= demo

.PHONY: serve test check setup bench messages dist clean

setup: $(STAMP) $(VENDOR)

$(STAMP): pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $@

$(VENDOR): package.json package-lock.json scripts/vendor.py
	npm ci --no-audit --no-fund --loglevel=error
	python3 scripts/vendor.py
	touch $@

serve: setup
	$(PY) -m kezek db upgrade
	$(PY) -m kezek demo --if-empty
	$(PY) -m kezek serve --host 127.0.0.1 --port 8000

test: setup
	$(PY) -m pytest

check: setup
	$(VENV)/bin/ruff check kezek tests bench scripts
	$(VENV)/bin/ruff format --check kezek tests bench scripts
	$(VENV)/bin/mypy

bench: setup
	$(PY) -m bench

screens: setup  # the README's screenshots, from the browser journeys
	$(PY) scripts/screens.py

messages: setup
	$(PY) scripts/messages.py

# The sdist and the wheel in dist/, each carrying the pinned htmx (the build backend,
# scripts/build_backend.py, runs npm ci and scripts/vendor.py first when they are missing).
dist: $(STAMP)
	rm -rf dist
	$(PY) -m build --outdir dist .

clean:
	rm -rf $(VENV) node_modules kezek/static/vendor var dist build kezek.egg-info
