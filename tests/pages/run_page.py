"""Run one page's script outside Jupyter and compare what it glues with the site's build.

    python tests/pages/run_page.py SCRIPT GLUE_JSON

`nox -s pages` turns each page, docs/<page>.md, into a plain script with jupytext, its remove-cell
cells (the ``glue`` calls) included, and runs it with this. (The page's notebook, which lacks those
cells, runs in a kernel with tests/pages/run_notebook.py.) Every ``myst_nb.glue(name, value)`` call
is recorded as the text Jupyter would show for ``value``
(IPython's plain-text formatter, as in the build's ``<page>.glue.json``). After the script ends,
each recorded value must equal the one in GLUE_JSON, the build's record of the same page, and both
must glue the same names: two independent executions of a page give the same numbers. Exits 1,
naming each name whose value differs. The script runs in a new, empty working folder, as the notebooks
do (tests/pages/run_notebook.py), so what a page writes relative to it (the TensorBoard page's logs/)
goes to neither the repository nor a folder shared with another run.
"""

from __future__ import annotations

import contextlib
import json
import runpy
import sys
import tempfile
from pathlib import Path

import myst_nb
from IPython.core.formatters import PlainTextFormatter
from matplotlib.figure import Figure

# A glued figure (the Korean twin of a page's figure) is compared as being one: its text/plain, the
# figure's size in pixels, depends on the backend's dpi, and its image is checked on the Korean page.
FIGURE = "<a figure>"


def built_values(glue_json: Path) -> dict[str, str]:
    """The text/plain value of every name that the build glued on one page (``<page>.glue.json``)."""
    records = json.loads(glue_json.read_text(encoding="utf-8"))
    return {
        name: FIGURE if "image/png" in record["data"] else record["data"].get("text/plain", "")
        for name, record in records.items()
    }


def run(script: Path) -> dict[str, str]:
    """Run ``script`` as ``__main__`` and return the text of every value it glued."""
    glued: dict[str, str] = {}
    text = PlainTextFormatter()

    def record(name, variable, display=True):
        glued[name] = FIGURE if isinstance(variable, Figure) else text(variable)

    myst_nb.glue = record  # the scripts import it with `from myst_nb import glue` as they run
    with tempfile.TemporaryDirectory(prefix="page-") as cwd, contextlib.chdir(cwd):
        runpy.run_path(str(script.resolve()), run_name="__main__")
    return glued


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print("usage: python tests/pages/run_page.py SCRIPT GLUE_JSON", file=sys.stderr)
        return 2
    script, glue_json = Path(argv[0]), Path(argv[1])
    expected = built_values(glue_json) if glue_json.is_file() else {}  # a page that glues nothing
    got = run(script)
    differ = sorted(name for name in expected.keys() | got.keys() if expected.get(name) != got.get(name))
    for name in differ:
        site, here = expected.get(name), got.get(name)
        print(f"{name}: the site shows {site!r}, this run gives {here!r}", file=sys.stderr)
    print(f"{script.name}: {len(got)} glued values, {len(differ)} differ from the build")
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
