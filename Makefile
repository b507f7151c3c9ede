# Pika! — `make run` starts a demo, `make test` runs the tests, `make bench` measures.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
# Where the demo keeps its database and logs (the same folder settings.py uses).
VAR := $(or $(PIKA_VAR_DIR),var)
# A unique prefix per test run, so runs sharing one Redis never hear each other.
TEST_RUN := $(shell date +%s%N)

.PHONY: run test bench install install-test lock

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

# The lock files pin every package (the container and CI install exactly these);
# pyproject.toml says what we need, with bounds.
install: $(PY)
	$(PY) -m pip install --quiet -c requirements.lock -e .

install-test: $(PY)
	$(PY) -m pip install --quiet -c requirements-test.lock -e '.[test]' -e agent

# After changing a dependency in pyproject.toml (or agent/pyproject.toml).
lock: $(PY)
	$(PY) -m pip install --quiet "uv>=0.5,<1"
	$(VENV)/bin/uv pip compile pyproject.toml --python-version 3.11 --python-platform x86_64-manylinux_2_28 -q -o requirements.lock
	$(VENV)/bin/uv pip compile pyproject.toml agent/pyproject.toml --extra test --python-version 3.11 --python-platform x86_64-manylinux_2_28 -q -o requirements-test.lock

run: install
	@mkdir -p $(VAR)
	$(PY) manage.py migrate --no-input -v0
	@$(PY) manage.py pika_demo > $(VAR)/demo.txt
	@$(PY) manage.py pika_demo --json > $(VAR)/demo.json
	@echo; echo "  Pika! is starting on http://$(HOST):$(PORT)"; echo
	@sed 's#^\(  .*: \)/#\1http://$(HOST):$(PORT)/#; s#^Demo event: /#Demo event: http://$(HOST):$(PORT)/#' $(VAR)/demo.txt | grep -v "API token"
	@echo "  DJ dashboard: http://$(HOST):$(PORT)/dj/   (a simulated DJ plays a new track every 30 s on the Main Floor)"
	@echo "  Stop with Ctrl-C."; echo
	@trap 'kill 0' INT TERM EXIT; \
	  $(PY) manage.py qcluster > $(VAR)/worker.log 2>&1 & \
	  $(PY) manage.py simulate_dj --server http://$(HOST):$(PORT) --every 30 \
	    --token $$($(PY) -c "import json;print(json.load(open('$(VAR)/demo.json'))['dj_token'])") \
	    --stage $$($(PY) -c "import json;print(json.load(open('$(VAR)/demo.json'))['stages'][0])") \
	    > $(VAR)/simulated-dj.log 2>&1 & \
	  PIKA_BASE_URL=http://$(HOST):$(PORT) $(VENV)/bin/uvicorn pika.asgi:application --host $(HOST) --port $(PORT) --no-access-log --no-proxy-headers --ws-per-message-deflate false

test: install-test
	PIKA_CHANNEL_PREFIX=pika-test-$(TEST_RUN) PIKA_CACHE_PREFIX=pika-test-$(TEST_RUN) $(PY) -m pytest $(ARGS)

bench: install-test
	$(PY) -m bench $(ARGS)
