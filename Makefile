# Set-up and everyday commands. Needs only Python 3 (>= 3.10) on the machine;
# `make test` also installs Debian's Chromium for the browser tests (apt-get, as root or with sudo).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PORT ?= 8866
# R and the reference packages for `make bench-r` (installed on demand; see benchmarks/r/setup.sh)
R_LIBRARY := $(VENV)/R-library
R_PACKAGES ?= ../shared/r-packages

.PHONY: run test test-fast bench bench-r lint install browser clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): $(BIN)/python pyproject.toml binder/requirements.txt requirements-dev.txt
	$(BIN)/pip install --quiet -r requirements-dev.txt
	$(BIN)/pip install --quiet --no-deps -e .
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(BIN)/phase1-explorer serve --port $(PORT)

browser:
	@if [ -x /usr/bin/chromium ]; then echo "chromium: $$(/usr/bin/chromium --version 2>/dev/null)"; else \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -q && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -q chromium fonts-dejavu-core; fi

test: $(STAMP) browser
	$(BIN)/ruff check explorer tests benchmarks
	$(BIN)/python -m pytest -q

test-fast: $(STAMP)
	$(BIN)/python -m pytest -q -m "not browser"

bench: $(STAMP)
	$(BIN)/python benchmarks/run.py

# R's reference packages and ours on the same work, interleaved (installs Debian's R and the packages if missing;
# without them, stored R times, said on every row)
bench-r: $(STAMP)
	@benchmarks/r/setup.sh $(R_LIBRARY) $(R_PACKAGES) || echo "bench-r: going on without R"
	$(BIN)/python benchmarks/side_by_side.py --r-library $(R_LIBRARY)

lint: $(STAMP)
	$(BIN)/ruff check explorer tests benchmarks

clean:
	rm -rf $(VENV) .pytest_cache
