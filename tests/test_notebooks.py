"""The committed notebooks (docs/<page>.ipynb, opened by Colab and Binder) match their pages."""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

jupytext = pytest.importorskip("jupytext", reason="the docs group is installed by `nox -s tests`")
import nbformat  # noqa: E402  (jupytext's dependency)
from packaging.requirements import Requirement  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"

spec = importlib.util.spec_from_file_location("_notebooks", DOCS / "_notebooks.py")
notebooks = importlib.util.module_from_spec(spec)
spec.loader.exec_module(notebooks)


def test_every_committed_notebook_matches_its_page():
    assert notebooks.stale() == [], "run `nox -s notebooks` and commit docs/*.ipynb"


def test_every_page_with_code_has_a_notebook_and_no_notebook_lacks_a_page():
    with_code = {page.stem for page in DOCS.glob("*.md") if "```{code-cell}" in page.read_text()}
    assert {page.stem for page in notebooks.notebook_pages()} == with_code
    assert {nb.stem for nb in DOCS.glob("*.ipynb")} == with_code
    assert len(with_code) >= 8


def test_a_notebook_is_its_page_plus_the_install_cell():
    page = DOCS / "relu.md"
    text_cells = jupytext.read(page).cells
    cells = nbformat.read(page.with_suffix(".ipynb"), as_version=4).cells
    page_cells = [c.source for c in cells if "install" not in c.metadata.get("tags", [])]
    assert page_cells == [c.source for c in text_cells]
    assert [c.cell_type for c in cells].count("code") == [c.cell_type for c in text_cells].count("code") + 1
    assert cells[0].cell_type == "markdown" and cells[0].source.startswith("# ReLU")
    assert cells[1].source == notebooks.INSTALL_CELL
    assert all(c.outputs == [] for c in cells if c.cell_type == "code")


def test_the_install_cell_installs_the_repository_named_in_pyproject():
    source = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["urls"]["Source"]
    assert source.startswith("https://github.com/")
    line = next(line for line in notebooks.INSTALL_CELL.splitlines() if "git+" in line)
    requirement = Requirement(line.split('"')[1])
    assert requirement.name == "relu-vs-sigmoid"
    assert requirement.url == f"git+{source}"


def test_the_install_cell_does_nothing_where_the_package_is_installed(monkeypatch):
    calls = []
    monkeypatch.setattr(subprocess, "run", lambda *args, **kwargs: calls.append(args))
    exec(notebooks.INSTALL_CELL, {})
    assert calls == []


def test_the_install_cell_runs_pip_where_the_package_is_missing(monkeypatch):
    calls = []
    monkeypatch.setattr(subprocess, "run", lambda command, **kwargs: calls.append((command, kwargs)))
    monkeypatch.setattr(importlib.util, "find_spec", lambda name: None)
    exec(notebooks.INSTALL_CELL, {})
    [(command, kwargs)] = calls
    assert command[:4] == [sys.executable, "-m", "pip", "install"]
    assert "myst-nb" in command and kwargs == {"check": True}


def test_a_stale_missing_or_orphaned_notebook_is_reported(tmp_path):
    page = tmp_path / "relu.md"
    shutil.copy(DOCS / "relu.md", page)
    assert notebooks.stale(tmp_path) == [tmp_path / "relu.ipynb"]  # missing

    (tmp_path / "relu.ipynb").write_text(notebooks.render(page))
    assert notebooks.stale(tmp_path) == []

    page.write_text(page.read_text().replace("steps=5000", "steps=4000", 1))  # page edited
    assert notebooks.stale(tmp_path) == [tmp_path / "relu.ipynb"]

    (tmp_path / "relu.ipynb").write_text(notebooks.render(page))
    (tmp_path / "old-name.ipynb").write_text(notebooks.render(page))  # a page renamed
    assert notebooks.stale(tmp_path) == [tmp_path / "old-name.ipynb"]


def test_rendering_is_deterministic():
    page = DOCS / "depth-sweep.md"
    assert notebooks.render(page) == notebooks.render(page)
    assert [cell.id for cell in nbformat.reads(notebooks.render(page), as_version=4).cells][:3] == [
        "cell-00",
        "cell-01",
        "cell-02",
    ]


def test_check_mode_exits_1_and_names_the_stale_notebook(tmp_path, monkeypatch, capsys):
    shutil.copy(DOCS / "relu.md", tmp_path / "relu.md")
    monkeypatch.setattr(notebooks, "DOCS", tmp_path)
    monkeypatch.setattr(notebooks, "ROOT", tmp_path)
    assert notebooks.main(["--check"]) == 1
    assert "relu.ipynb is missing or stale: run `nox -s notebooks`" in capsys.readouterr().err
    assert notebooks.main([]) == 0
    assert notebooks.main(["--check"]) == 0
