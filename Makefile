# The course's two commands: `make` grades what is in submitted/ (the demo class on a fresh clone), `make test`
# runs the whole test suite. Both create the virtual environment first if it is missing.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# nbgrader runs the `alembic` and `jupyter` executables of this environment.
export PATH := $(CURDIR)/$(BIN):$(PATH)
PIPELINE := $(BIN)/python -m aimath.pipeline
# The report's browser test (tests/test_report.py) opens the report in Debian's headless Chromium.
CHROMIUM := /usr/bin/chromium

.PHONY: all env release seed autograde feedback export summary report chromium test test-fast clean

all: env
	$(PIPELINE) release
	$(PIPELINE) seed
	$(PIPELINE) autograde
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

autograde: env
	$(PIPELINE) autograde

feedback: env
	$(PIPELINE) feedback

export: env
	$(PIPELINE) export

summary: env
	@$(PIPELINE) summary

report: env
	@$(PIPELINE) report

# Installs Debian's chromium for the browser test when it is missing and we may (root); otherwise says what to install.
chromium:
	@if [ -x $(CHROMIUM) ]; then :; \
	elif [ "$$(id -u)" = 0 ]; then \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
		|| echo "could not install chromium: the report's browser test will fail"; \
	else echo "the report's browser test needs Debian's chromium: sudo apt-get install chromium"; fi

test: env chromium
	$(BIN)/python -m pytest -q -n 2 --dist loadgroup

test-fast: env
	$(BIN)/python -m pytest -q -m "not pipeline"

clean:
	rm -rf $(VENV) submitted autograded feedback gradebook.db grades.csv report
