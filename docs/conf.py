"""Sphinx configuration for the relu-vs-sigmoid site.

The site's own machinery lives in small local extensions, in docs/_ext/ (each module's docstring says
what it does and why): the execution cache's key (execution_cache), errors of executing pages in the
build's log (execution_errors), the executed notebooks offered as downloads (executed_notebooks), no
NumPy scalar reprs on a page (numpy_reprs), two accessible HTML renderings (accessible_html) and the
links between a page and its Korean twin (languages). docs/ko/conf.py builds the Korean site from
this configuration.
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
import os
import sys
from pathlib import Path

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE / "_ext"))

project = "relu-vs-sigmoid"
author = "relu-vs-sigmoid developers"
copyright = "2026, relu-vs-sigmoid developers (MIT licence)"
release = importlib.metadata.version("relu-vs-sigmoid")
version = release
# The one repository URL: pyproject.toml's [project.urls] Source, read from the installed package. The
# launch buttons and the notebooks' install cell (docs/_notebooks.py reads pyproject.toml) both use it.
_URLS = dict(
    entry.split(", ", 1) for entry in importlib.metadata.metadata("relu-vs-sigmoid").get_all("Project-URL")
)
REPOSITORY_URL = _URLS["Source"]
# The site's address (its Documentation URL): the pages' hreflang alternates (languages) are absolute.
html_baseurl = _URLS["Documentation"].rstrip("/") + "/"

extensions = [
    "myst_nb",
    "sphinx.ext.autodoc",
    "sphinx.ext.napoleon",
    "sphinx.ext.mathjax",
    "sphinx_copybutton",
    "sphinxcontrib.bibtex",
    "execution_cache",
    "execution_errors",
    "executed_notebooks",
    "numpy_reprs",
    "accessible_html",
    "languages",
]
bibtex_bibfiles = ["references.bib"]
bibtex_default_style = "plain"
bibtex_reference_style = "author_year"  # (Glorot and Bengio, 2010), linked to the references page
# docs/<page>.ipynb are the pages as notebooks, for Colab and Binder (see _notebooks.py); the site is
# built from the .md pages alone.
exclude_patterns = ["_build", "_ipython", "ko", "*.ipynb", "Thumbs.db", ".DS_Store"]
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
nb_execution_raise_on_error = True  # a page that fails to execute fails the build; execution_errors
nb_execution_show_tb = False  # logs its page, cell and the kernel's traceback (myst-nb's would repeat it)
nb_output_stderr = "warn"
nb_merge_streams = True
# The execution cache: _build/.jupyter_cache/<key>, where execution_cache sets the key (and so
# nb_execution_cache_path) from the files of these modules, the versions of these distributions and of
# everything they require, the Python version, the CPU, the kernels' start-up files and the environment
# variables matching execution_cache_environ (default: execution_cache.DEFAULT_ENVIRON, TensorFlow's
# numerics and thread settings among them). A change to any of them, or `sphinx-build -E`, executes
# every page again.
execution_cache_root = "_build/.jupyter_cache"
execution_cache_modules = ["relu_vs_sigmoid"]
execution_cache_distributions = ["relu-vs-sigmoid", "ipykernel", "matplotlib-inline", "nbclient", "myst-nb"]


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
# phone widths: long names wrap, index tables scroll; the language switcher; Korean lines break
# between words (word-break: keep-all), not inside them
html_css_files = ["narrow.css", "languages.css"]
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
    # English | 한국어 above every page, beside the theme's buttons (docs/_ext/languages.py)
    "article_header_end": ["language-switcher.html", "article-header-buttons.html"],
}
html_last_updated_fmt = None

# Copy buttons on code, not on a cell's printed output. In a block with prompts (doctest >>> and ...,
# console $), a button copies only the prompted lines, without their prompts: no output, no traceback.
copybutton_selector = "div.highlight:not(.cell_output div) pre"
copybutton_prompt_text = r">>> |\.\.\. |\$ "
copybutton_prompt_is_regexp = True
copybutton_only_copy_prompt_lines = True
copybutton_exclude = ".linenos"
