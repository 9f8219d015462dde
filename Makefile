# The course's two commands: `make` grades what is in submitted/ (the demo class on a fresh clone), `make test`
# runs the whole test suite. Both create the virtual environment first if it is missing.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# nbgrader runs the `alembic` and `jupyter` executables of this environment.
export PATH := $(abspath $(BIN)):$(PATH)
CLI := $(BIN)/python -m aimath
# Autograding runs each submission in a bubblewrap sandbox (docs/THREAT_MODEL.md); AIMATH_SANDBOX=off grades without.
BWRAP := $(shell command -v bwrap 2>/dev/null)
SECCOMP := $(shell ldconfig -p 2>/dev/null | grep -q 'libseccomp\.so\.2' || /sbin/ldconfig -p 2>/dev/null | grep -q 'libseccomp\.so\.2' && echo yes)
# The report's browser test (tests/test_report.py) opens the report in Debian's headless Chromium.
CHROMIUM := /usr/bin/chromium

.PHONY: bench bench-profile bench-rerun all env sandbox release seed collect autograde feedback export summary report chromium test test-fast clean
.PHONY: help student validate

# One process for every step (the grading stack is imported once); each step skips what is up to date, so a rerun
# with nothing new takes seconds. The targets below run one step each.
all: env sandbox ## release, seed, autograde, feedback, export, summary and report in turn, in one process (`make`)
	$(CLI) all $(AUTOGRADE_OPTIONS)

env: $(BIN)/.installed ## create .venv from requirements.txt (again when it changes)

$(BIN)/.installed: requirements.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q -r requirements.txt
	$(BIN)/pip install -q --no-deps --no-build-isolation -e .
	touch $@

release: env ## regenerate release/ from source/ (nbgrader generate_assignment); commit it
	$(CLI) release

seed: env ## write the demo class into submitted/ when it holds no notebook
	$(CLI) seed

# An LMS download (zip of files named as nbgrader_config.py's FileNameCollectorPlugin.named_regexp says, e.g. Canvas)
# into submitted/: make collect ZIP=path/to/download.zip [ASSIGNMENT=basic_math]
collect: env ## copy an LMS download (a zip) into submitted/ (nbgrader zip_collect): ZIP=download.zip [ASSIGNMENT=name]
	$(CLI) collect --zip "$(ZIP)" $(ASSIGNMENT)

# WORKERS=n (default: one per core), SCHEDULER=tcp://host:8786 (a Dask cluster), FORCE=1 (regrade everything).
AUTOGRADE_OPTIONS = $(if $(WORKERS),--workers $(WORKERS)) $(if $(SCHEDULER),--scheduler $(SCHEDULER)) $(if $(FORCE),--force)

autograde: env sandbox ## grade what is new or changed in submitted/ (nbgrader autograde, in parallel) [FORCE=1]
	$(CLI) autograde $(AUTOGRADE_OPTIONS)

feedback: env ## write an HTML feedback page per graded submission into feedback/
	$(CLI) feedback

export: env ## write grades.csv (nbgrader's CSV export of the gradebook)
	$(CLI) export

summary: env ## print the class table and the submissions to look at
	@$(CLI) summary

report: env ## write report/index.html (scores, pass rates, flagged submissions) and its CSVs
	@$(CLI) report

# Installs bubblewrap and libseccomp (each kernel's system call filter) when missing and we may (root); otherwise the
# grading step says in one line what to install.
sandbox: ## install bubblewrap and libseccomp (the grading sandbox) when missing and we are root
	@if { [ -n "$(BWRAP)" ] && [ -n "$(SECCOMP)" ]; } || [ "$(AIMATH_SANDBOX)" = off ]; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq bubblewrap libseccomp2 >/dev/null) \
		|| echo "could not install bubblewrap and libseccomp2: install them (sudo apt install bubblewrap libseccomp2) or grade with AIMATH_SANDBOX=off"; \
	else echo "the grading sandbox needs bubblewrap and libseccomp: sudo apt install bubblewrap libseccomp2 (or sudo dnf install bubblewrap libseccomp)"; fi

# Installs Debian's chromium for the browser test when it is missing and we may (root); otherwise says what to install.
chromium: ## install Debian's chromium (the report's browser test) when it is missing and we are root
	@if [ -x $(CHROMIUM) ]; then :; \
	elif [ "$$(id -u)" = 0 ]; then \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
		|| echo "could not install chromium: the report's browser test will fail"; \
	else echo "the report's browser test needs Debian's chromium: sudo apt-get install chromium"; fi

test: env sandbox chromium ## run the whole test suite on two workers
	$(BIN)/python -m pytest -q -n 2 --dist loadgroup

# Autograding throughput, stock nbgrader vs ours and on 1/2/4 Dask workers (STUDENTS=100 by default). Not a test.
bench: env sandbox ## measure autograding throughput, stock nbgrader against ours [STUDENTS=100]
	$(BIN)/python benchmarks/autograde_bench.py --students $(or $(STUDENTS),100)

# A full `make` against a rerun with nothing new, on a fresh copy of the course with the demo class. Not a test.
bench-profile: env sandbox ## where one notebook's grading time goes, step by step [STUDENTS=3]
	$(BIN)/python benchmarks/grading_profile.py --students $(or $(STUDENTS),3)

bench-rerun: env sandbox ## time a full make and a make with nothing new, on a fresh copy of the course
	$(BIN)/python benchmarks/rerun_bench.py

test-fast: env ## run the tests not marked pipeline (no real nbgrader runs)
	$(BIN)/python -m pytest -q -m "not pipeline"

clean: ## remove .venv, .venv-student and all grading state (never committed files)
	rm -rf $(VENV) $(STUDENT_VENV) submitted autograded feedback gradebook.db grades.csv report downloaded .grading \
		.release-*

# A student's environment: the release notebooks' packages, JupyterLab and nbgrader at the course's versions, with
# only nbgrader's Validate button (no Formgrader, Create Assignment, course or assignment list: the server and lab
# extensions are disabled in .venv-student, as nbgrader's installation guide says).
STUDENT_VENV := .venv-student
STUDENT_HIDDEN_LAB := formgrader create-assignment course-list assignment-list menu
STUDENT_HIDDEN_SERVER := formgrader course_list assignment_list

student: $(STUDENT_VENV)/bin/.installed ## create .venv-student: what a student needs, with the Validate button

$(STUDENT_VENV)/bin/.installed: requirements-student.txt
	$(PYTHON) -m venv $(STUDENT_VENV)
	$(STUDENT_VENV)/bin/pip install -q -r requirements-student.txt
	$(STUDENT_VENV)/bin/jupyter labextension disable --level=sys_prefix $(STUDENT_HIDDEN_LAB:%=@jupyter/nbgrader:%)
	$(STUDENT_VENV)/bin/jupyter server extension disable --sys-prefix \
		$(STUDENT_HIDDEN_SERVER:%=nbgrader.server_extensions.%)
	touch $@

validate: student ## run a notebook's visible tests, failing if one fails: make validate NOTEBOOK=path/to/name.ipynb
	@$(STUDENT_VENV)/bin/python -m aimath.validate $(if $(NOTEBOOK),"$(NOTEBOOK)")

help: ## list the targets
	@echo "make [target] [VARIABLE=value ...], from the course folder:"
	@awk 'BEGIN { FS = ":[^#]*## " } /^[a-z-]+:[^=]*## / { printf "  %-11s %s\n", $$1, $$2 }' $(MAKEFILE_LIST)

# A target with no rule (a typo): one line pointing to the list.
.DEFAULT:
	$(error no target '$@' here: `make help` lists them)
