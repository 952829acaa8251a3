"""Write each executable page as a Jupyter notebook beside it, for Colab, Binder and Jupyter.

The pages are MyST text notebooks (``docs/<page>.md``). Colab opens only ``.ipynb`` files, and the
site's launch buttons point at ``docs/<page>.ipynb`` in the repository, so every page that has code
cells gets a notebook of the same name, generated here with jupytext and never edited by hand:

    python docs/_notebooks.py           # write the notebooks (what `nox -s notebooks` runs)
    python docs/_notebooks.py --check   # exit 1, naming each notebook that is missing or stale

Each notebook is the page's cells, without outputs, plus one cell after the title that installs
the package from the repository when it is not installed (Colab and Binder start without it).
The repository URL is read from ``[project.urls] Source`` in pyproject.toml, the same URL that
docs/conf.py gives the launch buttons.
"""

from __future__ import annotations

import argparse
import sys
import tomllib
from pathlib import Path

import jupytext
import nbformat

DOCS = Path(__file__).resolve().parent
ROOT = DOCS.parent
REPOSITORY_URL: str = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["urls"][
    "Source"
]

INSTALL_CELL = f"""\
# On Colab or Binder: install relu-vs-sigmoid from its repository, and myst-nb for `glue`.
# Skipped where the package is already installed (as in the site's own build).
import importlib.util
import subprocess
import sys

if importlib.util.find_spec("relu_vs_sigmoid") is None:
    package = "relu-vs-sigmoid @ git+{REPOSITORY_URL}"
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", package, "myst-nb"], check=True)"""


def notebook_pages(docs: Path = DOCS) -> list[Path]:
    """The pages that are notebooks: MyST files with a kernelspec, sorted by name."""
    return sorted(page for page in docs.glob("*.md") if "kernelspec" in jupytext.read(page).metadata)


def render(page: Path) -> str:
    """The ``.ipynb`` text of one page: its cells, the install cell after the first, no outputs.

    Cell ids are numbered in order, so the same page always gives the same file.
    """
    text_notebook = jupytext.read(page)
    cells = list(text_notebook.cells)
    first_code = next((i for i, cell in enumerate(cells) if cell.cell_type == "code"), len(cells))
    cells.insert(first_code, nbformat.v4.new_code_cell(INSTALL_CELL, metadata={"tags": ["install"]}))
    notebook = nbformat.v4.new_notebook(
        cells=cells,
        metadata={
            "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
            "language_info": {"name": "python"},
        },
    )
    for number, cell in enumerate(notebook.cells):
        cell.id = f"cell-{number:02d}"
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    nbformat.validate(notebook)
    return nbformat.writes(notebook) + "\n"


def stale(docs: Path = DOCS) -> list[Path]:
    """The notebooks that are missing, differ from what their page renders to, or have no page."""
    pages = notebook_pages(docs)
    out = orphans(docs, pages)
    for page in pages:
        notebook = page.with_suffix(".ipynb")
        if not notebook.is_file() or notebook.read_text(encoding="utf-8") != render(page):
            out.append(notebook)
    return sorted(out)


def orphans(docs: Path, pages: list[Path]) -> list[Path]:
    """Notebooks left behind by a page that was renamed, removed or no longer has code."""
    return sorted(set(docs.glob("*.ipynb")) - {page.with_suffix(".ipynb") for page in pages})


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="write nothing; exit 1 if a notebook is stale")
    args = parser.parse_args(argv)
    if args.check:
        out_of_date = stale(DOCS)
        for notebook in out_of_date:
            message = f"{notebook.relative_to(ROOT)} is missing or stale: run `nox -s notebooks`"
            print(message, file=sys.stderr)
        return 1 if out_of_date else 0
    pages = notebook_pages(DOCS)
    for notebook in orphans(DOCS, pages):
        notebook.unlink()
        print(f"removed {notebook.relative_to(ROOT)} (no page of that name has code cells)")
    for page in pages:
        notebook = page.with_suffix(".ipynb")
        text = render(page)
        if not notebook.is_file() or notebook.read_text(encoding="utf-8") != text:
            notebook.write_text(text, encoding="utf-8")
            print(f"wrote {notebook.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
