"""Two HTML renderings made accessible: a hidden cell's summary and the bibliography's list.

- myst-nb opens a hidden-input cell with ``aria-label="Toggle hidden content"`` on its summary. That
  label hides the visible "Show code cell source" from screen readers and fails WCAG 2.5.3 (axe-core:
  label-content-name-mismatch, serious); without it the summary is named by its text.
- docutils 0.22 puts bibliography entries, with the deprecated ARIA role ``doc-biblioentry``, in a
  ``role="list"`` container, which then has no list items (axe-core: aria-required-children, critical;
  aria-deprecated-role); here each entry is a list item of the list that holds them.
"""

from __future__ import annotations

import html
from typing import Any

from docutils import nodes
from docutils.writers.html5_polyglot import HTMLTranslator as HTML5Translator
from myst_nb.sphinx_ import HideCodeCellNode, depart_HideCellInput
from sphinx.application import Sphinx


def visit_hidden_cell(self, node) -> None:
    """myst-nb's opening of a hidden-input cell, without ``aria-label="Toggle hidden content"``."""
    self.body.append(f'<details class="admonition hide {" ".join(node["classes"])}">\n<summary>\n')
    for state, prompt in (("collapsed", node["prompt_show"]), ("expanded", node["prompt_hide"])):
        self.body.append(f'<p class="{state} admonition-title">{html.escape(prompt)}</p>\n')
    self.body.append("</summary>\n")


def visit_citation(self, node) -> None:
    """docutils' opening of a bibliography entry, as a list item of the list that holds them."""
    if not isinstance(node.previous_sibling(), type(node)):
        self.body.append('<div role="list" class="citation-list">\n')
    self.body.append(self.starttag(node, "div", classes=[node.tagname], role="listitem"))


def setup(app: Sphinx) -> dict[str, Any]:
    app.setup_extension("myst_nb")  # its node is overridden here
    app.add_node(HideCodeCellNode, override=True, html=(visit_hidden_cell, depart_HideCellInput))
    app.add_node(nodes.citation, override=True, html=(visit_citation, HTML5Translator.depart_citation))
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
