"""The project's own set-up: the Pythons it admits, the lock file, and the files that install from it."""

from __future__ import annotations

import functools
import importlib.util
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).parents[1]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())


@functools.cache
def load_noxfile():
    """noxfile.py as a module (once: a second import would register its sessions twice)."""
    spec = importlib.util.spec_from_file_location("noxfile", ROOT / "noxfile.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def locked_versions() -> dict[str, list[str]]:
    lock = tomllib.loads((ROOT / "uv.lock").read_text())
    versions: dict[str, list[str]] = {}
    for package in lock["package"]:
        versions.setdefault(package["name"], []).append(package.get("version", ""))
    return versions


@pytest.mark.parametrize("version", ["3.10.14", "3.14.0", "3.15.0a1"])
def test_an_unsupported_python_is_named_with_the_supported_ones(version):
    problem = load_noxfile().python_problem(version)
    assert problem is not None
    assert f"Python {version}" in problem
    assert f"needs Python {PYPROJECT['project']['requires-python']} " in problem
    assert "python3.12 -m nox" in problem


@pytest.mark.parametrize("version", ["3.11.7", "3.12.3", "3.13.1"])
def test_supported_pythons_pass(version):
    assert load_noxfile().python_problem(version) is None


def test_the_running_python_is_one_the_project_admits():
    assert load_noxfile().python_problem() is None, sys.version


def test_read_the_docs_and_binder_use_an_admitted_python_and_the_lock():
    nox_module = load_noxfile()
    rtd = yaml.safe_load((ROOT / ".readthedocs.yaml").read_text())
    assert nox_module.python_problem(f"{rtd['build']['tools']['python']}.0") is None
    install = " ".join(rtd["build"]["jobs"]["install"])
    assert "uv sync --locked" in install and "--group docs" in install
    runtime = (ROOT / "binder" / "runtime.txt").read_text().strip()
    assert nox_module.python_problem(runtime.removeprefix("python-") + ".0") is None


def test_uv_lock_matches_pyproject():
    """`uv lock --check` fails when pyproject.toml's dependencies changed and the lock was not refreshed."""
    uv = shutil.which("uv")
    if uv is None:
        pytest.skip("uv is not on PATH (nox[uv] installs it)")
    done = subprocess.run([uv, "lock", "--check", "--offline"], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def test_every_session_installs_from_the_lock():
    source = (ROOT / "noxfile.py").read_text()
    assert "session.install(" not in source  # installs go through sync(): uv sync --locked
    assert '"uv", "sync", "--locked"' in source


def test_pre_commit_runs_the_locked_ruff():
    config = yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text())
    (ruff,) = [repo for repo in config["repos"] if repo["repo"].endswith("/ruff-pre-commit")]
    assert ruff["rev"] == f"v{locked_versions()['ruff'][0]}"


def test_the_readme_leads_with_the_two_commands():
    readme = (ROOT / "README.md").read_text()
    setup = readme[readme.index("## Build the site, run the tests") :]
    first_console = re.search(r"```console\n(.*?)```", setup, re.S).group(1)
    commands = [line.split("#")[0].strip() for line in first_console.splitlines()]
    assert commands == ['$ python -m pip install "nox[uv]" && nox -s docs', "$ nox"]


def test_ci_runs_the_default_sessions_and_then_the_browser():
    steps = [
        line.split("#")[0].strip()
        for line in (ROOT / ".ci" / "run").read_text().splitlines()
        if "nox" in line.split("#")[0] and "pip install" not in line
    ]
    assert steps == ["python3 -m nox", "python3 -m nox -s browser"]
    assert "browser" not in load_noxfile().nox.options.sessions
