# Set-up and everyday commands. Needs only Python 3 (>= 3.10) on the machine;
# `make test` also installs Debian's Chromium for the browser tests (apt-get, as root or with sudo).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
RUN_STAMP := $(VENV)/.installed-run
TEST_STAMP := $(VENV)/.installed-test
PORT ?= 8866
HOST ?= 127.0.0.1
POOL ?= 2
# R and the reference packages for `make bench-r` (installed on demand; see benchmarks/r/setup.sh)
R_LIBRARY := $(VENV)/R-library
R_PACKAGES ?= ../shared/r-packages

.PHONY: run test test-fast bench bench-r lint install browser clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# What running needs: the package and its dependencies (pyproject.toml), nothing else.
$(RUN_STAMP): $(BIN)/python pyproject.toml
	$(BIN)/pip install --quiet -e '.[report]'
	touch $(RUN_STAMP)

# What testing adds: the Binder pins (JupyterLab, for the Binder path test), pytest, Playwright, ruff.
$(TEST_STAMP): $(RUN_STAMP) binder/requirements.txt requirements-dev.txt
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $(TEST_STAMP)

install: $(TEST_STAMP)

# One person: a small pool. A room: make run HOST=0.0.0.0 POOL=10 (see README, "Running it for a room").
run: $(RUN_STAMP)
	$(BIN)/phase1-explorer serve --host $(HOST) --port $(PORT) --pool $(POOL)

browser:
	@if [ -x /usr/bin/chromium ]; then echo "chromium: $$(/usr/bin/chromium --version 2>/dev/null)"; else \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -q && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -q chromium fonts-dejavu-core; fi

test: $(TEST_STAMP) browser
	$(BIN)/ruff check explorer tests benchmarks
	$(BIN)/python -m pytest -q

test-fast: $(TEST_STAMP)
	$(BIN)/python -m pytest -q -m "not browser"

bench: $(TEST_STAMP)
	$(BIN)/python benchmarks/run.py

# R's reference packages and ours on the same work, interleaved (installs Debian's R and the packages if missing;
# without them, stored R times, said on every row)
bench-r: $(TEST_STAMP)
	@benchmarks/r/setup.sh $(R_LIBRARY) $(R_PACKAGES) || echo "bench-r: going on without R"
	$(BIN)/python benchmarks/side_by_side.py --r-library $(R_LIBRARY)

lint: $(TEST_STAMP)
	$(BIN)/ruff check explorer tests benchmarks

clean:
	rm -rf $(VENV) .pytest_cache
