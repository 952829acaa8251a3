"""Each page's executed notebook, outputs included, as the page's ``.ipynb`` download.

The theme offers ``_build/jupyter_execute/<page>.ipynb`` as the page's ``.ipynb`` download. myst-nb
1.4 writes that file with the outputs only when it executes the page; for a page served from the cache
it writes the notebook without outputs (it saves the notebook it read, not the one merged with the
cached outputs). Once all pages are read (``env-updated``), this extension writes every page merged
with its cached execution, with cell ids ``cell-NN`` in place of the random ones jupytext gives, so the
download is the same file on every build.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment


def write_executed_notebooks(app: Sphinx, env: BuildEnvironment) -> None:
    """env-updated: write ``<output folder>/<page>.ipynb`` for every executed page."""
    import jupytext
    import nbformat
    from jupyter_cache import get_cache

    cache = get_cache(env.mystnb_config.execution_cache_path)
    out = Path(env.mystnb_config.output_folder)
    for docname in sorted(env.found_docs):
        path = Path(env.doc2path(docname))
        notebook = jupytext.read(path) if path.suffix == ".md" else None
        if notebook is None or "kernelspec" not in notebook.metadata:
            continue
        try:
            _, executed = cache.merge_match_into_notebook(notebook)
        except KeyError:  # the page failed to execute, which fails the build already
            continue
        for number, cell in enumerate(executed.cells):
            cell.id = f"cell-{number:02d}"
        (out / docname).parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(executed, out / f"{docname}.ipynb")


def setup(app: Sphinx) -> dict[str, Any]:
    app.setup_extension("myst_nb")
    app.connect("env-updated", write_executed_notebooks)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
