"""Sessions: `nox` runs lint, tests, docs and pages; `nox -s docs` builds the site; `nox -s browser`
checks the built site in headless Chromium (CI runs it too, after installing Chromium and Node.js).

Every session installs from uv.lock (`uv sync --locked`), so a new release of a dependency can change
neither the build nor a glued number until the lock is refreshed (`nox -s lock`).
"""

from __future__ import annotations

import functools
import http.server
import os
import platform
import shutil
import sys
import threading
from pathlib import Path

import nox
from packaging.specifiers import SpecifierSet

nox.needs_version = ">=2024.10"
nox.options.default_venv_backend = "uv"  # the sessions install from uv.lock with `uv sync`
nox.options.sessions = ["lint", "tests", "docs", "pages"]
nox.options.reuse_venv = "yes"  # a rebuild re-uses the installed environment; CI starts from a clean clone

ROOT = Path(__file__).parent
PYPROJECT = nox.project.load_toml("pyproject.toml")
REQUIRES_PYTHON = SpecifierSet(PYPROJECT["project"]["requires-python"])
ENV = {
    "TF_CPP_MIN_LOG_LEVEL": "2",  # TensorFlow's C++ start-up lines (oneDNN, CPU features, CUDA)
    "MPLBACKEND": "Agg",
    "PYTHONHASHSEED": "0",
}


def python_problem(version: str = platform.python_version()) -> str | None:
    """Why this Python cannot run the sessions, or None when it can.

    The sessions' environments use the Python that runs nox. TensorFlow publishes wheels for a few
    CPython versions only, and on any other the install fails with "No matching distribution found
    for tensorflow", which does not say that the Python is the problem.
    """
    if version in REQUIRES_PYTHON:
        return None
    needs = PYPROJECT["project"]["requires-python"]
    return (
        f"relu-vs-sigmoid needs Python {needs} (the versions TensorFlow publishes wheels for),"
        f" but nox runs on Python {version}. Run nox with a supported Python, for example"
        ' `python3.12 -m pip install "nox[uv]" && python3.12 -m nox`, or `uvx --python 3.12 nox`.'
    )


def sync(session: nox.Session, *groups: str, editable: bool = True) -> None:
    """Install the package and the dependency `groups` at the versions in uv.lock, into this session's
    environment, and nothing else (`uv sync --locked --exact`).

    Fails, naming the supported Pythons, on a Python that TensorFlow has no wheels for; and fails when
    uv.lock no longer matches pyproject.toml (refresh it with `nox -s lock`). A non-editable install
    (`editable=False`, for the site) is rebuilt from src/ every time, so that a re-used environment
    never runs stale code.
    """
    problem = python_problem()
    if problem:
        session.error(problem)
    location = session.virtualenv.location
    args = ["uv", "sync", "--locked", "--no-default-groups", f"--python={location}"]
    args += [f"--group={name}" for name in groups]
    if not editable:
        args += ["--no-editable", "--reinstall-package=relu-vs-sigmoid"]
    session.run_install(*args, env={"UV_PROJECT_ENVIRONMENT": location}, silent=True)


@nox.session
def lint(session: nox.Session) -> None:
    """ruff check, ruff format --check, and mypy on the package (configured in pyproject.toml)."""
    sync(session, "lint")
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")
    session.run("mypy")


@nox.session
def tests(session: nox.Session) -> None:
    """pytest: the tests, the package's doctests, the `>>>` examples in the pages and README, and
    builds of throwaway sites with the real docs/conf.py (tests/test_docs_build.py needs the docs group).
    Prints the package's line and branch coverage; arguments after -- replace the coverage options
    (`nox -s tests -- tests/test_cli.py -x`)."""
    sync(session, "tests", "docs")
    coverage = ["--cov", "--cov-report=term-missing:skip-covered"]  # a report, not a gate
    session.run("pytest", *(session.posargs or coverage), env=ENV)


@nox.session
def docs(session: nox.Session) -> None:
    """Build the site into docs/_build/html, executing every page, then its Korean pages into
    docs/_build/ko/html (copied to docs/_build/html/ko), which show the English pages' outputs and
    execute nothing (docs/_ext/translated_pages.py); warnings are errors.

    Executed pages are cached in docs/_build/.jupyter_cache, keyed on the cells and on what else
    the results depend on (docs/_ext/execution_cache.py); `nox -s docs -- -E` executes every page
    afresh.
    """
    sync(session, "docs", editable=False)
    # the Korean build then copies its site into the English one, as docs/_build/html/ko
    for sources, site in (("docs", "docs/_build/html"), ("docs/ko", "docs/_build/ko/html")):
        session.run(
            "sphinx-build",
            "-j",
            "auto",  # one process per core: pages (notebooks) execute in parallel
            "-W",
            "--keep-going",
            "-b",
            "html",
            sources,
            site,
            *session.posargs,
            env=ENV,
        )
    session.log(
        f"Open {ROOT / 'docs/_build/html/index.html'} (한국어: {ROOT / 'docs/_build/html/ko/index.html'})"
    )


@nox.session(requires=["docs"])
def pages(session: nox.Session) -> None:
    """Run every page's notebook as a reader would, and every page's code as the build did; check
    the Korean site against the English one.

    First, every docs/<page>.ipynb (what Colab and Binder open) must be in sync with its page and hold
    the build's glued values (`docs/_notebooks.py --check --glue`). Then, page by page: the committed
    notebook runs top to bottom with nbclient in a fresh ipykernel, with matplotlib's inline backend
    and without docs/_ipython, as on Colab; it fails on any cell error, naming the page and the cell,
    and unless it draws at least as many PNG images as its page shows figures
    (tests/pages/run_notebook.py; the executed notebooks go to docs/_build/notebooks/). And the page's
    full code, remove-cell cells included, runs once more as a plain Python script (jupytext), and
    every value it glues must equal the built site's (tests/pages/run_page.py): two independent
    executions give the same numbers. The Korean pages' notebooks (docs/ko/<page>.ipynb) run the same
    way; tests/pages/check_korean.py checks that every value glued into a Korean page is the English
    page's, that the Korean pages' prose is Korean and that each page links its twin. Runs the docs
    session first (cached: ~20 s unchanged).
    """
    sync(session, "docs", editable=False)
    built = ROOT / "docs" / "_build"
    session.run("python", "docs/_notebooks.py", "--check", "--glue", str(built / "jupyter_execute"))
    scripts, executed = built / "scripts", built / "notebooks"
    for folder in (scripts, executed):
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
    # the Korean site against the English one: the same glued values, Korean prose, the links between
    session.run("python", "tests/pages/check_korean.py", str(built), env=ENV)
    for notebook in sorted((ROOT / "docs" / "ko").glob("*.ipynb")):
        # The Korean notebooks, as Colab opens them. Their pages' code is the English pages' (the
        # Korean build checks it cell by cell), so the page scripts below run once, in English.
        session.log(f"running {notebook.relative_to(ROOT)} in a fresh kernel")
        out = executed / "ko" / notebook.name
        out.parent.mkdir(exist_ok=True)
        session.run("python", "tests/pages/run_notebook.py", str(notebook), str(out), env=ENV)
    for notebook in sorted((ROOT / "docs").glob("*.ipynb")):
        page = notebook.with_suffix(".md")
        session.log(f"running {notebook.relative_to(ROOT)} in a fresh kernel")
        session.run(
            "python", "tests/pages/run_notebook.py", str(notebook), str(executed / notebook.name), env=ENV
        )
        script = scripts / f"page_{page.stem}.py"  # not "tensorboard.py", which would shadow the module
        glued = built / "jupyter_execute" / f"{page.stem}.glue.json"
        session.run("jupytext", "--quiet", "--to", "py:percent", "--output", str(script), str(page))
        session.log(
            f"running {page.relative_to(ROOT)}, remove-cell cells included, as {script.relative_to(ROOT)}"
        )
        session.run("python", "tests/pages/run_page.py", str(script), str(glued), env=ENV)


@nox.session(requires=["docs"])
def notebooks(session: nox.Session) -> None:
    """Write docs/<page>.ipynb from each page with code, with the values that the build it runs first
    glued (docs/_notebooks.py); commit what it writes.

    The tests session fails while a notebook is out of sync with its page, and the pages session
    also while its values are not the build's.
    """
    sync(session, "docs")  # jupytext, and pybtex (through sphinxcontrib-bibtex) for the citations
    session.run("python", "docs/_notebooks.py")


@nox.session(venv_backend="none")
def lock(session: nox.Session) -> None:
    """Refresh uv.lock to the newest releases that pyproject.toml admits (`uv lock --upgrade`); then
    run `nox` and commit uv.lock with what it changed (glued numbers included). `nox -s lock -- --check`
    only checks that uv.lock matches pyproject.toml."""
    if "--check" in session.posargs:
        session.run("uv", "lock", "--check")
    else:
        session.run("uv", "lock", "--upgrade", *session.posargs)


@nox.session
def bench(session: nox.Session) -> None:
    """Time the trainers against Keras fit and a JAX peer, then a clean and a no-change build of the site.

    Not a default session: timings need a quiet machine. ``nox -s bench -- --quick`` passes its
    arguments to benchmarks/training.py; see benchmarks/README.md for reading the tables.
    """
    # the package, the docs group (tensorflow pulls in keras) and the bench group: the JAX peer of the
    # training benchmark, here only, never a dependency of the package or the docs
    sync(session, "docs", "bench", editable=False)
    session.run("python", "benchmarks/training.py", *session.posargs, env=ENV)
    session.run("python", "benchmarks/docs.py", env=ENV)


class _SiteServer(http.server.ThreadingHTTPServer):
    """The built site on localhost for the browser checks.

    The listen backlog is raised from socketserver's 5: linkinator opens many connections at once, and
    connections beyond the backlog were dropped, failing the check with links "broken" at status 0.
    """

    request_queue_size = 128
    daemon_threads = True

    def handle_error(self, request: object, client_address: tuple[str, int]) -> None:
        # a client that hangs up before the end of a file (linkinator does) is no error of the site's
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass  # no request log: the checks report what failed


@nox.session(requires=["docs"], venv_backend="none")
def browser(session: nox.Session) -> None:
    """Check the built site in headless Chromium; runs the docs session first (cached: ~20 s unchanged).
    Not a default session: it needs Chromium and Node.js, and names the command that installs them.

    Serves docs/_build/html on 127.0.0.1 and runs tests/browser/check.mjs with the npm packages pinned in
    tests/browser/package-lock.json (`npm ci`). linkinator checks every page's internal links, #anchors
    and images (links to other hosts are skipped, never fetched). puppeteer-core opens every top-level
    page in light and in dark mode 1280 px wide, and in light mode 390 px wide (a phone), and fails on a
    request to another host, an HTTP error, a colour mode the theme did not apply, a page wider than its
    window (the report names the elements that stick out), a serious or critical axe-core violation, a
    figure without alt text or caption, or a copy button that is missing or copies a prompt or an
    output; at 1280 px exactly one search field must be in view, and a search for a page's topic must
    list that page. Then
    tests/browser/launch_links.py checks the Colab, Binder and download links. Writes
    docs/_build/browser/report.md (printed), report.json and screenshots/<page>-<light|dark|phone>.png.
    Needs Chromium (CHROMIUM, default /usr/bin/chromium) and Node.js >= 20 with npm. Arguments after
    -- go to the docs build (`nox -s browser -- -E`).
    """
    chromium = shutil.which(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
    if chromium is None:
        session.error(
            "Chromium not found. On Debian or Ubuntu, as root: `apt-get update && apt-get install -y"
            " chromium fonts-noto-cjk`; elsewhere, set CHROMIUM to a Chromium or Chrome binary"
        )
    if shutil.which("npm") is None or shutil.which("node") is None:
        session.error(
            "Node.js or npm not found (Node.js >= 20 is needed). On Debian or Ubuntu, as root:"
            " `apt-get install -y nodejs npm`"
        )
    tools = ROOT / "tests" / "browser"
    site = ROOT / "docs" / "_build" / "html"
    out = ROOT / "docs" / "_build" / "browser"
    env = {"CHROMIUM": chromium, "PUPPETEER_SKIP_DOWNLOAD": "1"}  # puppeteer-core downloads nothing anyway
    session.run("npm", "ci", "--prefix", str(tools), "--no-audit", "--no-fund", "--prefer-offline", env=env)
    handler = functools.partial(_QuietHandler, directory=str(site))
    with _SiteServer(("127.0.0.1", 0), handler) as server:  # port 0: a free port
        threading.Thread(target=server.serve_forever, daemon=True).start()
        try:
            base = f"http://127.0.0.1:{server.server_address[1]}/"
            session.run("node", tools / "check.mjs", base, site, out, env=env)
        finally:
            server.shutdown()
    session.run(sys.executable, tools / "launch_links.py", site)  # Colab, Binder and download links
