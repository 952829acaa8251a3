"""The Korean pages show the English build's execution: nothing is executed twice.

A Korean page (docs/ko/<page>.md) holds the English page's code cells, byte for byte, with Korean
prose around them. The Korean build (docs/ko/conf.py, ``nb_execution_mode = "off"``) executes
nothing: before a Korean page is rendered, this extension copies into its code cells the outputs
of the English page's executed notebook, which the English build wrote to
``<English site>/../jupyter_execute/<page>.ipynb``. So both pages show the same printed outputs and
paste the same glued values, figures included: the English page's code glues each figure's
Korean twin (relu_vs_sigmoid.translation) under ``<figure name>-ko`` for the Korean page.

A Korean page whose code cells differ from its English page's in number or text, or whose English
page was not executed, is an error of that page (``-W`` fails the build), naming the first cell
that differs. After changing an English page's code, ``python docs/_ext/translated_pages.py PAGE``
copies its code cells into the Korean page.

The Korean site is built beside the English one, into ``<build>/ko/html`` (``nox -s docs``:
docs/_build/ko/html; the English site is ``<build>/html``), so that its executed notebooks, glued
values and images go to ``<build>/ko/jupyter_execute``, where myst-nb and the theme look for them.
The English build's ``objects.inv`` lets the Korean pages link the English API reference
(intersphinx, from the local file). Once the Korean build succeeds, it is copied into the English
site as ``<build>/html/ko/``, replacing what was there: the site that is served holds both.
"""

from __future__ import annotations

import copy
import json
import re
import shutil
import sys
from pathlib import Path
from typing import Any

import myst_nb.sphinx_
import nbformat
from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.errors import ConfigError
from sphinx.util import logging

logger = logging.getLogger(__name__)

_original_create_client = myst_nb.sphinx_.create_client
_state: dict[str, Path] = {}  # the English build's folders, and this build's sources


def english_build(outdir: Path) -> Path:
    """The build folder that holds both sites, for the Korean site's output folder ``outdir``:
    ``<build>/ko/html`` → ``<build>``."""
    outdir = Path(outdir)
    if outdir.name != "html" or outdir.parent.name != "ko":
        raise ConfigError(
            f"the Korean site must be built into <build>/ko/html, beside the English site in "
            f"<build>/html; got the output folder {outdir} (run `nox -s docs`, or "
            "sphinx-build -b html docs/ko docs/_build/ko/html after the English build)"
        )
    return outdir.parent.parent


def _config_inited(app: Sphinx, config: Config) -> None:
    build = english_build(Path(app.outdir))
    inventory = build / "html" / "objects.inv"
    if not inventory.is_file():
        raise ConfigError(
            f"the English site is not built ({inventory} is missing): the Korean site shows its "
            "executed outputs and links its API reference; build it first (`nox -s docs` builds both)"
        )
    config.intersphinx_mapping = {"en": ("..", str(inventory))}  # a local file: nothing is downloaded
    _state["executed"] = build / "jupyter_execute"
    _state["site"] = build / "html"
    _state["srcdir"] = Path(app.srcdir)


def _install(app: Sphinx, exception: BaseException | None) -> None:
    """build-finished: copy the Korean site into the English one, as ko/."""
    if exception is not None or app.builder.name != "html":
        return
    target = _state["site"] / "ko"
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(app.outdir, target, ignore=shutil.ignore_patterns(".doctrees", ".buildinfo"))
    logger.info(f"the Korean site is in {target}")


_GLUE_PREFIX = "application/papermill.record/"  # how myst-nb's glue() marks its outputs


def english_outputs(notebook: nbformat.NotebookNode, executed: Path) -> str | None:
    """Give ``notebook``'s code cells, in place, the outputs and glued values of ``executed`` (the
    English page's executed notebook; myst-nb keeps its glued values beside it, in
    ``<page>.glue.json``), each figure as its Korean twin; or, changing nothing, say why not.

    The Korean twin of the figure named N (a cell's ``mystnb.figure.name``) is the image that the
    English page glues as ``N-ko``.
    """
    glued_file = executed.with_suffix(".glue.json")
    if not executed.is_file():
        return f"its English page was not executed ({executed} is missing): build the English site first"
    executed_notebook = nbformat.read(executed, as_version=4)
    english = [c for c in executed_notebook.cells if c.cell_type == "code"]
    korean = [c for c in notebook.cells if c.cell_type == "code"]
    if len(english) != len(korean):
        return (
            f"it has {len(korean)} code cells and its English page {len(english)}: a Korean page holds "
            "the English page's code cells, byte for byte"
        )
    for number, (en, ko) in enumerate(zip(english, korean, strict=True), 1):
        if en.source != ko.source:
            return (
                f"its code cell {number} differs from the English page's (a Korean page holds the English "
                f"page's code cells, byte for byte; `python docs/_ext/translated_pages.py {executed.stem}` "
                f"copies them):\n{ko.source}\n--- the English page's:\n{en.source}"
            )
    glued = json.loads(glued_file.read_text(encoding="utf-8")) if glued_file.is_file() else {}
    outputs = []
    for number, (en, ko) in enumerate(zip(english, korean, strict=True), 1):
        cell_outputs = [copy.deepcopy(o) for o in en.outputs if "scrapbook" not in o.get("metadata", {})]
        figure = ko.metadata.get("mystnb", {}).get("figure", {}).get("name")
        if figure:
            twin = glued.get(f"{figure}-ko", {}).get("data", {}).get("image/png")
            images = [o for o in cell_outputs if "image/png" in o.get("data", {})]
            if twin is None or len(images) != 1:
                return (
                    f"its code cell {number} draws the figure {figure!r}, but the English page glues no "
                    f"Korean twin of it ({figure}-ko, relu_vs_sigmoid.translation.translate_figure) or the "
                    f"cell shows {len(images)} images, not one"
                )
            images[0]["data"]["image/png"] = twin
        outputs.append(cell_outputs)
    if "language_info" in executed_notebook.metadata:  # the kernel's language: the cells' highlighting
        notebook.metadata["language_info"] = executed_notebook.metadata["language_info"]
    for ko, cell_outputs in zip(korean, outputs, strict=True):
        ko.outputs = [nbformat.from_dict(o) for o in cell_outputs]
    # the glued values, as glue() records them, for myst-nb to collect from the page's last code cell
    korean[-1].outputs += [
        nbformat.from_dict(
            {
                "output_type": "display_data",
                "metadata": {"scrapbook": {"name": name, "mime_prefix": _GLUE_PREFIX}},
                "data": {f"{_GLUE_PREFIX}{mime}": value for mime, value in record["data"].items()},
            }
        )
        for name, record in glued.items()
    ]
    return None


def _create_client(notebook, source, nb_config, logger, read_fmt=None):
    if "srcdir" not in _state:  # not a Korean build (the extension was set up, but not configured)
        return _original_create_client(notebook, source, nb_config, logger, read_fmt)
    page = Path(source)
    name = page.relative_to(_state["srcdir"]).with_suffix("").as_posix()
    executed = _state["executed"] / f"{name}.ipynb"
    problem = english_outputs(notebook, executed)
    if problem:
        logger.error(f"this Korean page shows no outputs: {problem}", subtype="translation")
    else:
        logger.info(f"the outputs of the English build's execution ({executed.name}); not executed again")
    return _original_create_client(notebook, source, nb_config, logger, read_fmt)


_CODE_CELL = re.compile(r"^```\{code-cell\}.*?^```[ \t]*$", re.M | re.S)


def _split_cell(cell: str) -> tuple[str, str]:
    """A code cell's fence and options (``:tags: ...`` lines, or a ``---`` YAML block), and its code."""
    lines = cell.split("\n")
    end = 1
    if len(lines) > 1 and lines[1].strip() == "---":
        end = lines.index("---", 2) + 1 if "---" in lines[2:] else 1
    else:
        while end < len(lines) and lines[end].startswith(":"):
            end += 1
    return "\n".join(lines[:end]), "\n".join(lines[end:])


def copy_code_cells(english: str, korean: str) -> str:
    """``korean`` (a Korean page's MyST text) with the code of its code cells replaced, one for one,
    by the code of ``english``'s (its English page's), keeping its own options (the Korean captions
    and alt texts); ValueError if their numbers differ."""
    cells = [_split_cell(cell)[1] for cell in _CODE_CELL.findall(english)]
    count = len(_CODE_CELL.findall(korean))
    if count != len(cells):
        raise ValueError(f"the Korean page has {count} code cells and the English page {len(cells)}")
    code = iter(cells)
    return _CODE_CELL.sub(lambda m: f"{_split_cell(m[0])[0]}\n{next(code)}", korean)


def main(argv: list[str]) -> int:
    """``python docs/_ext/translated_pages.py [PAGE ...]``: after changing an English page's code,
    copy its code cells into its Korean page (every page by default), which the build requires."""
    docs = Path(__file__).resolve().parents[1]
    names = argv or sorted(p.stem for p in (docs / "ko").glob("*.md") if (docs / p.name).is_file())
    for name in names:
        english, korean = docs / f"{name}.md", docs / "ko" / f"{name}.md"
        text = korean.read_text(encoding="utf-8")
        new = copy_code_cells(english.read_text(encoding="utf-8"), text)
        if new != text:
            korean.write_text(new, encoding="utf-8")
            print(f"{korean.relative_to(docs.parent)}: code cells copied from {english.name}")
    return 0


def setup(app: Sphinx) -> dict[str, Any]:
    app.connect("config-inited", _config_inited, priority=400)  # before intersphinx validates the mapping
    # last: after the theme's own build-finished handlers (pydata-sphinx-theme rewrites pygments.css)
    app.connect("build-finished", _install, priority=900)
    myst_nb.sphinx_.create_client = _create_client
    return {"parallel_read_safe": True, "parallel_write_safe": True}


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
