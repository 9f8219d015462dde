"""Help where people look: `make help` lists every target with one line, from the `##` comment on its rule; a
mistyped target points to it; `python -m aimath --help` says in one line what each step does, in the words
`make help` uses for the target that runs it."""
import re
import subprocess

import pytest

from aimath.__main__ import STEPS, main
from tests.test_pipeline import ROOT

MAX_LINE = 120  # the course's line width, so a help line fits a terminal the code fits


def _make(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["make", "-s", "-C", str(ROOT), *args], capture_output=True, text=True, timeout=60)


def _phony_targets() -> set[str]:
    makefile = (ROOT / "Makefile").read_text().replace("\\\n", " ")
    return {t for line in re.findall(r"^\.PHONY:(.*)$", makefile, re.M) for t in line.split()}


def _help_lines() -> dict[str, str]:
    done = _make("help")
    assert done.returncode == 0 and done.stderr == "", done.stderr
    lines = done.stdout.splitlines()
    assert all(len(line) <= MAX_LINE for line in lines), [line for line in lines if len(line) > MAX_LINE]
    return dict(re.match(r"^  (\S+) +(\S.*)$", line).groups() for line in lines[1:])


def test_make_help_has_one_line_for_every_target():
    described = _help_lines()
    assert set(described) == _phony_targets()
    assert {"all", "autograde", "test", "student", "validate", "help"} <= set(described)


def test_each_pipeline_step_is_described_as_its_make_target():
    described = _help_lines()
    for step, what in STEPS.items():
        assert described[step].startswith(what), (step, described[step], what)


def test_a_mistyped_target_points_to_make_help():
    done = _make("autogarde")
    assert done.returncode != 0 and done.stdout == ""
    assert len(done.stderr.splitlines()) == 1 and "'autogarde'" in done.stderr and "make help" in done.stderr


def test_the_pipeline_help_says_what_each_step_does(capsys):
    with pytest.raises(SystemExit) as exited:
        main(["--help"])
    assert exited.value.code == 0
    shown = capsys.readouterr().out
    for step, what in STEPS.items():
        assert re.search(rf"^  {step} +{re.escape(what)}$", shown, re.M), step
