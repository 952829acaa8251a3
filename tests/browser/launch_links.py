"""Check the built site's launch buttons and downloads; `nox -s browser` runs this.

    python tests/browser/launch_links.py docs/_build/html

For every page with code cells (docs/<page>.md with a ``{code-cell}``), the built page must have
- one Colab and one Binder link, well-formed, built from pyproject.toml's ``[project.urls] Source``
  and pointing at ``docs/<page>.ipynb`` on the ``main`` branch;
- that notebook committed to the repository (``git ls-files``; on disk where there is no git);
- downloads of its source (``_sources/<page>.md``) and of its executed notebook
  (``_sources/<page>.ipynb``, with outputs).
Pages without code must have no launch links. The Korean pages (docs/ko/<page>.md, built into
``ko/<page>.html``) are checked the same way: their buttons open docs/ko/<page>.ipynb.
Standard library only: the session has no venv.
Prints one line per page and exits 1 if any check failed.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tomllib
from html import unescape
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
COLAB = "https://colab.research.google.com/github/{repo}/blob/main/docs/{page}.ipynb"
BINDER = "https://mybinder.org/v2/gh/{repo}/main?urlpath=lab/tree/docs/{page}.ipynb"


def tracked(path: Path) -> bool:
    """Whether ``path`` exists and git tracks it (just exists, outside a git checkout)."""
    try:
        done = subprocess.run(
            ["git", "ls-files", "--error-unmatch", str(path.relative_to(ROOT))],
            cwd=ROOT,
            capture_output=True,
        )
    except FileNotFoundError:
        return path.is_file()
    if done.returncode == 128 and b"not a git repository" in done.stderr:
        return path.is_file()
    return done.returncode == 0 and path.is_file()


def problems(html_dir: Path, page: str, has_code: bool, repo: str) -> list[str]:
    """What is wrong with one built page's launch links and downloads; ``page`` is its path in the
    site and under docs/, without a suffix: ``relu``, ``ko/relu``."""
    site = html_dir / Path(page).parent  # where the page's _sources/ are: its language's site
    name = Path(page).name
    text = (html_dir / f"{page}.html").read_text(encoding="utf-8")
    links = [unescape(href) for href in re.findall(r'href="([^"]+)"', text)]
    launch = sorted(
        {link for link in links if urlsplit(link).netloc in ("colab.research.google.com", "mybinder.org")}
    )
    if not has_code:
        return [f"launch link on a page without code: {link}" for link in launch]
    out = []
    expected = sorted([COLAB.format(repo=repo, page=page), BINDER.format(repo=repo, page=page)])
    if launch != expected:
        out.append(f"launch links {launch}, expected {expected}")
    notebook = DOCS / f"{page}.ipynb"
    if not tracked(notebook):
        out.append(f"{notebook.relative_to(ROOT)} is not committed (run `nox -s notebooks`)")
    for download in (f"_sources/{name}.md", f"_sources/{name}.ipynb"):
        if download not in links:
            out.append(f"no download link {download}")
        elif not (site / download).is_file():
            out.append(f"download {download} is missing from the build")
    executed = site / "_sources" / f"{name}.ipynb"
    if executed.is_file():
        cells = json.loads(executed.read_text(encoding="utf-8"))["cells"]
        if not any(cell.get("outputs") for cell in cells):
            out.append(f"{executed.relative_to(html_dir)} has no outputs: it is not the executed notebook")
    return out


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python tests/browser/launch_links.py HTML_DIR", file=sys.stderr)
        return 2
    html_dir = Path(argv[0])
    source = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["urls"]["Source"]
    parts = urlsplit(source)
    if parts.netloc != "github.com" or len(parts.path.strip("/").split("/")) != 2:
        print(f"[project.urls] Source must be https://github.com/OWNER/REPO; got {source!r}", file=sys.stderr)
        return 1
    repo = parts.path.strip("/")
    failed = 0
    for md in [*sorted(DOCS.glob("*.md")), *sorted((DOCS / "ko").glob("*.md"))]:
        page = md.relative_to(DOCS).with_suffix("").as_posix()
        has_code = "```{code-cell}" in md.read_text(encoding="utf-8")
        found = problems(html_dir, page, has_code, repo)
        failed += bool(found)
        kind = "Colab, Binder, .md and executed .ipynb" if has_code else "no code: no launch links"
        print(f"{'FAIL' if found else 'ok  '} {page}.html ({kind})")
        for problem in found:
            print(f"     {problem}")
    print(f"launch links and downloads: {failed} page(s) failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
