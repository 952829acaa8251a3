"""Execute one committed notebook top to bottom in a fresh kernel, as Colab or Binder would.

    python tests/pages/run_notebook.py NOTEBOOK OUT [--page PAGE]

`nox -s pages` runs this for every docs/<page>.ipynb. The notebook runs with nbclient in a new
``python3`` kernel (ipykernel), in an empty temporary working folder, with matplotlib's inline
backend (what Jupyter and Colab use) and an empty IPython profile: the site's kernel configuration
in docs/_ipython is not used, so the notebook gets no defaults the build alone has. It fails,
naming the page and the cell, on any cell error or cell timeout, and unless the notebook's outputs
hold at least as many PNG images as PAGE (the MyST page it was generated from, by default the .md
beside the notebook) has figures: code cells with ``mystnb.figure`` metadata and ``{glue:figure}``
directives. The executed notebook, outputs included, is written to OUT, also when a cell fails.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import sys
import tempfile
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, CellTimeoutError

_spec = importlib.util.spec_from_file_location(
    "_notebooks", Path(__file__).resolve().parents[2] / "docs" / "_notebooks.py"
)
_notebooks = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_notebooks)

CELL_TIMEOUT = 600  # seconds, as the build's nb_execution_timeout: the longest cells train many networks
INLINE_BACKEND = "module://matplotlib_inline.backend_inline"  # ipykernel's default in Jupyter and Colab


def png_images(notebook) -> int:
    """The number of image/png outputs of the notebook's code cells."""
    return sum(
        "image/png" in output.get("data", {})
        for cell in notebook.cells
        if cell.cell_type == "code"
        for output in cell.get("outputs", [])
    )


def _describe(notebook, index: int | None) -> str:
    if index is None:
        return "before its first cell"
    cell = notebook.cells[index]
    first = next((line for line in cell.source.splitlines() if line.strip()), "")
    return f"in cell {index} ({cell.get('id', '?')}: {first[:70]!r})"


def run(notebook_path: Path, out: Path, page: Path | None = None, timeout: int = CELL_TIMEOUT) -> int:
    """Execute ``notebook_path``, write it with its outputs to ``out``; 0 if it ran and drew enough."""
    page = page or notebook_path.with_suffix(".md")
    notebook = nbformat.read(notebook_path, as_version=4)
    current: dict[str, int | None] = {"index": None}

    def on_cell_start(cell, cell_index):
        current["index"] = cell_index

    os.environ["MPLBACKEND"] = INLINE_BACKEND  # the kernel inherits this environment
    with tempfile.TemporaryDirectory(prefix="notebook-") as cwd, tempfile.TemporaryDirectory() as ipython:
        os.environ["IPYTHONDIR"] = ipython  # an empty profile: no docs/_ipython, no ~/.ipython
        client = NotebookClient(
            notebook,
            timeout=timeout,
            kernel_name="python3",
            resources={"metadata": {"path": cwd}},
            on_cell_start=on_cell_start,
        )
        try:
            client.execute()
        except (CellExecutionError, CellTimeoutError) as error:
            where = _describe(notebook, current["index"])
            print(f"{page.name}: its notebook {notebook_path.name} failed {where}:\n{error}", file=sys.stderr)
            return 1
        finally:
            out.parent.mkdir(parents=True, exist_ok=True)
            nbformat.write(notebook, out)
    shown, expected = png_images(notebook), _notebooks.figure_count(page)
    print(
        f"{notebook_path.name}: ran in a fresh kernel; {shown} PNG images, {page.name} has {expected} figures"
    )
    if shown < expected:
        print(
            f"{page.name}: its notebook {notebook_path.name} draws {shown} PNG images, but the page shows"
            f" {expected} figures (is a figure closed, or drawn only in a remove-cell cell?)",
            file=sys.stderr,
        )
        return 1
    return 0


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebook", type=Path)
    parser.add_argument("out", type=Path, help="where to write the executed notebook")
    parser.add_argument("--page", type=Path, default=None, help="its MyST page (default: NOTEBOOK's .md)")
    parser.add_argument("--timeout", type=int, default=CELL_TIMEOUT, help="seconds per cell")
    args = parser.parse_args(argv)
    return run(args.notebook, args.out, args.page, args.timeout)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
