"""Write each executable page as a plain Jupyter notebook beside it, for Colab, Binder and Jupyter.

The pages are MyST text notebooks (``docs/<page>.md``). Colab opens only ``.ipynb`` files, and the
site's launch buttons point at ``docs/<page>.ipynb`` in the repository, so every page that has code
cells gets a notebook of the same name, generated here and never edited by hand:

    python docs/_notebooks.py                  # write them, with the values of the last build
    python docs/_notebooks.py --check          # exit 1, naming each notebook that is missing or stale
    python docs/_notebooks.py --check --glue docs/_build/jupyter_execute   # ... or whose values differ

The Korean pages (``docs/ko/<page>.md``) get theirs the same way, beside them (``docs/ko/<page>.ipynb``),
with the Korean build's values (``docs/_build/ko/jupyter_execute``), links to the Korean site and a
Korean install cell; ``--glue DIR`` names the English build's folder, and the Korean one is found
from it.

A notebook is the page as a Jupyter user reads it, in plain Jupyter Markdown, without MyST roles or
directives:

- ``{glue:text}`key``` and ``{glue:text}`key:.4f``` become the value the build glued, read from
  ``_build/jupyter_execute/<page>.glue.json`` and formatted as MyST-NB formats it;
- ``{cite:p}`a,b``` becomes "(Nair and Hinton, 2010; ...)", ``{cite:t}`a``` "Nair and Hinton (2010)",
  and a last cell lists the works the notebook cites, formatted as the site's references page;
- ``{doc}`page``` and ``{doc}`text <page>``` become links to the page on the site (titled with the
  page's title where no text is given), and ``{py:func}`~relu_vs_sigmoid.x.y``` and the other ``py``
  roles a code span linked to the entry of the API page;
- a figure's caption (the drawing cell's ``mystnb.figure.caption``, or the body of a
  ``{glue:figure}`` directive) becomes an italic cell right after the code cell that draws it;
- ``{toctree}`` becomes a list of links; math, tables and plain code blocks are kept as they are;
  ``(label)=`` targets and ``%`` comments, which the site does not show, are left out;
- cells tagged ``remove-cell`` (the build's bookkeeping: ``glue`` calls) are left out, so a notebook
  needs nothing but the package, which the code cell after its title installs where it is missing.

Any other role or directive is an error naming it, as is a glued key the build has no value for.
The values a notebook was written with are kept in its metadata (``metadata["relu_vs_sigmoid"]
["glue"]``), so that ``--check`` can tell a stale notebook without building the site, and
``--check --glue DIR`` whether its values are the build's. The repository and site URLs are
pyproject.toml's ``[project.urls]`` Source and Documentation.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tomllib
from ast import literal_eval
from collections import defaultdict
from pathlib import Path

import jupytext
import nbformat
import yaml  # jupytext's dependency

DOCS = Path(__file__).resolve().parent
ROOT = DOCS.parent
_URLS = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["urls"]
REPOSITORY_URL: str = _URLS["Source"]
SITE_URL: str = _URLS["Documentation"].rstrip("/") + "/"
GLUE_DIR = DOCS / "_build" / "jupyter_execute"
KOREAN = DOCS / "ko"  # the Korean pages, built into docs/_build/ko/html and served under ko/
METADATA_KEY = "relu_vs_sigmoid"
PACKAGE = "relu_vs_sigmoid"


def _install_cell(heading: str, invalidate: str) -> str:
    """The first code cell of a notebook: installs the package where it is missing; the comments,
    ``heading`` (two lines) and ``invalidate``, in the page's language."""
    return f"""\
{heading}
import importlib.util
import subprocess
import sys

if importlib.util.find_spec("relu_vs_sigmoid") is None:
    package = "relu-vs-sigmoid @ git+{REPOSITORY_URL}"
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", package], check=True)
    importlib.invalidate_caches()  # {invalidate}"""


INSTALL_CELL = _install_cell(
    "# On Colab or Binder: install relu-vs-sigmoid from its repository.\n"
    "# Skipped where the package is already installed (as in the site's own build).",
    "so that this session finds the package it just installed",
)
INSTALL_CELL_KO = _install_cell(
    "# Colab이나 Binder에서: 저장소에서 relu-vs-sigmoid를 설치합니다.\n"
    "# 패키지가 이미 설치된 곳(사이트를 빌드하는 환경 등)에서는 건너뜁니다.",
    "방금 설치한 패키지를 이 세션이 찾도록",
)


def language(docs: Path) -> str:
    """The language of the pages in ``docs``: "ko" for docs/ko/, else "en"."""
    return "ko" if docs.resolve() == KOREAN.resolve() or docs.name == "ko" else "en"


def glue_dir_of(docs: Path, english_glue_dir: Path) -> Path:
    """Where the build glued the values of the pages in ``docs``, given the English build's folder
    (``docs/_build/jupyter_execute``): the Korean build's is ``docs/_build/ko/jupyter_execute``."""
    return (
        english_glue_dir.parent / "ko" / english_glue_dir.name if language(docs) == "ko" else english_glue_dir
    )


# What a notebook says in each language around the page's own text.
WORDS = {
    "en": {"install": INSTALL_CELL, "figure": "Figure", "references": "References", "site": ""},
    "ko": {"install": INSTALL_CELL_KO, "figure": "그림", "references": "참고 문헌", "site": "ko/"},
}

# A backtick string opens a code span; right after ``{name}`` it is a role's content instead.
_TICKS = re.compile(r"(?:\{(?P<name>[A-Za-z][\w+:.-]*)\})?(?P<ticks>`+)")
_FENCE = re.compile(r"^(?P<indent>\s*)(?P<fence>`{3,}|~{3,})(?P<info>.*)$")
_DIRECTIVE = re.compile(r"^\{(?P<name>[^}\s]+)\}\s*(?P<argument>.*)$")
_OPTION = re.compile(r"^\s*:(?P<key>[\w-]+):\s*(?P<value>.*)$")
_TARGET = re.compile(r"^\s*\([^()\s]+\)=\s*$")  # (label)=, an anchor the site does not show
_COMMENT = re.compile(r"^\s*%")  # a MyST comment line
_MD_LINK = re.compile(
    r"(?<!!)\[(?P<text>[^\]]*)\]\((?P<target>(?![a-z][a-z0-9+.-]*:)[^)\s#]+)\.md(?P<anchor>#[^)\s]*)?\)"
)
_GLUE_CALL = re.compile(r"""\bglue\(\s*(?P<quote>['"])(?P<key>[^'"]+)(?P=quote)""")
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>$|])")
_NEEDLESS_ESCAPE = re.compile(r"\\([.,;:!?()\-=+#'\"])")
PY_ROLES = ("py:func", "py:meth", "py:class", "py:exc", "py:data", "py:const", "py:attr", "py:mod", "py:obj")
_CALLABLE_ROLES = ("py:func", "py:meth")  # Sphinx writes their target with "()"


class ConversionError(ValueError):
    """A page holds MyST markup that has no plain-Markdown form here, or a glued value is missing."""


def notebook_pages(docs: Path = DOCS) -> list[Path]:
    """The pages that are notebooks: MyST files with a kernelspec, sorted by name."""
    return sorted(page for page in docs.glob("*.md") if "kernelspec" in jupytext.read(page).metadata)


def _relative(path: Path) -> str:
    try:
        return str(path.relative_to(ROOT))
    except ValueError:
        return str(path)


# --- glued values ------------------------------------------------------------------------------------------


def built_values(page: Path, glue_dir: Path = GLUE_DIR) -> dict[str, str]:
    """The text/plain value of every name the build glued on ``page`` ({} if it glued nothing)."""
    path = glue_dir / f"{page.stem}.glue.json"
    if not path.is_file():
        return {}
    records = json.loads(path.read_text(encoding="utf-8"))
    return {
        name: record["data"]["text/plain"]
        for name, record in records.items()
        if "text/plain" in record["data"]
    }


def stored_values(notebook: Path) -> dict[str, str]:
    """The glued values a committed notebook was written with ({} if none or unreadable)."""
    try:
        return dict(json.loads(notebook.read_text(encoding="utf-8"))["metadata"][METADATA_KEY]["glue"])
    except (OSError, ValueError, KeyError, TypeError):
        return {}


def format_plain_text(text: str, fmt_spec: str) -> str:
    """A glued text/plain value with a format spec, exactly as MyST-NB's ``{glue:text}`` writes it
    (``myst_nb.core.variables.format_plain_text``, which tests/test_notebooks.py compares this with)."""
    try:
        value = literal_eval(text)  # removes the quotes of a string's repr
    except (SyntaxError, ValueError):
        value = text
    if fmt_spec == "":
        return str(value)
    type_char = fmt_spec[-1]
    if type_char == "s":
        value = str(value)
    elif type_char in "bcdoxX":
        value = int(value)
    elif type_char in "eEfFgGn%":
        value = float(value)
    return format(value, fmt_spec)


# --- bibliography ------------------------------------------------------------------------------------------


class _Bibliography:
    """docs/references.bib, read with pybtex (sphinxcontrib-bibtex's own reader), loaded on first use."""

    def __init__(self, path: Path):
        self.path = path
        self._entries = None

    @property
    def entries(self):
        if self._entries is None:
            from pybtex.database import parse_file

            self._entries = parse_file(str(self.path)).entries
        return self._entries

    def entry(self, key: str, where: str):
        if key not in self.entries:
            raise ConversionError(f"{where}: cites {key!r}, which is not in {self.path.name}")
        return self.entries[key]

    @staticmethod
    def names(entry) -> str:
        """The authors as sphinxcontrib-bibtex's author_year style names them: "Nair and Hinton",
        "Bengio et al."."""
        people = entry.persons.get("author") or entry.persons.get("editor") or []
        last = [_unbrace(" ".join(person.last_names)) for person in people]
        if not last:
            return _unbrace(entry.fields.get("title", entry.key))
        return f"{last[0]} et al." if len(last) >= 3 else " and ".join(last)

    @staticmethod
    def year(entry) -> str:
        return entry.fields.get("year", "n.d.")

    def references(self, keys: list[str]) -> list[str]:
        """The works ``keys`` in the site's references style (pybtex "plain", as bibtex_default_style),
        sorted as the site sorts them, each as one line of Markdown."""
        from pybtex.database import BibliographyData
        from pybtex.plugin import find_plugin

        style = find_plugin("pybtex.style.formatting", "plain")()
        backend = find_plugin("pybtex.backends", "markdown")()
        cited = BibliographyData(entries={key: self.entries[key] for key in keys})
        lines = [" ".join(e.text.render(backend).split()) for e in style.format_bibliography(cited).entries]
        # pybtex escapes every punctuation mark; these need no escape inside a list item's text
        return [_NEEDLESS_ESCAPE.sub(r"\1", line) for line in lines]


def _unbrace(text: str) -> str:
    return text.replace("{", "").replace("}", "")


# --- Markdown ----------------------------------------------------------------------------------------------


def _title(page: Path) -> str:
    """The text of a page's first level-1 heading (outside its front matter and code blocks)."""
    text = page.read_text(encoding="utf-8")
    if text.startswith("---\n"):
        text = text[text.find("\n---", 4) + 4 :]
    fence = None
    for line in text.splitlines():
        opening = _FENCE.match(line)
        if opening and fence is None:
            fence = opening["fence"][0] * 3
        elif fence and line.strip().startswith(fence):
            fence = None
        elif fence is None and line.startswith("# "):
            return line[2:].strip()
    return page.stem


def _text_and_target(content: str) -> tuple[str, str]:
    """``text <target>`` or ``target``."""
    match = re.fullmatch(r"(?s)(.*?)\s*<([^<>]+)>", content.strip())
    return (" ".join(match[1].split()), match[2].strip()) if match else ("", content.strip())


class _Converter:
    """Turns one page's MyST Markdown into plain Jupyter Markdown, collecting what it cites and glues.

    ``figure_cells`` maps a glued key to the index of the visible code cell that glues it, where a
    ``{glue:figure}`` caption goes; ``captions`` collects those captions by cell index.
    """

    def __init__(self, page: Path, values: dict[str, str], figure_cells: dict[str, int] | None = None):
        self.page, self.values, self.docs = page, values, page.parent
        self.figure_cells = figure_cells or {}
        self.captions: dict[int, list[str]] = defaultdict(list)
        self.cited: list[str] = []
        self.glued: dict[str, str] = {}
        self.words = WORDS[language(self.docs)]
        self.bibliography = _Bibliography(DOCS / "references.bib")

    def error(self, message: str) -> ConversionError:
        return ConversionError(f"{self.page.name}: {message}")

    # inline markup

    def inline(self, text: str) -> str:
        """Roles replaced; code spans, math and everything else kept."""
        out, position = [], 0
        while (match := _TICKS.search(text, position)) is not None:
            ticks = match["ticks"]
            closing = re.compile(rf"(?<!`){ticks}(?!`)").search(text, match.end())
            if closing is None:  # a lone backtick string is literal text
                out.append(self.plain(text[position : match.end()]))
                position = match.end()
                continue
            out.append(self.plain(text[position : match.start()]))
            if match["name"]:
                out.append(self.role(match["name"], text[match.end() : closing.start()]))
            else:
                out.append(text[match.start() : closing.end()])  # a code span, verbatim
            position = closing.end()
        out.append(self.plain(text[position:]))
        return "".join(out)

    def plain(self, text: str) -> str:
        """Text outside code spans: a link to another page's .md file becomes a link to the site."""
        return _MD_LINK.sub(lambda m: f"[{m['text']}]({self.link(m['target'])[1]}{m['anchor'] or ''})", text)

    def link(self, target: str) -> tuple[Path, str]:
        """The page a reference names (``relu``, ``/relu``, ``relu.md``) and its URL on the site."""
        name = target.strip().lstrip("/").removesuffix(".md")
        page = self.docs / f"{name}.md"
        if not page.is_file():
            raise self.error(f"a link to {target!r}, which is not a page in {self.docs.name}/")
        return page, f"{SITE_URL}{self.words['site']}{name}.html"

    def role(self, name: str, content: str) -> str:
        if name == "glue:text":
            return self.glue(content)
        if name in ("cite:p", "cite:t"):
            entries = []
            for key in (key.strip() for key in content.split(",")):
                entries.append(self.bibliography.entry(key, self.page.name))
                if key not in self.cited:
                    self.cited.append(key)
            names, year = self.bibliography.names, self.bibliography.year
            if name == "cite:p":
                return "(" + "; ".join(f"{names(e)}, {year(e)}" for e in entries) + ")"
            return ", ".join(f"{names(e)} ({year(e)})" for e in entries)
        if name == "doc":
            text, target = _text_and_target(content)
            page, url = self.link(target)
            return f"[{text or _title(page)}]({url})"
        if name in PY_ROLES:
            return self.api_reference(name, content)
        if name == "external+en:doc":  # a Korean page's link to an English-only page (the API)
            text, target = _text_and_target(content)
            name = target.strip().lstrip("/").removesuffix(".md")
            if not (DOCS / f"{name}.md").is_file():
                raise self.error(f"a link to the English page {target!r}, which is not a page in docs/")
            return f"[{text or _title(DOCS / f'{name}.md')}]({SITE_URL}{name}.html)"
        if name == "math":
            return f"${content}$"
        raise self.error(f"the role {{{name}}} (in {{{name}}}`{content}`) has no plain-Markdown form here")

    def glue(self, content: str) -> str:
        """``key`` or ``key:format_spec``, as MyST-NB's PasteTextRole splits it."""
        if "::" in content:
            raise self.error(f"{{glue:text}}`{content}` pastes from another page, which a notebook cannot")
        key, fmt_spec = content.rsplit(":", 1) if ":" in content else (content, "s")
        if key not in self.values:
            raise self.error(f"the glued key {key!r} has no value (is it glued, and is the build current?)")
        self.glued[key] = self.values[key]
        try:
            text = format_plain_text(self.values[key], fmt_spec)
        except (TypeError, ValueError) as error:
            raise self.error(
                f"{{glue:text}}`{content}` cannot format {self.values[key]!r}: {error}"
            ) from None
        return _MARKDOWN_SPECIAL.sub(r"\\\1", text)  # shown as literal text, as on the site

    def api_reference(self, name: str, content: str) -> str:
        text, target = _text_and_target(content)
        linked = not target.startswith("!")
        target = target.lstrip("!")
        short = target.startswith("~")
        target = target.lstrip("~")
        label = text or (target.rsplit(".", 1)[-1] if short else target)
        if not text and name in _CALLABLE_ROLES:
            label += "()"
        if not linked or not (target == PACKAGE or target.startswith(f"{PACKAGE}.")):
            return f"`{label}`"  # the site links only the package's own objects (no intersphinx)
        anchor = f"module-{target}" if name == "py:mod" else target
        return f"[`{label}`]({SITE_URL}api.html#{anchor})"

    # blocks

    def markdown(self, source: str) -> str:
        out: list[str] = []
        text: list[str] = []  # lines of running text, converted together (a role may span lines)

        def flush():
            if text:
                out.append(self.inline("\n".join(text)))
                text.clear()

        lines, i = source.splitlines(), 0
        while i < len(lines):
            line = lines[i]
            opening = _FENCE.match(line)
            if line.lstrip().startswith(":::"):
                raise self.error(
                    f"the colon fence {line.strip()!r} has no plain-Markdown form; use a ``` fence"
                )
            if _TARGET.match(line) or _COMMENT.match(line):
                i += 1  # shown nowhere on the site
                continue
            if opening is None:
                text.append(line)
                i += 1
                continue
            flush()
            fence = opening["fence"]
            closing = re.compile(rf"^\s*{re.escape(fence[0])}{{{len(fence)},}}\s*$")
            end = next((j for j in range(i + 1, len(lines)) if closing.match(lines[j])), None)
            if end is None:
                raise self.error(f"the code fence {line.strip()!r} is never closed")
            directive = _DIRECTIVE.match(opening["info"].strip())
            if directive is None:
                out.append("\n".join(lines[i : end + 1]))  # a plain code block (```console): kept
            else:
                block = self.directive(directive["name"], directive["argument"].strip(), lines[i + 1 : end])
                if block:
                    out.append(block)
            i = end + 1
        flush()
        return "\n\n".join(part.strip("\n") for part in out if part.strip()).strip()

    def directive(self, name: str, argument: str, body: list[str]) -> str:
        options, content = self.options(name, body)
        if name == "toctree":
            if "glob" in options:
                raise self.error("a {toctree} with :glob: has no plain-Markdown form here")
            if "hidden" in options:
                return ""
            links = []
            for entry in (line.strip() for line in content.splitlines()):
                if not entry or entry == "self":
                    continue
                text, target = _text_and_target(entry)
                if re.match(r"[a-z][a-z0-9+.-]*://", target):
                    links.append(f"- [{text or target}]({target})")
                else:
                    page, url = self.link(target)
                    links.append(f"- [{text or _title(page)}]({url})")
            caption = options.get("caption")
            return "\n".join([f"**{self.inline(str(caption))}**", "", *links] if caption else links)
        if name == "glue:figure":
            key = argument.strip()
            if not key:
                raise self.error("a {glue:figure} directive without a key")
            caption = self.caption(content)
            if caption and key in self.figure_cells:
                self.captions[self.figure_cells[key]].append(caption)
                return ""
            return caption  # where the site shows it, if no visible cell glues it
        if name == "math":
            return f"$$\n{content}\n$$"
        raise self.error(f"the directive {{{name}}} has no plain-Markdown form here")

    def options(self, name: str, body: list[str]) -> tuple[dict, str]:
        """A directive's options (a ``---`` YAML block or ``:key: value`` lines) and its content."""
        lines = list(body)
        options: dict = {}
        if lines and lines[0].strip() == "---":
            end = next((j for j in range(1, len(lines)) if lines[j].strip() == "---"), None)
            if end is None:
                raise self.error(f"the options of a {{{name}}} directive are never closed (---)")
            options = yaml.safe_load("\n".join(lines[1:end])) or {}
            lines = lines[end + 1 :]
        else:
            while lines and (option := _OPTION.match(lines[0])):
                options[option["key"]] = option["value"].strip()
                lines.pop(0)
        return options, "\n".join(lines).strip("\n")

    def caption(self, text: str) -> str:
        """One italic line: ``*Figure: ...*``; empty for no caption."""
        text = " ".join(self.inline(text).split())
        return f"*{self.words['figure']}: {text}*" if text else ""


# --- the notebook ------------------------------------------------------------------------------------------


def _is_removed(cell) -> bool:
    return "remove-cell" in cell.metadata.get("tags", [])


def figure_count(page: Path) -> int:
    """How many figures a page shows: code cells with ``mystnb.figure`` metadata, and
    ``{glue:figure}`` directives."""
    cells = jupytext.read(page).cells
    captioned = sum(
        1 for c in cells if c.cell_type == "code" and (c.metadata.get("mystnb") or {}).get("figure")
    )
    directive = re.compile(r"^\s*(`{3,}|~{3,})\{glue:figure\}", re.M)
    return captioned + sum(len(directive.findall(c.source)) for c in cells if c.cell_type == "markdown")


def render(page: Path, values: dict[str, str] | None = None) -> str:
    """The ``.ipynb`` text of one page, with the glued ``values`` (name → text/plain) filled in.

    Raises
    ------
    ConversionError
        If the page uses a role or directive with no plain-Markdown form here, or glues a name that
        ``values`` lacks.
    """
    cells = jupytext.read(page).cells
    figure_cells = {
        match["key"]: index
        for index, cell in enumerate(cells)
        if cell.cell_type == "code" and not _is_removed(cell)
        for match in _GLUE_CALL.finditer(cell.source)
    }
    converter = _Converter(page, values or {}, figure_cells)
    converted = []  # (index in the page, notebook cell)
    for index, cell in enumerate(cells):
        if cell.cell_type == "markdown":
            text = converter.markdown(cell.source)
            if text:
                converted.append((index, nbformat.v4.new_markdown_cell(text)))
        elif cell.cell_type == "code" and not _is_removed(cell):
            options = cell.metadata.get("mystnb") or {}
            metadata = {key: value for key, value in cell.metadata.items() if key != "mystnb"}
            converted.append((index, nbformat.v4.new_code_cell(cell.source, metadata=metadata)))
            caption = converter.caption(str((options.get("figure") or {}).get("caption") or ""))
            if caption:
                converter.captions[index].insert(0, caption)
        elif cell.cell_type == "raw":
            converted.append((index, nbformat.v4.new_raw_cell(cell.source, metadata=dict(cell.metadata))))
    out = []
    for index, cell in converted:
        out.append(cell)
        if cell.cell_type == "code":
            out.extend(
                nbformat.v4.new_markdown_cell(caption) for caption in converter.captions.pop(index, [])
            )
    first_code = next((i for i, cell in enumerate(out) if cell.cell_type == "code"), len(out))
    install = converter.words["install"]
    out.insert(first_code, nbformat.v4.new_code_cell(install, metadata={"tags": ["install"]}))
    if converter.cited:
        listing = "\n".join(f"- {line}" for line in converter.bibliography.references(converter.cited))
        out.append(nbformat.v4.new_markdown_cell(f"## {converter.words['references']}\n\n{listing}"))
    notebook = nbformat.v4.new_notebook(
        cells=out,
        metadata={
            "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
            "language_info": {"name": "python"},
            METADATA_KEY: {"page": page.name, "glue": dict(sorted(converter.glued.items()))},
        },
    )
    for number, cell in enumerate(notebook.cells):
        cell.id = f"cell-{number:02d}"
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    nbformat.validate(notebook)
    return nbformat.writes(notebook) + "\n"


# --- checking and writing ----------------------------------------------------------------------------------


def orphans(docs: Path, pages: list[Path]) -> list[Path]:
    """Notebooks left behind by a page that was renamed, removed or no longer has code."""
    return sorted(set(docs.glob("*.ipynb")) - {page.with_suffix(".ipynb") for page in pages})


def problems(docs: Path = DOCS, glue_dir: Path | None = None) -> list[tuple[Path, str]]:
    """What is wrong with each notebook: (notebook, reason), empty when all are in sync.

    Without ``glue_dir``, each page is rendered with the values stored in its committed notebook, so
    only the text and code are compared; with it, the stored values must also be the build's.
    """
    pages = notebook_pages(docs)
    out = [(notebook, "has no page with code cells") for notebook in orphans(docs, pages)]
    for page in pages:
        notebook = page.with_suffix(".ipynb")
        if not notebook.is_file():
            out.append((notebook, "is missing"))
            continue
        values = stored_values(notebook)
        if glue_dir is not None:
            built = built_values(page, glue_dir)
            differ = [(key, value) for key, value in values.items() if built.get(key) != value]
            for key, value in differ:
                site = repr(built[key]) if key in built else "no value"
                out.append((notebook, f"has {key} = {value!r} where the build has {site}"))
            if differ:
                continue
        try:
            fresh = notebook.read_text(encoding="utf-8") == render(page, values)
        except ConversionError as error:
            out.append((notebook, f"cannot be rendered from its stored values: {error}"))
            continue
        if not fresh:
            out.append((notebook, f"is stale: it differs from what {page.name} renders to"))
    return sorted(out, key=lambda problem: problem[0])


def stale(docs: Path = DOCS, glue_dir: Path | None = None) -> list[Path]:
    """The notebooks that are missing, stale, have no page or (with ``glue_dir``) other values."""
    return sorted({notebook for notebook, _ in problems(docs, glue_dir)})


def write(docs: Path, glue_dir: Path) -> int:
    """Write every page's notebook with the build's values; nothing is written if one page fails."""
    if not glue_dir.is_dir():
        print(f"no build at {_relative(glue_dir)}: build the site first (`nox -s docs`)", file=sys.stderr)
        return 1
    pages = notebook_pages(docs)
    texts, failed = {}, False
    for page in pages:
        try:
            texts[page.with_suffix(".ipynb")] = render(page, built_values(page, glue_dir))
        except ConversionError as error:
            print(f"{_relative(page.with_suffix('.ipynb'))} not written: {error}", file=sys.stderr)
            failed = True
    if failed:
        print(
            "(a missing value: rebuild the site, `nox -s docs`, then run `nox -s notebooks`)", file=sys.stderr
        )
        return 1
    for notebook in orphans(docs, pages):
        notebook.unlink()
        print(f"removed {_relative(notebook)} (no page of that name has code cells)")
    for notebook, text in texts.items():
        if not notebook.is_file() or notebook.read_text(encoding="utf-8") != text:
            notebook.write_text(text, encoding="utf-8")
            print(f"wrote {_relative(notebook)}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="write nothing; exit 1 if a notebook is stale")
    parser.add_argument(
        "--glue",
        type=Path,
        default=None,
        metavar="DIR",
        help="the build's <page>.glue.json files; with --check, the notebooks' values must be these "
        "(default when writing: docs/_build/jupyter_execute)",
    )
    args = parser.parse_args(argv)
    # the English pages' notebooks, then the Korean pages' (docs/ko/)
    languages = [docs for docs in (DOCS, DOCS / KOREAN.name) if docs.is_dir()]
    if not args.check:
        return max(write(docs, glue_dir_of(docs, args.glue or GLUE_DIR)) for docs in languages)
    found = [
        problem
        for docs in languages
        for problem in problems(docs, args.glue and glue_dir_of(docs, args.glue))
    ]
    for notebook, reason in found:
        print(f"{_relative(notebook)} {reason}: run `nox -s notebooks`", file=sys.stderr)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
