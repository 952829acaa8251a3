"""Sessions: `nox` runs lint, tests, docs, pages and browser (what CI runs); `nox -s docs` builds the site."""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import sys
import threading
from pathlib import Path

import nox

nox.needs_version = ">=2024.10"
nox.options.default_venv_backend = "uv|virtualenv"
nox.options.sessions = ["lint", "tests", "docs", "pages", "browser"]
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


@nox.session(requires=["docs"])
def pages(session: nox.Session) -> None:
    """Run every page's notebook as a reader would, and every page's code as the build did.

    First, every docs/<page>.ipynb (what Colab and Binder open) must be in sync with its page and hold
    the build's glued values (`docs/_notebooks.py --check --glue`). Then, page by page: the committed
    notebook runs top to bottom with nbclient in a fresh ipykernel, with matplotlib's inline backend
    and without docs/_ipython, as on Colab; it fails on any cell error, naming the page and the cell,
    and unless it draws at least as many PNG images as its page shows figures
    (tests/pages/run_notebook.py; the executed notebooks go to docs/_build/notebooks/). And the page's
    full code, remove-cell cells included, runs once more as a plain Python script (jupytext), and
    every value it glues must equal the built site's (tests/pages/run_page.py): two independent
    executions give the same numbers. Runs the docs session first (cached: ~20 s unchanged).
    """
    install_docs(session)
    built = ROOT / "docs" / "_build"
    session.run("python", "docs/_notebooks.py", "--check", "--glue", str(built / "jupyter_execute"))
    scripts, executed = built / "scripts", built / "notebooks"
    for folder in (scripts, executed):
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
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
    session.install(*(r for r in group("docs") if r.startswith("jupytext")), "pybtex")  # pybtex: citations
    session.run("python", "docs/_notebooks.py")


@nox.session
def bench(session: nox.Session) -> None:
    """Time the trainers against Keras fit, then a clean and a no-change build of the site.

    Not a default session: timings need a quiet machine. ``nox -s bench -- --quick`` passes its
    arguments to benchmarks/training.py; see benchmarks/README.md for reading the tables.
    """
    install_docs(session)  # the package and the docs group; tensorflow already pulls in keras
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
            "Chromium not found: install Debian's chromium package (apt-get install -y chromium)"
            " or set CHROMIUM"
        )
    if shutil.which("npm") is None or shutil.which("node") is None:
        session.error("npm not found: install Node.js and npm (apt-get install -y nodejs npm)")
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
