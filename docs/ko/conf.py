"""Sphinx configuration for the Korean site (한국어판), served from the English site's ko/ folder.

It is the English site's configuration (docs/conf.py), with Korean as the language and docs/ko/ as
the sources. The Korean pages are never executed: their code cells are the English pages' own, and
their outputs and glued values are those of the English build's execution (translated_pages), so
`nox -s docs` builds the English site first, then this one:

    sphinx-build -b html docs docs/_build/html && sphinx-build -b html docs/ko docs/_build/ko/html

which also copies the Korean site into the English one, as docs/_build/html/ko/.
"""

from __future__ import annotations

import runpy
from pathlib import Path

KO = Path(__file__).parent
DOCS = KO.parent
_english = runpy.run_path(str(DOCS / "conf.py"))  # its sys.path entry for docs/_ext stays
globals().update({name: value for name, value in _english.items() if not name.startswith("__")})

language = "ko"
html_search_language = "ko"  # korean_search: Hangul words indexed without their particles
html_title = "ReLU vs 시그모이드"
extensions = [
    name
    for name in _english["extensions"]
    if name not in ("execution_cache", "execution_errors", "executed_notebooks")  # nothing is executed
] + ["sphinx.ext.intersphinx", "translated_pages", "korean_search"]
# The English site's files, by absolute path (relative paths in a conf.py are relative to its folder).
bibtex_bibfiles = [str(DOCS / "references.bib")]
html_logo = str(DOCS / "_static" / "logo.svg")
html_favicon = html_logo
templates_path = [str(DOCS / "_templates")]
html_static_path = [str(DOCS / "_static"), *_english["html_static_path"][1:]]
html_theme_options = {**_english["html_theme_options"], "path_to_docs": "docs/ko"}
# the theme's Korean for "By {author}" reads "으로 {author}": the copyright line names the authors
html_theme_options["footer_content_items"] = ["copyright", "last-updated", "extra-footer"]
copyright = (
    _english["copyright"]
    .replace(_english["author"], "relu-vs-sigmoid 개발자")
    .replace("MIT licence", "MIT 라이선스")
)
nb_execution_mode = "off"  # translated_pages fills in the English execution's outputs
nb_code_prompt_show = "코드 보기"  # the toggle of a hide-input cell
nb_code_prompt_hide = "코드 숨기기"
# The API reference and the bibliography's works are the English site's: the Korean pages link to its
# API page through the inventory that its build writes (translated_pages sets intersphinx_mapping).
intersphinx_disabled_reftypes = ["std:doc"]
intersphinx_timeout = 1
