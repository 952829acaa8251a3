"""No page shows a NumPy scalar's repr, such as ``np.float64(0.96875)`` or ``np.int64(2000)``.

NumPy 2 writes its scalars' reprs with the type (``np.float64(0.96875)``, ``np.True_``), so a glued
NumPy number shown with a plain ``{glue:text}`key``` publishes that text, and so does a doctest whose
expected output was recorded from such a value. After an HTML build, this extension reads every page's
HTML as written (pages from earlier builds included, so a repr on an unchanged page still counts) and
warns, naming the page, the text around the repr and the nearest anchor before it (the API entry or
the section), for each repr it shows; with ``-W`` the build fails. Syntax-highlighted code, where
Pygments splits ``np``, ``.``, ``float64`` and ``(`` into tokens of their own, is not matched: a call
``np.float64(x)`` in a cell's source is code, not a result.

Fix it where the text is made: format the value (``{glue:text}`key:.4f```), convert it (``float(x)``,
``int(x)``, ``.item()``, ``.tolist()``) before gluing or printing, or correct the doctest.
"""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import Any

from sphinx.application import Sphinx
from sphinx.util import logging

logger = logging.getLogger(__name__)

_TYPES = (
    r"u?int(?:8|16|32|64|c|p)?|u?longlong|u?short|u?byte|float(?:16|32|64|96|128)?|half|single|double"
    r"|c?longdouble|complex(?:64|128|192|256)?|csingle|cdouble|clongdouble|bool_?|str_|bytes_"
    r"|void|object_|datetime64|timedelta64"
)
NUMPY_REPR = re.compile(rf"\bnp\.(?:(?:{_TYPES})\(|(?:True|False)_\b)")
_ANCHOR = re.compile(r'\bid="([^"]+)"')
_TAG = re.compile(r"<[^>]+>")


def numpy_reprs(page_html: str) -> list[tuple[str, str]]:
    """``(text around it, nearest anchor before it)`` for each NumPy scalar repr in a page's HTML."""
    found = []
    for match in NUMPY_REPR.finditer(page_html):
        start = page_html.rfind("\n", 0, match.start()) + 1
        end = page_html.find("\n", match.end())
        line = html.unescape(_TAG.sub("", page_html[start : end if end >= 0 else None])).strip()
        anchors = _ANCHOR.findall(page_html, 0, match.start())
        found.append((line[:160], anchors[-1] if anchors else ""))
    return found


def _check_pages(app: Sphinx, exception: Exception | None) -> None:
    """build-finished: warn about every NumPy scalar repr on a written HTML page."""
    if exception is not None or app.builder.format != "html":
        return
    for docname in sorted(app.env.found_docs):
        path = Path(app.builder.get_outfilename(docname))
        if not path.is_file():
            continue
        for text, anchor in numpy_reprs(path.read_text(encoding="utf-8")):
            near = f" near #{anchor}" if anchor else ""
            logger.warning(
                "%s shows a NumPy scalar repr%s: %r; format or convert the value where it is made "
                "(e.g. {glue:text}`name:.4f`, float(x), int(x)) or fix the docstring",
                path.name,
                near,
                text,
                location=docname,
                type="relu_vs_sigmoid",
                subtype="numpy_repr",
            )


def setup(app: Sphinx) -> dict[str, Any]:
    app.connect("build-finished", _check_pages)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
