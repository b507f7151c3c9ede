# Pika! — `make run` starts a demo, `make test` runs the tests, `make bench` measures.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
# A unique prefix per test run, so runs sharing one Redis never hear each other.
TEST_RUN := $(shell date +%s%N)

.PHONY: run test bench install install-test

$(PY):
	@echo "Creating $(VENV) with $(PYTHON)…"
	@$(PYTHON) -m venv $(VENV)
	@$(PY) -m pip install --quiet --upgrade pip

# Installs again only when the dependencies change (one stamp per flavour). setuptools'
# "Editable installation" banner says nothing a newcomer can act on.
PIP_INSTALL := PYTHONWARNINGS="ignore:Editable installation" $(PY) -m pip install --quiet

$(VENV)/.installed: pyproject.toml agent/pyproject.toml | $(PY)
	@echo "Installing Pika! and the pika-dj agent into $(VENV) (the first time takes a minute or two)…"
	@$(PIP_INSTALL) -e . -e ./agent
	@touch $@

$(VENV)/.installed-test: pyproject.toml agent/pyproject.toml | $(PY)
	@echo "Installing Pika!, the pika-dj agent and the test tools into $(VENV)…"
	@$(PIP_INSTALL) -e '.[test]' -e ./agent
	@touch $@

install: $(VENV)/.installed

install-test: $(VENV)/.installed-test

# Migrates, seeds the demo and runs server, task worker and simulated DJ (the pika-dj
# agent, as its own demo DJ) until Ctrl-C, which stops them all and exits 0.
run: install
	@$(PY) manage.py pika_demo --serve --host $(HOST) --port $(PORT)

test: install-test
	PIKA_CHANNEL_PREFIX=pika-test-$(TEST_RUN) PIKA_CACHE_PREFIX=pika-test-$(TEST_RUN) $(PY) -m pytest $(ARGS)

bench: install-test
	$(PY) -m bench $(ARGS)
