"""A page that fails to execute fails the build, and the build's own log says where and why.

With ``nb_execution_raise_on_error``, myst-nb raises ``ExecutionError`` out of the page's parser when a
cell raises or times out. In a serial build Sphinx then shows it; in a parallel one (``sphinx-build -j``)
the page is read in a forked process whose log records are held in memory and sent to the main process
only if the process succeeds: an exception there drops them, warnings and myst-nb's traceback included,
and the main process reports a one-line ``SphinxParallelError`` whose details Sphinx writes to a
temporary ``sphinx-err-*.log`` only. A kernel that is not installed (``NoSuchKernel``) or one that dies
is not even an ``ExecutionError``, and its message does not name the page.

So this extension replaces myst-nb's parser with one that catches these errors where the page is read,
logs an error located at the failing cell's line (``page.md:LINE: ERROR: ...``) with the cell's source
and the kernel's traceback (or the timeout, or the kernel asked for and the kernels installed), and
records the page. The records reach the main process with the other log records, and once every page
is read (``env-updated``), before the environment is saved or any page is written, the build stops
with a summary naming each failed page. All pages are read first, so one build reports every failure.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from docutils import nodes
from myst_nb.core.execute import ExecutionError
from myst_nb.core.read import create_nb_reader
from myst_nb.sphinx_ import Parser
from myst_parser.parsers.sphinx_ import MystParser
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.environment.collectors import EnvironmentCollector
from sphinx.errors import SphinxError
from sphinx.util import logging

logger = logging.getLogger(__name__)

_ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


class PageExecutionError(SphinxError):
    """One or more pages failed to execute (their errors are logged above)."""

    category = "Page execution error"


def _failures(env: BuildEnvironment) -> dict[str, str]:
    """``{docname: one-line summary}`` of the pages that failed to execute in this build."""
    if not hasattr(env, "execution_failures"):
        env.execution_failures = {}  # type: ignore[attr-defined]
    return env.execution_failures  # type: ignore[attr-defined]


def _timeout_preview(source: str) -> str:
    """The cell as nbclient's CellTimeoutError shows it."""
    lines = source.strip().split("\n")
    return source if len(lines) < 11 else f"{lines[:5]}\n...\n{lines[-5:]}"


def failing_cell(notebook, message: str) -> int | None:
    """The index of the code cell that nbclient's error ``message`` quotes, if one does."""
    for index, cell in enumerate(notebook.cells):
        if cell.cell_type != "code" or not cell.source.strip():
            continue
        quoted = (
            f"------------------\n{cell.source}\n------------------",  # CellExecutionError
            f"-------------------\n{_timeout_preview(cell.source)}\n-------------------",  # CellTimeoutError
        )
        if any(quote in message for quote in quoted):
            return index
    return None


def _where(inputstring: str, document: nodes.document, message: str) -> tuple[str, int | None]:
    """("code cell N", its line in the page) for the cell that ``message`` quotes, as far as known."""
    env = document.settings.env
    try:
        reader = create_nb_reader(
            str(env.doc2path(env.docname)), env.myst_config, env.mystnb_config, inputstring
        )
        notebook = reader.read(inputstring)
    except Exception:  # the page was read once already; this is only to say where
        return "a cell", None
    index = failing_cell(notebook, message)
    if index is None:
        return "a cell", None
    number = sum(cell.cell_type == "code" for cell in notebook.cells[: index + 1])
    source_map = notebook.metadata.get("source_map") or []
    line = source_map[index] if index < len(source_map) else None
    return f"code cell {number}", line


def _report(env: BuildEnvironment, line: int | None, summary: str, details: str) -> None:
    """Log the failure as an error located at the page (and line), and record the page."""
    docname = env.docname
    details = _ANSI.sub("", details).rstrip()
    logger.error(
        "%s",
        f"{summary}\n{details}" if details else summary,
        location=(docname, line) if line else docname,
        type="relu_vs_sigmoid",
        subtype="execution",
    )
    page = Path(env.doc2path(docname)).relative_to(env.srcdir).as_posix()
    _failures(env)[docname] = f"{page}{f':{line}' if line else ''}: {summary}"


class ReportingParser(Parser):
    """myst-nb's parser, which reports a failed execution as an error of the page instead of raising."""

    supported = Parser.supported

    def parse(self, inputstring: str, document: nodes.document) -> None:
        from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel
        from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

        env = document.settings.env
        try:
            super().parse(inputstring, document)
            return
        except ExecutionError as error:
            cause = error.__cause__
            cell, line = _where(inputstring, document, str(cause))
            if isinstance(cause, CellTimeoutError):
                after = re.search(r"after (\S+) seconds", str(cause))
                seconds = f" after {after[1]} s" if after else ""
                summary = (
                    f"{cell} of the page timed out{seconds} (CellTimeoutError; see nb_execution_timeout)"
                )
            elif isinstance(cause, CellExecutionError):
                summary = f"{cell} of the page raised {cause.ename}: {cause.evalue}"
            else:
                summary = f"executing the page failed: {type(cause).__name__}: {cause}"
            _report(env, line, summary, str(cause))
        except NoSuchKernel as error:
            installed = ", ".join(sorted(KernelSpecManager().find_kernel_specs())) or "none"
            summary = (
                f"the page asks for the Jupyter kernel {error.name!r} (kernelspec.name in its front "
                f"matter), which is not installed; installed kernels: {installed}"
            )
            asked = re.compile(rf"\s*name:\s*['\"]?{re.escape(error.name)}['\"]?\s*$")
            lines = inputstring.splitlines()
            line = next((n for n, text in enumerate(lines, 1) if asked.match(text)), 1)  # the kernelspec
            _report(env, line, summary, f"NoSuchKernel: {error}")
        except DeadKernelError as error:
            cell, line = _where(inputstring, document, str(error))
            summary = f"the kernel died while executing the page ({cell}): DeadKernelError: {error}"
            _report(env, line, summary, "")
        # The build stops before this page is written; it is read as a stub, so that the transforms
        # Sphinx applies to every page find a complete document.
        document.children.clear()
        document.attributes.pop("nb_renderer", None)
        MystParser.parse(self, "This page failed to execute.\n", document)


class FailureCollector(EnvironmentCollector):
    """Carries the failed pages from the parallel readers' environments into the main one."""

    def clear_doc(self, app: Sphinx, env: BuildEnvironment, docname: str) -> None:
        _failures(env).pop(docname, None)

    def merge_other(
        self, app: Sphinx, env: BuildEnvironment, docnames: set[str], other: BuildEnvironment
    ) -> None:
        for docname in docnames:
            if docname in _failures(other):
                _failures(env)[docname] = _failures(other)[docname]

    def process_doc(self, app: Sphinx, doctree: nodes.document) -> None:
        pass


def _stop_on_failures(app: Sphinx, env: BuildEnvironment) -> None:
    """env-updated: stop before the environment is saved and before any page is written."""
    failed = _failures(env)
    if failed:
        pages = "\n".join(f"  {failed[docname]}" for docname in sorted(failed))
        raise PageExecutionError(
            f"{len(failed)} page(s) failed to execute; their cells and tracebacks are logged above:\n{pages}"
        )


def setup(app: Sphinx) -> dict[str, Any]:
    app.setup_extension("myst_nb")
    app.add_source_parser(ReportingParser, override=True)
    app.add_env_collector(FailureCollector)
    app.connect("env-updated", _stop_on_failures, priority=100)  # before anything is written from the env
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
