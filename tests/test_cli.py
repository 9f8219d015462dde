"""The command line the Makefile calls: options go anywhere among the assignment names, and a reader that stops
reading (`make summary | head -1`) ends the command quietly. Nothing here grades a notebook."""
import os
import shutil
import subprocess
import sys

import pytest

from aimath.pipeline import intake, nbgrader_session
from aimath.report import summary as ta_summary
from aimath.__main__ import main, parser
from tests.test_pipeline import ROOT

ENV = {**os.environ, "PYTHONPATH": str(ROOT)}


@pytest.mark.parametrize("argv", [["autograde", "--force", "basic_math", "mle"],
                                  ["autograde", "basic_math", "--force", "mle"],
                                  ["autograde", "basic_math", "mle", "--force"]])
def test_options_may_come_before_between_or_after_the_names(argv):
    args = parser().parse_intermixed_args(argv)
    assert args.step == "autograde" and args.assignments == ["basic_math", "mle"] and args.force


def test_an_option_before_a_name_reaches_the_step(tmp_path, capsys):
    """`autograde --force basic-math`: parsed, and the step itself answers (an unknown name, with a suggestion)."""
    shutil.copy(ROOT / nbgrader_session.CONFIG_FILE, tmp_path)
    shutil.copytree(ROOT / "source" / "basic_math", tmp_path / "source" / "basic_math")
    assert main(["autograde", "--force", "basic-math", "--root", str(tmp_path)]) == 1
    assert capsys.readouterr().err.strip() == (
        "autograde stopped: basic-math is not an assignment of this course (did you mean basic_math?)")


def test_a_reader_that_stops_reading_ends_the_command_quietly(tmp_path):
    """`make summary | head -1` on a summary longer than a pipe holds: no BrokenPipe traceback."""
    shutil.copy(ROOT / nbgrader_session.CONFIG_FILE, tmp_path)
    intake.add(tmp_path, [intake.Problem(f"s{i:04d}", "basic_math", "grading-failed", "x" * 300, False)
                          for i in range(1000)])
    assert len(ta_summary.summary(root=tmp_path)) > 4 * 2**16
    summary = subprocess.Popen([sys.executable, "-m", "aimath", "summary", "--root", str(tmp_path)],
                               cwd=ROOT, env=ENV, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    first = summary.stdout.readline()
    summary.stdout.close()
    with summary.stderr:
        assert summary.wait(timeout=120) == 0
        assert summary.stderr.read() == b""
    assert first.startswith(b"No submission could be graded.")
