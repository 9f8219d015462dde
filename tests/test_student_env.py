"""A student's environment (`make student`): the packages the release notebooks import at the course's versions,
JupyterLab with nbgrader's Validate button and none of the instructor's tools, and `make validate`, which exits 1
when a visible test fails (`nbgrader validate` exits 0).

Building .venv-student costs about a minute; `make student` reuses it while requirements-student.txt is unchanged.
"""
import ast
import json
import re
import socket
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import nbformat
import pytest

from aimath.pipeline.demo_class import Answer, graded_solution_cells, submission
from tests.test_pipeline import ROOT

STUDENT_BIN = ROOT / ".venv-student" / "bin"
ASSIGNMENT = "mle"  # scipy, matplotlib and a written answer
# nbgrader's lab plugins a student does not use (instructor's, or an exchange's), and its server extensions.
HIDDEN_PLUGINS = ("formgrader", "create-assignment", "course-list", "assignment-list", "menu")
TOKEN = "student-env-test"

student = pytest.mark.xdist_group("student_env")


def _pins(path: Path) -> dict[str, str]:
    """{normalized project name: version} of a requirements file's `name==version` lines."""
    pins = {}
    for line in path.read_text().splitlines():
        line = line.split("#")[0].strip()
        if line:
            name, version = line.split("==")
            pins[re.sub(r"[-_.]+", "-", name).lower()] = version
    return pins


def test_the_student_requirements_are_the_course_versions_of_what_a_student_needs():
    wanted, course_pins = _pins(ROOT / "requirements-student.txt"), _pins(ROOT / "requirements.txt")
    assert {"numpy", "scipy", "sympy", "matplotlib", "jupyterlab", "nbgrader"} <= set(wanted)
    assert {name: version for name, version in wanted.items() if course_pins.get(name) != version} == {}
    assert not {"dask", "distributed", "pytest"} & set(wanted)  # the grading and test tools stay out


@pytest.fixture(scope="module")
def student_env() -> Path:
    """.venv-student, made (or found up to date) by the README's command."""
    subprocess.run(["make", "-s", "-C", str(ROOT), "student"], check=True, capture_output=True, timeout=900)
    return STUDENT_BIN


def _released_imports() -> set[str]:
    """Every module a code cell of a release notebook imports (IPython magics left out)."""
    modules = set()
    for path in sorted((ROOT / "release").glob("*/*.ipynb")):
        for cell in nbformat.read(path, as_version=4).cells:
            if cell.cell_type == "code":
                code = "\n".join(line for line in cell.source.splitlines() if not line.lstrip().startswith(("%", "!")))
                for node in ast.walk(ast.parse(code)):
                    if isinstance(node, ast.Import):
                        modules |= {alias.name for alias in node.names}
                    elif isinstance(node, ast.ImportFrom) and node.level == 0:
                        modules.add(node.module)
    return modules


@pytest.mark.pipeline
@student
def test_the_student_env_holds_exactly_the_pinned_packages(student_env):
    frozen = subprocess.run([student_env / "python", "-m", "pip", "freeze"], check=True, capture_output=True,
                            text=True).stdout
    assert _pins_of(frozen) == _pins(ROOT / "requirements-student.txt")


def _pins_of(text: str) -> dict[str, str]:
    return {re.sub(r"[-_.]+", "-", n).lower(): v for n, v in (line.split("==") for line in text.split())}


@pytest.mark.pipeline
@student
def test_the_student_env_imports_what_the_release_notebooks_import_and_no_course_code(student_env, tmp_path):
    modules = _released_imports()
    assert {"numpy", "scipy.stats", "sympy", "matplotlib.pyplot"} <= modules
    probe = ("import importlib, importlib.util, sys\n"
             "for name in sys.argv[1:]:\n"
             "    importlib.import_module(name)\n"
             "print(importlib.util.find_spec('aimath') is None)")
    done = subprocess.run([student_env / "python", "-c", probe, *sorted(modules)], cwd=tmp_path,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "True"  # nothing of the course (reference solutions, checks) is installed


def _solved(tmp_path: Path) -> Path:
    """The release notebook with the instructor's solution in every answer cell, as a good student hands it in."""
    release = nbformat.read(ROOT / "release" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", as_version=4)
    source = nbformat.read(ROOT / "source" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", as_version=4)
    answers = [Answer(grade_id, "solution", code) for grade_id, code in graded_solution_cells(source).items()]
    path = tmp_path / "solved" / f"{ASSIGNMENT}.ipynb"
    path.parent.mkdir()
    nbformat.write(submission(release, answers), path)
    return path


def _released(tmp_path: Path) -> Path:
    path = tmp_path / "released" / f"{ASSIGNMENT}.ipynb"
    path.parent.mkdir()
    path.write_bytes((ROOT / "release" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb").read_bytes())
    return path


@pytest.mark.pipeline
@student
def test_make_validate_fails_on_the_release_and_passes_the_solution(student_env, tmp_path):
    def validate(notebook: Path) -> subprocess.CompletedProcess:
        return subprocess.run(["make", "-s", "-C", str(ROOT), "validate", f"NOTEBOOK={notebook}"],
                              capture_output=True, text=True, timeout=300)

    released = validate(_released(tmp_path))
    assert released.returncode != 0
    assert "VALIDATION FAILED" in released.stdout and "not implemented yet" in released.stdout
    solved = validate(_solved(tmp_path))
    assert solved.returncode == 0, solved.stdout + solved.stderr
    assert "Success! Your notebook passes all the tests." in solved.stdout


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def student_lab(student_env, tmp_path):
    """JupyterLab from .venv-student, started as the README says (in the folder of the student's notebook)."""
    folder = _released(tmp_path).parent
    port = _free_port()
    log = (tmp_path / "lab.log").open("w")
    lab = subprocess.Popen([student_env / "jupyter", "lab", "--no-browser", "--allow-root", f"--port={port}",
                            f"--IdentityProvider.token={TOKEN}", "--ServerApp.open_browser=False"],
                           cwd=folder, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            urllib.request.urlopen(f"{base}/api/status?token={TOKEN}", timeout=5)
            break
        except (urllib.error.URLError, ConnectionError):
            assert lab.poll() is None and time.monotonic() < deadline, (tmp_path / "lab.log").read_text()
            time.sleep(0.5)
    yield base
    lab.terminate()
    lab.wait(timeout=30)
    log.close()


def _status(url: str) -> int:
    try:
        return urllib.request.urlopen(url, timeout=30).status
    except urllib.error.HTTPError as e:
        return e.code


@pytest.mark.pipeline
@student
def test_student_lab_has_the_validate_button_and_no_instructor_tools(student_lab):
    page = urllib.request.urlopen(f"{student_lab}/lab?token={TOKEN}", timeout=30).read().decode()
    config = json.loads(re.search(r'<script id="jupyter-config-data" type="application/json">(.*?)</script>',
                                  page, re.S).group(1))
    assert set(config["disabledExtensions"]) == {f"@jupyter/nbgrader:{p}" for p in HIDDEN_PLUGINS}
    assert "@jupyter/nbgrader" in {e["name"] for e in config["federated_extensions"]}  # validate-assignment lives
    for route in ("formgrader", "formgraders", "assignments", "courses"):  # nbgrader's other server extensions
        assert _status(f"{student_lab}/{route}?token={TOKEN}") == 404, route
    # What the notebook toolbar's Validate button asks the server, on the notebook as released.
    request = urllib.request.Request(f"{student_lab}/assignments/validate?token={TOKEN}", method="POST",
                                     data=urllib.parse.urlencode({"path": f"{ASSIGNMENT}.ipynb"}).encode())
    answer = json.loads(urllib.request.urlopen(request, timeout=120).read())
    assert answer["success"], answer
    assert any("not implemented yet" in failure["error"] for failure in answer["value"]["failed"])


def test_the_validate_command_exits_non_zero_on_no_notebook_or_an_unreadable_one(tmp_path, capsys):
    from aimath.validate import main

    assert main([]) == 2
    assert main([str(tmp_path / "missing.ipynb")]) == 1
    assert "missing.ipynb: could not validate it" in capsys.readouterr().err
