"""Check the built Korean site against the English one.

    python tests/pages/check_korean.py docs/_build

`nox -s pages` runs this after the build. For the landing page and every lecture page, it fails,
naming the page and what is wrong, unless

- the Korean page exists (``html/ko/<page>.html``), says ``<html lang="ko">``, links its English page
  from the language switcher, and the English page links it back; both carry hreflang alternates;
- every value glued into the Korean page equals the English page's (the Korean build copies the
  English execution's values, docs/_ext/translated_pages.py: this checks that it did), and holds
  numbers, not English words;
- its prose is Korean: every paragraph, list item, heading, caption and alt text of the article
  contains Hangul, and none is the text of one in the English page;
- each figure is the Korean twin of the English one: a PNG that the English page does not show.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

from bs4 import BeautifulSoup

PAGES = (
    "index",
    "xor-sigmoid",
    "going-deeper",
    "vanishing-gradient",
    "relu",
    "activations",
    "depth-sweep",
    "tensorboard",
)
HANGUL = re.compile("[\uac00-\ud7a3]")
# where the prose is: not code, not a cell's output, not the theme's chrome
_PROSE = "p, li, h1, h2, h3, h4, h5, h6, figcaption, caption, dt"
_NOT_PROSE = "div.highlight, pre, div.cell_output, div.output, .math, nav, .toctree-wrapper li li"


def glued(build: Path, page: str, korean: bool) -> dict[str, str]:
    """The text/plain of every value glued into a page, figures aside ({} if it glued nothing)."""
    folder = build / "ko" / "jupyter_execute" if korean else build / "jupyter_execute"
    path = folder / f"{page}.glue.json"
    if not path.is_file():
        return {}
    records = json.loads(path.read_text(encoding="utf-8"))
    return {
        name: r["data"].get("text/plain", "") for name, r in records.items() if "image/png" not in r["data"]
    }


def _article(html: Path) -> BeautifulSoup:
    soup = BeautifulSoup(html.read_text(encoding="utf-8"), "html.parser")
    article = soup.select_one("article.bd-article") or soup
    for node in article.select(_NOT_PROSE):
        node.decompose()
    return article


def prose(html: Path) -> list[tuple[str, str]]:
    """(kind, text) of each paragraph, list item, heading, caption and image alt text of a page."""
    article = _article(html)
    out = []
    for node in article.select(_PROSE):
        if node.find_parent(["li", "p", "figcaption"]) is not None and node.name in ("p",):
            continue  # a paragraph inside a list item or caption is checked with it
        if node.find_parent(["td", "th"]) is not None:
            continue  # a table's cells may be names alone (ReLU, a citation)
        text = " ".join(node.get_text(" ").replace("¶", "").replace("#", " ").split())
        if text:
            out.append((node.name, text))
    out += [("alt", img.get("alt", "")) for img in article.find_all("img")]
    return out


def images(html: Path) -> list[Path]:
    """The image files that a page's article shows."""
    article = BeautifulSoup(html.read_text(encoding="utf-8"), "html.parser").select_one("article") or None
    if article is None:
        return []
    return [(html.parent / img["src"]).resolve() for img in article.find_all("img") if img.get("src")]


def check_page(build: Path, page: str) -> list[str]:
    """What is wrong with one Korean page (empty if nothing)."""
    site = build / "html"
    english, korean = site / f"{page}.html", site / "ko" / f"{page}.html"
    if not korean.is_file():
        return [f"ko/{page}.html is missing"]
    problems = []
    text = korean.read_text(encoding="utf-8")
    if not re.search(r'<html[^>]*\blang="ko"', text):
        problems.append(f'ko/{page}.html has no <html lang="ko">')
    if f'href="../{page}.html" hreflang="en"' not in text:
        problems.append(f"ko/{page}.html does not link its English page ../{page}.html from the switcher")
    if f'href="ko/{page}.html" hreflang="ko"' not in english.read_text(encoding="utf-8"):
        problems.append(f"{page}.html does not link its Korean page ko/{page}.html from the switcher")
    for html, name in ((english, f"{page}.html"), (korean, f"ko/{page}.html")):
        if 'rel="alternate" hreflang="ko"' not in html.read_text(encoding="utf-8"):
            problems.append(f"{name} has no hreflang alternate for Korean")
    en_values, ko_values = glued(build, page, korean=False), glued(build, page, korean=True)
    for key in sorted(set(en_values) | set(ko_values)):
        if en_values.get(key) != ko_values.get(key):
            problems.append(
                f"ko/{page}: the glued {key!r} is {ko_values.get(key, 'missing')!r}, "
                f"the English page's {en_values.get(key, 'missing')!r}"
            )
    for key, value in sorted(ko_values.items()):
        if re.search("[A-Za-z]{2,}", value):  # the prose says "32개 중 14개", not the value "14 of 32"
            problems.append(f"ko/{page}: the glued {key!r} holds English words: {value!r}; glue numbers")
    english_texts = {t for _, t in prose(english)}
    for kind, item in prose(korean):
        if not HANGUL.search(item):
            problems.append(f"ko/{page}.html: a {kind} without Hangul: {item[:100]!r}")
        elif item in english_texts:
            problems.append(f"ko/{page}.html: a {kind} identical to the English page's: {item[:100]!r}")
    english_images = {path.read_bytes() for path in images(english) if path.is_file()}
    figures = [path for path in images(korean) if path.suffix == ".png"]
    for path in figures:
        if not path.is_file():
            problems.append(f"ko/{page}.html shows {path.name}, which is missing")
        elif path.read_bytes() in english_images:
            problems.append(f"ko/{page}.html shows the English figure {path.name}, not its Korean twin")
    return problems


def main(argv: list[str]) -> int:
    build = Path(argv[1]) if len(argv) > 1 else Path("docs/_build")
    problems = [problem for page in PAGES for problem in check_page(build, page)]
    for problem in problems:
        print(problem, file=sys.stderr)
    if not problems:
        counted = sum(len(glued(build, page, korean=True)) for page in PAGES)
        print(f"Korean site: {len(PAGES)} pages, {counted} glued values equal to the English pages'")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
