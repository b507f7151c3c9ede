# Pika! — `make run` starts a demo, `make test` runs the tests, `make bench` measures.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
# A unique prefix per test run, so runs sharing one Redis never hear each other.
TEST_RUN := $(shell date +%s%N)

.PHONY: run test bench install install-test lock

$(PY):
	@echo "Creating $(VENV) with $(PYTHON)…"
	@$(PYTHON) -m venv $(VENV)
	@$(PY) -m pip install --quiet --upgrade pip

# The lock files pin every package (the container and CI install exactly these);
# pyproject.toml says what we need, with bounds. Installs again only when they change
# (one stamp per flavour). setuptools' "Editable installation" banner says nothing a
# newcomer can act on.
PIP_INSTALL := PYTHONWARNINGS="ignore:Editable installation" $(PY) -m pip install --quiet

$(VENV)/.installed: pyproject.toml agent/pyproject.toml requirements.lock | $(PY)
	@echo "Installing Pika! and the pika-dj agent into $(VENV) (the first time takes a minute or two)…"
	@$(PIP_INSTALL) -c requirements.lock -e . -e ./agent
	@touch $@

$(VENV)/.installed-test: pyproject.toml agent/pyproject.toml requirements-test.lock | $(PY)
	@echo "Installing Pika!, the pika-dj agent and the test tools into $(VENV)…"
	@$(PIP_INSTALL) -c requirements-test.lock -e '.[test]' -e ./agent
	@touch $@

install: $(VENV)/.installed

install-test: $(VENV)/.installed-test

# After changing a dependency in pyproject.toml (or agent/pyproject.toml).
lock: $(PY)
	$(PY) -m pip install --quiet "uv>=0.5,<1"
	$(VENV)/bin/uv pip compile pyproject.toml --python-version 3.11 --python-platform x86_64-manylinux_2_28 -q -o requirements.lock
	$(VENV)/bin/uv pip compile pyproject.toml agent/pyproject.toml --extra test --python-version 3.11 --python-platform x86_64-manylinux_2_28 -q -o requirements-test.lock

# Migrates, seeds the demo and runs server, task worker and simulated DJ (the pika-dj
# agent, as its own demo DJ) until Ctrl-C, which stops them all and exits 0.
run: install
	@$(PY) manage.py collectstatic --no-input -v0
	@$(PY) manage.py pika_demo --serve --host $(HOST) --port $(PORT)

# Tests run on TEST_WORKERS parallel workers (pytest-xdist); TEST_WORKERS=0 runs them in
# this one process (a debugger's breakpoint, or output as it comes).
TEST_WORKERS ?= 2

test: install-test
	PIKA_CHANNEL_PREFIX=pika-test-$(TEST_RUN) PIKA_CACHE_PREFIX=pika-test-$(TEST_RUN) $(PY) -m pytest -n $(TEST_WORKERS) $(ARGS)

bench: install-test
	$(PY) -m bench $(ARGS)
