"""The committed notebooks (docs/<page>.ipynb, opened by Colab and Binder) match their pages, read as
plain Jupyter Markdown, and run without the build's bookkeeping; docs/_notebooks.py converts MyST
markup as the site renders it."""

from __future__ import annotations

import ast
import builtins
import importlib.util
import json
import re
import subprocess
import sys
import textwrap
import tomllib
from pathlib import Path

import pytest

jupytext = pytest.importorskip("jupytext", reason="the docs group is installed by `nox -s tests`")
import nbformat  # noqa: E402  (jupytext's dependency)
from packaging.requirements import Requirement  # noqa: E402
from packaging.specifiers import SpecifierSet  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"


def _load(name: str, path: Path):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


notebooks = _load("_notebooks", DOCS / "_notebooks.py")
KOREAN = DOCS / "ko"
PAGES = notebooks.notebook_pages()
KOREAN_PAGES = notebooks.notebook_pages(KOREAN)
SITE = notebooks.SITE_URL


def _removed(cell) -> bool:
    return "remove-cell" in cell.metadata.get("tags", [])


# --- the committed notebooks -------------------------------------------------------------------------------


@pytest.mark.parametrize("docs", [DOCS, KOREAN], ids=["en", "ko"])
def test_every_committed_notebook_matches_its_page(docs):
    problems = [f"{notebook.name} {reason}" for notebook, reason in notebooks.problems(docs)]
    assert problems == [], f"run `nox -s notebooks` and commit {docs.relative_to(ROOT)}/*.ipynb"


@pytest.mark.parametrize("docs", [DOCS, KOREAN], ids=["en", "ko"])
def test_every_page_with_code_has_a_notebook_and_no_notebook_lacks_a_page(docs):
    with_code = {page.stem for page in docs.glob("*.md") if "```{code-cell}" in page.read_text()}
    assert {page.stem for page in notebooks.notebook_pages(docs)} == with_code
    assert {nb.stem for nb in docs.glob("*.ipynb")} == with_code
    assert len(with_code) >= 8


_CODE_BLOCK = re.compile(r"^\s*(`{3,}|~{3,}).*?^\s*\1\s*$", re.M | re.S)
_CODE_SPAN = re.compile(r"(?<!`)(`+)(?!`).*?(?<!`)\1(?!`)", re.S)


def myst_syntax(markdown: str) -> list[str]:
    """The MyST-only markup in a Markdown text: directive fences, roles outside code, ::: fences and
    (label)= targets. Code blocks and code spans may show such text: they are skipped."""
    found = re.findall(r"^\s*(?:`{3,}|~{3,})\s*\{[^}]*\}.*$", markdown, re.M)
    text = _CODE_BLOCK.sub("", markdown)
    for span in _CODE_SPAN.finditer(text):
        role = re.search(r"\{[A-Za-z][\w+:.-]*\}$", text[: span.start()])
        if role:
            found.append(role[0] + span[0])
    text = _CODE_SPAN.sub("", text)
    found += re.findall(r"^\s*:::.*$", text, re.M) + re.findall(r"^\s*\([^()\s]+\)=\s*$", text, re.M)
    return found


def test_the_myst_detector_finds_myst_and_spares_code():
    assert myst_syntax("a {cite:p}`x` b {glue:text}`k:.2f`") == ["{cite:p}`x`", "{glue:text}`k:.2f`"]
    assert myst_syntax("```{glue:figure} k\nCaption\n```\n:::{note}\nx\n:::\n(fig-x)=\n")[0].startswith(
        "```{"
    )
    assert len(myst_syntax(":::{note}\nx\n:::\n(fig-x)=\n")) == 3
    assert myst_syntax("`Weight{i}` and `Bias{i}`, ``{doc}`x` ``\n\n```python\n{doc}`x`\n```\n") == []


@pytest.mark.parametrize("page", PAGES + KOREAN_PAGES, ids=lambda p: p.relative_to(DOCS).as_posix())
def test_no_markdown_cell_of_a_committed_notebook_holds_myst_syntax(page):
    for cell in nbformat.read(page.with_suffix(".ipynb"), as_version=4).cells:
        if cell.cell_type == "markdown":
            assert myst_syntax(cell.source) == [], (page.with_suffix(".ipynb").name, cell.id)


def _page_and_notebook(page: Path) -> tuple[list[str], list, list[str]]:
    """A page's visible code cells, its notebook's cells, and the notebook's code less the install cell."""
    visible = [c.source for c in jupytext.read(page).cells if c.cell_type == "code" and not _removed(c)]
    cells = nbformat.read(page.with_suffix(".ipynb"), as_version=4).cells
    code = [c.source for c in cells if c.cell_type == "code" and "install" not in c.metadata.get("tags", [])]
    return visible, cells, code


def test_a_notebook_is_its_pages_visible_code_plus_the_install_cell():
    visible, cells, code = _page_and_notebook(DOCS / "relu.md")
    assert code == visible
    assert cells[0].cell_type == "markdown" and cells[0].source.startswith("# ReLU")
    assert cells[1].source == notebooks.INSTALL_CELL
    assert all(c.outputs == [] for c in cells if c.cell_type == "code")
    assert all("mystnb" not in c.metadata for c in cells)
    assert [c.id for c in cells] == [f"cell-{n:02d}" for n in range(len(cells))]
    assert cells[-1].source.startswith("## References\n\n- ")


def test_a_korean_notebook_has_the_korean_install_cell_and_links_the_korean_site():
    visible, cells, code = _page_and_notebook(KOREAN / "relu.md")
    assert code == visible
    assert cells[1].source == notebooks.INSTALL_CELL_KO
    assert cells[-1].source.startswith("## 참고 문헌\n\n- ")
    text = "\n".join(c.source for c in cells if c.cell_type == "markdown")
    assert f"]({SITE}ko/activations.html)" in text  # a page link goes to the Korean page
    assert f"]({SITE}api.html#" in text  # the API reference is English only
    assert "*그림: " in text


def test_every_api_link_of_a_notebook_has_its_anchor_on_the_built_site():
    api = DOCS / "_build" / "html" / "api.html"
    if not api.is_file():
        pytest.skip("the site is not built (`nox -s docs`)")
    anchors = set(re.findall(r'id="([^"]+)"', api.read_text(encoding="utf-8")))
    for page in PAGES + KOREAN_PAGES:
        text = page.with_suffix(".ipynb").read_text(encoding="utf-8")
        for anchor in re.findall(re.escape(f"{SITE}api.html#") + r"([\w.-]+)", text):
            assert anchor in anchors, (page.name, anchor)


# --- the pages' code, as the notebooks run it (these check the pages, docs/*.md) ---------------------------


def _code_cells(page: Path) -> list[tuple[bool, str]]:
    """(removed, source) of each code cell, IPython magics and shell escapes commented out."""
    cells = [c for c in jupytext.read(page).cells if c.cell_type == "code"]
    return [(_removed(c), re.sub(r"(?m)^(\s*)([%!])", r"\1# \2", c.source)) for c in cells]


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.stem)
def test_visible_cells_carry_no_bookkeeping(page):
    """glue calls, figure closing and colours belong in remove-cell cells or the package, not in the
    code a reader copies (and the notebook, which has no myst_nb, runs)."""
    for removed, source in _code_cells(page):
        if not removed:
            for plumbing in ("glue(", "plt.close(", "facecolor=", "myst_nb"):
                assert plumbing not in source, (page.name, plumbing, source[:120])


def _module_bindings(tree: ast.AST) -> set[str]:
    """The names a cell binds in the notebook's namespace (not those local to a function,
    lambda, class body or comprehension)."""
    names: set[str] = set()

    def visit(node: ast.AST) -> None:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
            for default in node.decorator_list + getattr(node.args, "defaults", []):
                visit(default)
            return
        if isinstance(node, (ast.Lambda, ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)):
            return
        if isinstance(node, ast.Name) and isinstance(node.ctx, (ast.Store, ast.Del)):
            names.add(node.id)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            names.update((alias.asname or alias.name).split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ExceptHandler) and node.name:
            names.add(node.name)
        elif isinstance(node, ast.Global):
            names.update(node.names)
        elif isinstance(node, ast.NamedExpr):
            names.add(node.target.id)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(tree)
    return names


def _all_bindings(tree: ast.AST) -> set[str]:
    """Every name bound anywhere in a cell, function parameters and comprehension variables included."""
    names = _module_bindings(tree)
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            names.add(node.id)
        elif isinstance(node, ast.arg):
            names.add(node.arg)
    return names


def _reads(tree: ast.AST) -> set[str]:
    return {
        node.id for node in ast.walk(tree) if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load)
    }


def needs_removed_cells(cells: list[tuple[bool, str]]) -> list[str]:
    """Names a visible cell reads that, at that point, only removed cells have bound: the notebook,
    which lacks the removed cells, would fail on them with a NameError."""
    by_visible, by_removed, missing = set(dir(builtins)), set(), []
    for removed, source in cells:
        tree = ast.parse(source)
        if removed:
            by_removed |= _module_bindings(tree)
            continue
        own = _all_bindings(tree)
        missing += sorted((_reads(tree) & by_removed) - by_visible - own)
        by_visible |= _module_bindings(tree)
    return missing


def test_the_removed_cell_check_finds_a_name_only_a_removed_cell_binds():
    cells = [(True, "from myst_nb import glue\nratio = 0.5"), (False, "n = 3\nprint(ratio, n)")]
    assert needs_removed_cells(cells) == ["ratio"]
    cells = [
        (True, "import numpy as np\nx = [r for r in range(3)]"),
        (False, "import numpy as np\nr = 1\nnp.r_"),
    ]
    assert needs_removed_cells(cells) == []
    assert needs_removed_cells([(True, "def f(y): return y"), (False, "def g(y):\n    return y + 1")]) == []
    assert needs_removed_cells([(True, "x = 1"), (False, "print(x)"), (False, "x = 2")]) == ["x"]


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.stem)
def test_visible_cells_do_not_need_the_removed_cells(page):
    """The notebook leaves out the remove-cell cells, so it runs alone only if no visible cell reads
    a name that only remove-cell cells bind."""
    assert needs_removed_cells(_code_cells(page)) == [], page.name


def test_every_figure_has_a_caption_and_alt_text():
    for page in PAGES + KOREAN_PAGES:
        for cell in jupytext.read(page).cells:
            options = cell.metadata.get("mystnb") or {}
            if options.get("figure"):
                assert str(options["figure"].get("caption", "")).strip(), (page.name, cell.source[:80])
                assert str((options.get("image") or {}).get("alt", "")).strip(), (page.name, cell.source[:80])


# --- Colab and Binder --------------------------------------------------------------------------------------


def test_the_install_cell_installs_the_repository_named_in_pyproject():
    urls = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["urls"]
    assert urls["Source"].startswith("https://github.com/")
    assert SITE == urls["Documentation"].rstrip("/") + "/" and SITE.startswith("https://")
    line = next(line for line in notebooks.INSTALL_CELL.splitlines() if "git+" in line)
    requirement = Requirement(line.split('"')[1])
    assert requirement.name == "relu-vs-sigmoid"
    assert requirement.url == f"git+{urls['Source']}"


def test_the_install_cell_does_nothing_where_the_package_is_installed(monkeypatch):
    calls = []
    monkeypatch.setattr(subprocess, "run", lambda *args, **kwargs: calls.append(args))
    exec(notebooks.INSTALL_CELL, {})
    assert calls == []


def test_the_install_cell_runs_pip_where_the_package_is_missing(monkeypatch):
    calls = []
    monkeypatch.setattr(subprocess, "run", lambda command, **kwargs: calls.append((command, kwargs)))
    monkeypatch.setattr(importlib.util, "find_spec", lambda name: None)
    exec(notebooks.INSTALL_CELL, {})
    [(command, kwargs)] = calls
    assert command[:4] == [sys.executable, "-m", "pip", "install"]
    assert not any("myst" in part for part in command) and kwargs == {"check": True}


def test_binder_gets_a_python_the_package_supports_and_installs_the_package():
    runtime = (ROOT / "binder" / "runtime.txt").read_text().strip()
    match = re.fullmatch(r"python-(\d+)\.(\d+)", runtime)  # repo2docker's format
    assert match, runtime
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    requires = SpecifierSet(project["requires-python"])
    assert f"{match[1]}.{match[2]}" in requires, (runtime, str(requires))  # e.g. >=3.11,<3.14
    assert (int(match[1]), int(match[2])) >= (3, 11)
    assert not (ROOT / "binder" / "environment.yml").exists()  # repo2docker would ignore runtime.txt
    assert "pip install" in (ROOT / "binder" / "postBuild").read_text()


# --- the conversion, on small pages ------------------------------------------------------------------------

HEADER = """---
jupytext:
  text_representation:
    extension: .md
    format_name: myst
kernelspec:
  name: python3
  display_name: Python 3
---
"""


def _page(folder: Path, body: str, name: str = "page") -> Path:
    """A page in a small site: ``folder/<name>.md``, the real bibliography and a page ``other.md``."""
    (folder / "references.bib").write_text((DOCS / "references.bib").read_text(encoding="utf-8"))
    (folder / "other.md").write_text("# The other page\n\nText, no code.\n")
    page = folder / f"{name}.md"
    page.write_text(HEADER + textwrap.dedent(body), encoding="utf-8")
    return page


def _cells(page: Path, values: dict[str, str] | None = None) -> list:
    return nbformat.reads(notebooks.render(page, values or {}), as_version=4).cells


def _markdown(page: Path, values: dict[str, str] | None = None) -> list[str]:
    return [c.source for c in _cells(page, values) if c.cell_type == "markdown"]


def test_glued_values_are_formatted_as_myst_nb_formats_them(tmp_path):
    page = _page(
        tmp_path,
        "Rate {glue:text}`rate:.0%` of {glue:text}`n`, cost {glue:text}`cost:.4f`, gap "
        "{glue:text}`gap:.1e`, {glue:text}`n:d` seeds, {glue:text}`word` and {glue:text}`name`.\n",
    )
    values = {"rate": "0.46875", "n": "32", "cost": "0.6931471805599453", "gap": "4.0e-06"}
    values |= {"word": "'layer5'", "name": "'leaky_relu'", "unused": "1"}
    [text] = _markdown(page, values)
    assert text == r"Rate 47% of 32, cost 0.6931, gap 4.0e-06, 32 seeds, layer5 and leaky\_relu."
    stored = json.loads(notebooks.render(page, values))["metadata"][notebooks.METADATA_KEY]
    assert stored == {"page": "page.md", "glue": {k: v for k, v in values.items() if k != "unused"}}


FORMATS = [("0.46875", ".0%"), ("32", ""), ("32", "s"), ("32", "d"), ("0.5", ".3f"), ("'layer5'", "s")]
FORMATS += [("1e-07", ".1e"), ("np.float64(0.5)", "s"), ("True", "s"), ("[1, 2]", ""), ("0.25", ".2g")]


@pytest.mark.parametrize(("text", "spec"), FORMATS)
def test_the_format_is_myst_nbs_own(text, spec):
    variables = pytest.importorskip("myst_nb.core.variables")
    assert notebooks.format_plain_text(text, spec) == variables.format_plain_text(text, spec)


def test_citations_and_the_references_cell(tmp_path):
    page = _page(
        tmp_path,
        "As {cite:t}`glorot2010` found {cite:p}`bengio1994,glorot2010`; ReLU {cite:p}`nair2010`.\n\n"
        "```{code-cell} ipython3\nprint(1)\n```\n\nLater, {cite:t}`he2015`.\n",
    )
    text, later, references = _markdown(page)
    assert text == (
        "As Glorot and Bengio (2010) found (Bengio et al., 1994; Glorot and Bengio, 2010); "
        "ReLU (Nair and Hinton, 2010)."
    )
    assert later == "Later, He et al. (2015)."
    title, blank, *entries = references.splitlines()
    assert (title, blank) == ("## References", "")
    assert [entry.split(".")[0] for entry in entries] == [  # the site's order: by first author
        "- Yoshua Bengio, Patrice Simard, and Paolo Frasconi",
        "- Xavier Glorot and Yoshua Bengio",
        "- Kaiming He, Xiangyu Zhang, Shaoqing Ren, and Jian Sun",
        "- Vinod Nair and Geoffrey E",
    ]
    assert "*IEEE Transactions on Neural Networks*, 5(2):157–166, 1994." in entries[0]


def test_a_page_that_cites_nothing_has_no_references_cell(tmp_path):
    page = _page(tmp_path, "# Title\n\nNo citations.\n")
    assert _markdown(page) == ["# Title\n\nNo citations."]


def test_doc_and_py_references_link_to_the_site(tmp_path):
    page = _page(
        tmp_path,
        """\
        See {doc}`other`, {doc}`this one <other>` and {doc}`/other`.
        {py:func}`~relu_vs_sigmoid.training.train`, {py:func}`relu_vs_sigmoid.training.train`,
        {py:class}`relu_vs_sigmoid.models.MLP`, {py:data}`~relu_vs_sigmoid.training.SOLVED_LOSS`,
        {py:mod}`relu_vs_sigmoid.plots`, {py:func}`the trainer <relu_vs_sigmoid.training.train>`,
        {py:func}`numpy.mean`.
        """,
    )
    [text] = _markdown(page)
    api = f"{SITE}api.html#"
    assert text.splitlines() == [
        f"See [The other page]({SITE}other.html), [this one]({SITE}other.html) and "
        f"[The other page]({SITE}other.html).",
        f"[`train()`]({api}relu_vs_sigmoid.training.train), "
        f"[`relu_vs_sigmoid.training.train()`]({api}relu_vs_sigmoid.training.train),",
        f"[`relu_vs_sigmoid.models.MLP`]({api}relu_vs_sigmoid.models.MLP), "
        f"[`SOLVED_LOSS`]({api}relu_vs_sigmoid.training.SOLVED_LOSS),",
        f"[`relu_vs_sigmoid.plots`]({api}module-relu_vs_sigmoid.plots), "
        f"[`the trainer`]({api}relu_vs_sigmoid.training.train),",
        "`numpy.mean()`.",
    ]


def test_code_math_tables_and_plain_code_blocks_are_kept(tmp_path):
    body = (
        "Logged as `Weight{i}` and `Bias{i}`; ``{doc}`x` `` is code, $\\max(0, z)$ math.\n\n"
        "$$\ny = \\{1\\}\n$$\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n"
        "```console\n$ nox -s docs\n```\n\n````markdown\n```{note}\nshown as it is\n```\n````\n"
    )
    page = _page(tmp_path, body)
    assert _markdown(page) == [body.strip()]


def test_roles_may_span_lines_and_targets_and_comments_are_left_out(tmp_path):
    page = _page(tmp_path, "(sec-x)=\n## Section\n\n% a comment\nThe {doc}`other\npage <other>` page.\n")
    assert _markdown(page) == [f"## Section\n\nThe [other page]({SITE}other.html) page."]


def test_the_toctree_becomes_a_list_of_links(tmp_path):
    page = _page(
        tmp_path,
        "# Index\n\n```{toctree}\n:maxdepth: 1\n:caption: The lecture\n\nother\nNamed <other>\n```\n\n"
        "```{toctree}\n:hidden:\n\nother\n```\n",
    )
    assert _markdown(page) == [
        f"# Index\n\n**The lecture**\n\n- [The other page]({SITE}other.html)\n- [Named]({SITE}other.html)"
    ]


FIGURE_PAGE = """\
# Title

```{code-cell} ipython3
x = 3
```

```{code-cell} ipython3
---
mystnb:
  figure:
    caption: |
      Cost over {glue:text}`n` seeds
      {cite:p}`nair2010`.
    name: fig-cost
  image:
    alt: Lines.
tags: [hide-input]
---
import matplotlib.pyplot as plt
plt.plot([1, 2])
```

```{code-cell} ipython3
:tags: [remove-cell]

from myst_nb import glue

glue("n", x, display=False)
```

Text after the figure.

```{code-cell} ipython3
fig, ax = plt.subplots()
glue("old", fig, display=False)
```

Between.

```{glue:figure} old
:name: fig-old

The old-style figure, {glue:text}`n` lines.
```

```{glue:figure} nowhere
The caption of a figure no visible cell glues.
```
"""


def test_remove_cells_are_left_out_and_captions_follow_the_cell_that_draws_the_figure(tmp_path):
    page = _page(tmp_path, FIGURE_PAGE)
    cells = _cells(page, {"n": "3"})
    assert [(c.cell_type, c.source.splitlines()[0]) for c in cells] == [
        ("markdown", "# Title"),
        ("code", "# On Colab or Binder: install relu-vs-sigmoid from its repository."),
        ("code", "x = 3"),
        ("code", "import matplotlib.pyplot as plt"),
        ("markdown", "*Figure: Cost over 3 seeds (Nair and Hinton, 2010).*"),
        ("markdown", "Text after the figure."),
        ("code", "fig, ax = plt.subplots()"),
        ("markdown", "*Figure: The old-style figure, 3 lines.*"),
        ("markdown", "Between."),
        ("markdown", "## References"),
    ]
    assert cells[-2].source == "Between.\n\n*Figure: The caption of a figure no visible cell glues.*"
    assert cells[3].metadata == {"tags": ["hide-input"]}  # mystnb dropped, the rest kept
    assert not any('glue("n"' in c.source for c in cells)
    assert notebooks.figure_count(page) == 3


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("See {ref}`fig-x`.\n", "page.md: the role {ref}"),
        ("See {numref}`Figure %s <fig-x>`.\n", "page.md: the role {numref}"),
        ("```{note}\nHi\n```\n", "page.md: the directive {note}"),
        ("```{eval-rst}\n.. automodule:: x\n```\n", "page.md: the directive {eval-rst}"),
        (":::{note}\nHi\n:::\n", "page.md: the colon fence"),
        ("{glue:text}`missing:.2f`\n", "page.md: the glued key 'missing' has no value"),
        ("{glue:text}`other::key`\n", "pastes from another page"),
        ("{cite:p}`nobody2099`\n", "page.md: cites 'nobody2099'"),
        ("{doc}`nowhere`\n", "page.md: a link to 'nowhere', which is not a page"),
        ("```{toctree}\nnowhere\n```\n", "a link to 'nowhere'"),
        ("```python\nnever closed\n", "never closed"),
    ],
)
def test_what_cannot_be_converted_is_an_error_naming_it(tmp_path, body, message):
    page = _page(tmp_path, body)
    with pytest.raises(notebooks.ConversionError, match=re.escape(message)):
        notebooks.render(page, {})


def test_rendering_is_deterministic(tmp_path):
    page = _page(tmp_path, FIGURE_PAGE)
    assert notebooks.render(page, {"n": "3"}) == notebooks.render(page, {"n": "3"})
    assert [c.id for c in _cells(page, {"n": "3"})][:3] == ["cell-00", "cell-01", "cell-02"]


def test_a_page_without_code_is_no_notebook(tmp_path):
    _page(tmp_path, "# Code\n\n```{code-cell} ipython3\nprint(1)\n```\n")
    assert notebooks.notebook_pages(tmp_path) == [tmp_path / "page.md"]  # other.md has no kernelspec


# --- checking and writing ----------------------------------------------------------------------------------


def _glue_json(folder: Path, page: str, values: dict[str, str]) -> Path:
    folder.mkdir(exist_ok=True)
    records = {key: {"output_type": "display_data", "data": {"text/plain": v}} for key, v in values.items()}
    (folder / f"{page}.glue.json").write_text(json.dumps(records))
    return folder


def test_a_stale_missing_or_orphaned_notebook_is_reported(tmp_path):
    page = _page(tmp_path, FIGURE_PAGE)
    notebook = tmp_path / "page.ipynb"
    assert notebooks.problems(tmp_path) == [(notebook, "is missing")]

    notebook.write_text(notebooks.render(page, {"n": "3"}))
    assert notebooks.problems(tmp_path) == []

    page.write_text(page.read_text().replace("x = 3", "x = 4"))  # the page edited
    assert notebooks.problems(tmp_path) == [(notebook, "is stale: it differs from what page.md renders to")]

    page.write_text(page.read_text().replace("Between.", "Between {glue:text}`m`."))  # a new value
    [(_, reason)] = notebooks.problems(tmp_path)
    assert reason.startswith("cannot be rendered from its stored values") and "'m'" in reason

    page.write_text(page.read_text().replace("{glue:text}`m`", ""))
    notebook.write_text(notebooks.render(page, {"n": "3"}))
    (tmp_path / "old-name.ipynb").write_text(notebook.read_text())  # a page renamed
    assert notebooks.stale(tmp_path) == [tmp_path / "old-name.ipynb"]


def test_values_that_differ_from_the_build_are_reported_only_with_the_build(tmp_path):
    page = _page(tmp_path, FIGURE_PAGE)
    (tmp_path / "page.ipynb").write_text(notebooks.render(page, {"n": "3"}))
    glue = _glue_json(tmp_path / "glue", "page", {"n": "3", "old": "<Figure size 640x480 with 1 Axes>"})
    assert notebooks.problems(tmp_path, glue) == []
    _glue_json(glue, "page", {"n": "4"})
    assert notebooks.problems(tmp_path, glue) == [
        (tmp_path / "page.ipynb", "has n = '3' where the build has '4'")
    ]
    assert notebooks.problems(tmp_path) == []  # without the build, only text and code are compared


def test_the_command_line_checks_and_writes(tmp_path, monkeypatch, capsys):
    _page(tmp_path, FIGURE_PAGE)
    monkeypatch.setattr(notebooks, "DOCS", tmp_path)
    monkeypatch.setattr(notebooks, "ROOT", tmp_path.parent)
    glue = _glue_json(tmp_path / "glue", "page", {"n": "3"})
    name = f"{tmp_path.name}/page.ipynb"
    assert notebooks.main(["--check"]) == 1
    assert f"{name} is missing: run `nox -s notebooks`" in capsys.readouterr().err

    assert notebooks.main(["--glue", str(glue)]) == 0
    assert f"wrote {name}" in capsys.readouterr().out
    assert notebooks.main(["--check"]) == 0
    assert notebooks.main(["--check", "--glue", str(glue)]) == 0

    _glue_json(glue, "page", {"n": "5"})
    assert notebooks.main(["--check"]) == 0
    assert notebooks.main(["--check", "--glue", str(glue)]) == 1
    assert f"{name} has n = '3' where the build has '5': run `nox -s notebooks`" in capsys.readouterr().err
    assert notebooks.main(["--glue", str(glue)]) == 0
    assert notebooks.stored_values(tmp_path / "page.ipynb") == {"n": "5"}


def test_writing_needs_the_build_and_writes_nothing_when_a_value_is_missing(tmp_path, monkeypatch, capsys):
    _page(tmp_path, FIGURE_PAGE)
    monkeypatch.setattr(notebooks, "DOCS", tmp_path)
    monkeypatch.setattr(notebooks, "ROOT", tmp_path.parent)
    assert notebooks.main(["--glue", str(tmp_path / "nowhere")]) == 1
    assert "build the site first (`nox -s docs`)" in capsys.readouterr().err
    assert notebooks.main(["--glue", str(_glue_json(tmp_path / "glue", "other", {}))]) == 1
    assert "page.md: the glued key 'n' has no value" in capsys.readouterr().err
    assert not (tmp_path / "page.ipynb").exists()


# --- tests/pages/run_notebook.py ---------------------------------------------------------------------------


def test_the_notebook_runner_counts_figures_and_names_a_failing_cell(tmp_path, capsys):
    pytest.importorskip("nbclient")
    pytest.importorskip("matplotlib_inline")
    runner = _load("run_notebook", ROOT / "tests" / "pages" / "run_notebook.py")
    page = _page(tmp_path, FIGURE_PAGE)
    good = nbformat.v4.new_notebook(
        cells=[nbformat.v4.new_code_cell("import matplotlib.pyplot as plt\n\nplt.plot([1, 2])")]
    )
    good.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(good, tmp_path / "good.ipynb")
    assert runner.run(tmp_path / "good.ipynb", tmp_path / "out" / "good.ipynb", page, timeout=120) == 1
    assert "draws 1 PNG images, but the page shows 3 figures" in capsys.readouterr().err
    assert runner.png_images(nbformat.read(tmp_path / "out" / "good.ipynb", as_version=4)) == 1

    good.cells.append(nbformat.v4.new_code_cell("plt.plot([2, 1])\nplt.show()\nplt.plot([3, 1])"))
    nbformat.write(good, tmp_path / "good.ipynb")
    assert runner.run(tmp_path / "good.ipynb", tmp_path / "out" / "good.ipynb", page, timeout=120) == 0

    good.cells.insert(1, nbformat.v4.new_code_cell("print(ratio)", id="cell-01"))
    nbformat.write(good, tmp_path / "bad.ipynb")
    assert runner.run(tmp_path / "bad.ipynb", tmp_path / "out" / "bad.ipynb", page, timeout=120) == 1
    error = capsys.readouterr().err
    assert "page.md: its notebook bad.ipynb failed in cell 1 (cell-01: 'print(ratio)')" in error
    assert "NameError" in error
    assert (tmp_path / "out" / "bad.ipynb").is_file()


# --- tests/pages/run_page.py -------------------------------------------------------------------------------


def test_the_page_runner_runs_a_page_in_a_new_empty_folder(tmp_path, monkeypatch):
    """As the build runs docs/tensorboard.md, and as the notebooks run: what a page writes relative to
    its working folder (logs/) lands in a folder of its own, not in the repository it is run from."""
    import myst_nb

    runner = _load("run_page", ROOT / "tests" / "pages" / "run_page.py")
    monkeypatch.setattr(myst_nb, "glue", myst_nb.glue)  # the runner replaces it; put it back afterwards
    script = tmp_path / "page_logs.py"
    script.write_text(
        "import os\nfrom pathlib import Path\n\nfrom myst_nb import glue\n\n"
        "glue('empty', not any(Path().iterdir()), display=False)\nglue('cwd', os.getcwd(), display=False)\n"
        "(Path('logs') / 'xor_logs').mkdir(parents=True)\n"
    )
    monkeypatch.chdir(tmp_path)
    glued = runner.run(script)
    assert glued["empty"] == "True"
    assert not (tmp_path / "logs").exists()
    assert not Path(glued["cwd"].strip("'")).exists()  # removed once the page ran
