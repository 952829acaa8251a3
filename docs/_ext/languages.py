"""The site in two languages: English at the root, Korean under ko/, each page linking its twin.

The English site is built from docs/, the Korean one from docs/ko/ into the English site's ko/
folder (docs/ko/conf.py). For every page, this extension gives the templates

- ``language_links``: the switcher's entries (language-switcher.html), each a link to the same page
  in that language, relative to this page, or to that language's landing page where it has no such
  page (the API reference is English only);
- ``language_alternates``: absolute URLs of the page in every language, for the
  ``<link rel="alternate" hreflang>`` elements of the page's head (layout.html), from ``html_baseurl``.

A page's twin is the page of the same name in the other language's sources; the build's own
language is Sphinx's ``language`` setting ("en" or "ko").
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sphinx.application import Sphinx

DOCS = Path(__file__).resolve().parent.parent
LANGUAGES = {  # language: (its name, its folder in the site, its sources)
    "en": ("English", "", DOCS),
    "ko": ("한국어", "ko/", DOCS / "ko"),
}
SPECIAL_PAGES = ("search", "genindex")  # Sphinx writes these in every build


def twin(pagename: str, language: str) -> str:
    """The page of ``language`` that stands for ``pagename``: its namesake, else the landing page."""
    sources = LANGUAGES[language][2]
    if pagename in SPECIAL_PAGES or (sources / f"{pagename}.md").is_file():
        return pagename
    return "index"


def _context(app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree) -> None:
    here = app.config.language or "en"
    site_root = "../" * pagename.count("/") + LANGUAGES[here][1].count("/") * "../"  # the English root
    base = app.config.html_baseurl.rstrip("/") + "/"
    links, alternates = [], []
    for code, (name, folder, _) in LANGUAGES.items():
        target = pagename if code == here else twin(pagename, code)
        href = f"{site_root}{folder}{target}.html"
        links.append({"code": code, "name": name, "href": href, "current": code == here})
        if target == pagename:
            alternates.append({"code": code, "href": f"{base}{folder}{target}.html"})
    context["language_links"] = links
    context["language_alternates"] = alternates if len(alternates) > 1 else []


def setup(app: Sphinx) -> dict[str, Any]:
    app.connect("html-page-context", _context)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
