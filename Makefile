# The course's two commands: `make` grades what is in submitted/ (the demo class on a fresh clone), `make test`
# runs the whole test suite. Both create the virtual environment first if it is missing.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# nbgrader runs the `alembic` and `jupyter` executables of this environment.
export PATH := $(CURDIR)/$(BIN):$(PATH)
PIPELINE := $(BIN)/python -m aimath.pipeline
# Autograding runs each submission in a bubblewrap sandbox (docs/THREAT_MODEL.md); AIMATH_SANDBOX=off grades without.
BWRAP := $(shell command -v bwrap 2>/dev/null)
# The report's browser test (tests/test_report.py) opens the report in Debian's headless Chromium.
CHROMIUM := /usr/bin/chromium

.PHONY: bench all env sandbox release seed collect autograde feedback export summary report chromium test test-fast clean

all: env sandbox
	$(PIPELINE) release
	$(PIPELINE) seed
	$(PIPELINE) autograde $(AUTOGRADE_OPTIONS)
	$(PIPELINE) feedback
	$(PIPELINE) export
	@echo
	@$(PIPELINE) summary
	@echo
	@$(PIPELINE) report

env: $(BIN)/.installed

$(BIN)/.installed: requirements.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q -r requirements.txt
	$(BIN)/pip install -q --no-deps --no-build-isolation -e .
	touch $@

release: env
	$(PIPELINE) release

seed: env
	$(PIPELINE) seed

# An LMS download (zip of files named as nbgrader_config.py's FileNameCollectorPlugin.named_regexp says, e.g. Canvas)
# into submitted/: make collect ZIP=path/to/download.zip [ASSIGNMENT=basic_math]
collect: env
	$(PIPELINE) collect --zip "$(ZIP)" $(ASSIGNMENT)

# WORKERS=n (default: one per core), SCHEDULER=tcp://host:8786 (a Dask cluster), FORCE=1 (regrade everything).
AUTOGRADE_OPTIONS = $(if $(WORKERS),--workers $(WORKERS)) $(if $(SCHEDULER),--scheduler $(SCHEDULER)) $(if $(FORCE),--force)

autograde: env sandbox
	$(PIPELINE) autograde $(AUTOGRADE_OPTIONS)

feedback: env
	$(PIPELINE) feedback

export: env
	$(PIPELINE) export

summary: env
	@$(PIPELINE) summary

report: env
	@$(PIPELINE) report

# Installs bubblewrap when it is missing and we may (root); otherwise the grading step says in one line what to install.
sandbox:
	@if [ -n "$(BWRAP)" ] || [ "$(AIMATH_SANDBOX)" = off ]; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq bubblewrap >/dev/null) \
		|| echo "could not install bubblewrap: install it (sudo apt install bubblewrap) or grade with AIMATH_SANDBOX=off"; \
	else echo "the grading sandbox needs bubblewrap: sudo apt install bubblewrap (or sudo dnf install bubblewrap)"; fi

# Installs Debian's chromium for the browser test when it is missing and we may (root); otherwise says what to install.
chromium:
	@if [ -x $(CHROMIUM) ]; then :; \
	elif [ "$$(id -u)" = 0 ]; then \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
		|| echo "could not install chromium: the report's browser test will fail"; \
	else echo "the report's browser test needs Debian's chromium: sudo apt-get install chromium"; fi

test: env sandbox chromium
	$(BIN)/python -m pytest -q -n 2 --dist loadgroup

# Autograding throughput, stock nbgrader vs ours and on 1/2/4 Dask workers (STUDENTS=100 by default). Not a test.
bench: env sandbox
	$(BIN)/python benchmarks/autograde_bench.py --students $(or $(STUDENTS),100)

test-fast: env
	$(BIN)/python -m pytest -q -m "not pipeline"

clean:
	rm -rf $(VENV) submitted autograded feedback gradebook.db grades.csv report downloaded .grading .release-*
