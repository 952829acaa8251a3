"""Sessions: `nox` runs lint, tests, docs and pages (what CI runs); `nox -s docs` builds the site."""

from __future__ import annotations

import shutil
from pathlib import Path

import nox

nox.needs_version = ">=2024.10"
nox.options.default_venv_backend = "uv|virtualenv"
nox.options.sessions = ["lint", "tests", "docs", "pages"]
nox.options.reuse_venv = "yes"  # a rebuild re-uses the installed environment; CI starts from a clean clone

ROOT = Path(__file__).parent
PYPROJECT = nox.project.load_toml("pyproject.toml")
ENV = {
    "TF_CPP_MIN_LOG_LEVEL": "2",  # TensorFlow's C++ start-up lines (oneDNN, CPU features, CUDA)
    "MPLBACKEND": "Agg",
    "PYTHONHASHSEED": "0",
}


def group(name: str) -> list[str]:
    return nox.project.dependency_groups(PYPROJECT, name)


def install_docs(session: nox.Session) -> None:
    """Install the docs group and the package, rebuilt from src/ every time so that a re-used
    environment never runs stale code."""
    session.install(".", *group("docs"))
    session.install("--no-deps", "--force-reinstall", ".")


@nox.session
def lint(session: nox.Session) -> None:
    """ruff check and ruff format --check."""
    session.install(*group("lint"))
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")


@nox.session
def tests(session: nox.Session) -> None:
    """pytest: the tests, the package's doctests, the `>>>` examples in the pages and README, and
    builds of throwaway sites with the real docs/conf.py (tests/test_docs_build.py needs the docs group)."""
    session.install("-e", ".", *group("tests"), *group("docs"))
    session.run("pytest", *session.posargs, env=ENV)


@nox.session
def docs(session: nox.Session) -> None:
    """Build the site into docs/_build/html, executing every page; warnings are errors.

    Executed pages are cached in docs/_build/.jupyter_cache, keyed on the cells
    and on the installed package (see docs/conf.py); `nox -s docs -- -E` rebuilds
    every page from scratch.
    """
    install_docs(session)
    session.run(
        "sphinx-build",
        "-j",
        "auto",  # one process per core: pages (notebooks) execute in parallel
        "-W",
        "--keep-going",
        "-b",
        "html",
        "docs",
        "docs/_build/html",
        *session.posargs,
        env=ENV,
    )
    session.log(f"Open {ROOT / 'docs/_build/html/index.html'}")


@nox.session
def pages(session: nox.Session) -> None:
    """Run every page's code cells, in order, as one plain Python script per page.

    This is what a reader gets by copying each snippet of a page into a fresh
    session; it fails if any page's code fails outside the site.
    """
    install_docs(session)
    out = ROOT / "docs" / "_build" / "scripts"
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    pages = sorted(p for p in (ROOT / "docs").glob("*.md") if "```{code-cell}" in p.read_text())
    for page in pages:
        script = out / f"page_{page.stem}.py"  # not "tensorboard.py": a script shadows modules of its name
        session.run("jupytext", "--quiet", "--to", "py:percent", "--output", str(script), str(page))
        session.log(f"running {page.name} as {script.relative_to(ROOT)}")
        session.run("python", str(script), env=ENV)


@nox.session
def bench(session: nox.Session) -> None:
    """Time the trainers against Keras fit, then a clean and a no-change build of the site.

    Not a default session: timings need a quiet machine. ``nox -s bench -- --quick`` passes its
    arguments to benchmarks/training.py; see benchmarks/README.md for reading the tables.
    """
    install_docs(session)  # the package and the docs group; tensorflow already pulls in keras
    session.run("python", "benchmarks/training.py", *session.posargs, env=ENV)
    session.run("python", "benchmarks/docs.py", env=ENV)
