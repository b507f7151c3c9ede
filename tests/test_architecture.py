"""The import contracts in pyproject.toml ([tool.importlinter]): apps import downward only
(dj > recaps > crowd > announcements > crate > events > stages > accounts), pika's shared plumbing imports
no app, and no app imports in a circle. A lower app tells a higher one through a signal."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ["pika", "accounts", "stages", "events", "crate", "announcements", "crowd", "recaps", "dj"]
LINT = [sys.executable, "-c", "import sys; from importlinter.cli import lint_imports_command; sys.exit(lint_imports_command())"]


def lint(where):
    # Wide enough that the contracts' names are printed on one line each.
    env = {**os.environ, "COLUMNS": "200"}
    return subprocess.run(LINT, cwd=where, capture_output=True, text=True, timeout=120, env=env)


def copy_of_the_code(tmp_path):
    for package in PACKAGES:
        shutil.copytree(ROOT / package, tmp_path / package, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path)
    return tmp_path


def test_the_code_keeps_every_import_contract():
    result = lint(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Contracts: 3 kept, 0 broken." in result.stdout


def test_an_upward_import_between_apps_breaks_the_layers(tmp_path):
    code = copy_of_the_code(tmp_path)
    (code / "stages" / "upward.py").write_text("from events.models import Event\n")
    result = lint(code)
    assert result.returncode == 1
    assert "Apps import downward only (dj > recaps > crowd > … > accounts) BROKEN" in result.stdout
    assert "stages.upward -> events.models" in result.stdout


def test_a_new_import_cycle_inside_an_app_is_refused(tmp_path):
    code = copy_of_the_code(tmp_path)
    (code / "crate" / "first.py").write_text("def f():\n    from crate import second\n")
    (code / "crate" / "second.py").write_text("from crate import first\n")
    result = lint(code)
    assert result.returncode == 1
    assert "No import cycles inside an app BROKEN" in result.stdout
    assert "No cycles are allowed in crate." in result.stdout


def test_shared_plumbing_may_not_reach_into_an_app(tmp_path):
    code = copy_of_the_code(tmp_path)
    (code / "pika" / "codes.py").write_text((code / "pika" / "codes.py").read_text() + "\nfrom stages import models\n")
    result = lint(code)
    assert result.returncode == 1
    assert "pika's shared plumbing imports no app BROKEN" in result.stdout
