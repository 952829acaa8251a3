"""Sphinx configuration for the relu-vs-sigmoid site."""

from __future__ import annotations

import hashlib
import html
import importlib.metadata
import importlib.util
import os
import shutil
from pathlib import Path

import jupytext
import nbformat
from docutils import nodes
from docutils.writers.html5_polyglot import HTMLTranslator as HTML5Translator
from jupyter_cache import get_cache
from myst_nb.sphinx_ import HideCodeCellNode, depart_HideCellInput

HERE = Path(__file__).parent

project = "relu-vs-sigmoid"
author = "relu-vs-sigmoid developers"
copyright = "2026, relu-vs-sigmoid developers (MIT licence)"
release = importlib.metadata.version("relu-vs-sigmoid")
version = release
# The one repository URL: pyproject.toml's [project.urls] Source, read from the installed package. The
# launch buttons and the notebooks' install cell (docs/_notebooks.py reads pyproject.toml) both use it.
REPOSITORY_URL = dict(
    entry.split(", ", 1) for entry in importlib.metadata.metadata("relu-vs-sigmoid").get_all("Project-URL")
)["Source"]

extensions = [
    "myst_nb",
    "sphinx.ext.autodoc",
    "sphinx.ext.napoleon",
    "sphinx.ext.mathjax",
    "sphinx_copybutton",
    "sphinxcontrib.bibtex",
]
bibtex_bibfiles = ["references.bib"]
bibtex_default_style = "plain"
bibtex_reference_style = "author_year"  # (Glorot and Bengio, 2010), linked to the references page
# docs/<page>.ipynb are the pages as notebooks, for Colab and Binder (see _notebooks.py); the site is
# built from the .md pages alone.
exclude_patterns = ["_build", "_ipython", "*.ipynb", "Thumbs.db", ".DS_Store"]
myst_enable_extensions = ["dollarmath", "amsmath", "colon_fence"]

# --- executing the pages ---------------------------------------------------------------------------------
# The kernels inherit this environment. TensorFlow prints its start-up lines (CUDA probing, CPU features)
# from C++ straight to file descriptor 2; TF_CPP_MIN_LOG_LEVEL silences most, and the IPython profile in
# _ipython/ turns off ipykernel's capture of file-descriptor output, so what C++ libraries print goes to
# the build log and never into a page. Python-level stderr (warnings) is still captured, and
# nb_output_stderr = "warn" turns it into a build warning, which -W makes an error.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ["IPYTHONDIR"] = str(HERE / "_ipython")
os.environ.setdefault("PYTHONHASHSEED", "0")
# Figures are glued as PNG, which needs the inline backend's formatters; a MPLBACKEND=Agg inherited
# from the shell would glue "<Figure size ...>" text instead.
os.environ["MPLBACKEND"] = "module://matplotlib_inline.backend_inline"

nb_execution_mode = "cache"
nb_execution_timeout = 600  # seconds per cell; the longest cells train 32 networks
nb_execution_raise_on_error = True  # a failing cell fails the build ...
nb_execution_show_tb = True  # ... and the log shows the page, the cell and the traceback
nb_output_stderr = "warn"
nb_merge_streams = True


def _execution_key() -> str:
    """A digest of everything the pages' results depend on besides their cells' source.

    jupyter-cache keys a notebook on its code cells only, so a change to the package would
    otherwise leave stale outputs in the cache. The digest covers the installed package's
    files (the code the kernels import) and the versions of the libraries that compute.
    """
    spec = importlib.util.find_spec("relu_vs_sigmoid")
    if spec is None or spec.origin is None:
        raise RuntimeError("relu_vs_sigmoid is not installed; run `nox -s docs`, or `pip install .` first")
    package_dir = Path(spec.origin).parent
    digest = hashlib.sha256()
    for path in sorted(package_dir.rglob("*.py")):
        digest.update(path.relative_to(package_dir).as_posix().encode())
        digest.update(path.read_bytes())
    for dist in ("tensorflow", "numpy", "matplotlib", "pandas", "scipy", "myst-nb"):
        digest.update(f"{dist}=={importlib.metadata.version(dist)}".encode())
    return digest.hexdigest()[:16]


_cache_root = HERE / "_build" / ".jupyter_cache"
_key = _execution_key()
nb_execution_cache_path = str(_cache_root / _key)
if _cache_root.is_dir():  # drop caches made for other versions of the package: they can never be used
    for stale in _cache_root.iterdir():
        if stale.name != _key:
            shutil.rmtree(stale, ignore_errors=True)
# Create the cache's database here, once: with `sphinx-build -j`, parallel readers would otherwise race
# to create its tables ("table settings already exists").
get_cache(nb_execution_cache_path).list_cache_records()


def _write_executed_notebooks(app, env) -> None:
    """Write each page's executed notebook, with its outputs, to ``_build/jupyter_execute``.

    The theme offers ``_build/jupyter_execute/<page>.ipynb`` as the page's ``.ipynb`` download.
    myst-nb 1.4 writes that file with the outputs only when it executes the page; for a page
    served from the cache it writes the notebook without outputs (it saves the notebook it read,
    not the one merged with the cached outputs). Here every page is written merged with its
    cached execution, with cell ids ``cell-NN`` in place of the random ones jupytext gives, so
    the download is the same file on every build.
    """
    cache = get_cache(nb_execution_cache_path)
    out = Path(app.outdir).parent / "jupyter_execute"
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


def _visit_hidden_cell(self, node) -> None:
    """myst-nb's opening of a hidden-input cell, without ``aria-label="Toggle hidden content"``.

    That label hides the visible "Show code cell source" from screen readers and fails WCAG 2.5.3
    (axe-core: label-content-name-mismatch, serious); without it the summary is named by its text.
    """
    self.body.append(f'<details class="admonition hide {" ".join(node["classes"])}">\n<summary>\n')
    for state, prompt in (("collapsed", node["prompt_show"]), ("expanded", node["prompt_hide"])):
        self.body.append(f'<p class="{state} admonition-title">{html.escape(prompt)}</p>\n')
    self.body.append("</summary>\n")


def _visit_citation(self, node) -> None:
    """docutils' opening of a bibliography entry, as a list item of the list that holds them.

    docutils 0.22 puts entries with the deprecated ARIA role ``doc-biblioentry`` in a
    ``role="list"`` container, which then has no list items (axe-core: aria-required-children,
    critical; aria-deprecated-role).
    """
    if not isinstance(node.previous_sibling(), type(node)):
        self.body.append('<div role="list" class="citation-list">\n')
    self.body.append(self.starttag(node, "div", classes=[node.tagname], role="listitem"))


def setup(app):
    app.connect("env-updated", _write_executed_notebooks)
    app.add_node(HideCodeCellNode, override=True, html=(_visit_hidden_cell, depart_HideCellInput))
    app.add_node(nodes.citation, override=True, html=(_visit_citation, HTML5Translator.depart_citation))
    return {"parallel_read_safe": True, "parallel_write_safe": True}


# --- API reference ---------------------------------------------------------------------------------------
autodoc_member_order = "bysource"
autodoc_typehints = "description"
autodoc_default_options = {"members": True, "show-inheritance": False}
napoleon_numpy_docstring = True
napoleon_google_docstring = False
napoleon_use_rtype = False

# --- HTML ------------------------------------------------------------------------------------------------
html_theme = "sphinx_book_theme"
html_title = "ReLU vs sigmoid"
html_logo = "_static/logo.svg"  # the sigmoid (vermillion) and ReLU (blue) in the site's colours
html_favicon = "_static/logo.svg"
# MathJax 3.2.2 is served from the site itself, from the copy that the sphinx-mathjax-offline wheel ships
# (used as data only: its Sphinx extension does not declare itself safe for parallel builds). Pages then
# render their formulas offline and make no request to a CDN.
_mathjax_spec = importlib.util.find_spec("sphinx-mathjax-offline")
if _mathjax_spec is None or not _mathjax_spec.submodule_search_locations:
    raise RuntimeError(
        "sphinx-mathjax-offline is not installed: run `nox -s docs`, or install the docs group"
    )
templates_path = ["_templates"]  # search-button-field.html: the theme's search button, accessible
html_static_path = ["_static", str(Path(_mathjax_spec.submodule_search_locations[0]) / "static")]
mathjax_path = "mathjax/tex-chtml.js"
html_css_files = ["narrow.css"]  # phone widths: long names wrap, index tables scroll
html_theme_options = {
    "repository_url": REPOSITORY_URL,
    "repository_branch": "main",
    "path_to_docs": "docs",
    # Each page with code links to docs/<page>.ipynb on Colab and Binder (the theme prefers the .ipynb
    # beside a .md page), and offers the executed notebook and the MyST source as downloads.
    "launch_buttons": {
        "colab_url": "https://colab.research.google.com",
        "binderhub_url": "https://mybinder.org",
        "notebook_interface": "jupyterlab",
    },
    "use_repository_button": False,
    "use_download_button": True,
    "show_toc_level": 2,
    # The search field sits in the primary sidebar (and opens with Ctrl+K). pydata-sphinx-theme 0.20 no
    # longer takes the book theme's empty default here, and put a second search field in a bar of its own
    # across the top of every page.
    "navbar_persistent": [],
}
html_last_updated_fmt = None

# Copy buttons on code, not on a cell's printed output. In a block with prompts (doctest >>> and ...,
# console $), a button copies only the prompted lines, without their prompts: no output, no traceback.
copybutton_selector = "div.highlight:not(.cell_output div) pre"
copybutton_prompt_text = r">>> |\.\.\. |\$ "
copybutton_prompt_is_regexp = True
copybutton_only_copy_prompt_lines = True
copybutton_exclude = ".linenos"
