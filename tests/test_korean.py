"""The Korean site's sources, checked without a build: the glossary and its banned variants, the
English term at each term's first use, the pages' twins and code cells, the Korean search's
stemmer and the Korean figures (relu_vs_sigmoid.translation). tests/pages/check_korean.py checks
the built site (`nox -s pages`)."""

from __future__ import annotations

import importlib.util
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
KOREAN = DOCS / "ko"
GLOSSARY = KOREAN / "glossary.md"
NOT_LECTURES = {"glossary", "references", "api"}  # pages of one language only, or none
HANGUL = "\uac00-\ud7a3"


def _load(name: str, path: Path):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


korean_search = _load("_korean_search", DOCS / "_ext" / "korean_search.py")
check_korean = _load("_check_korean", ROOT / "tests" / "pages" / "check_korean.py")


# --- the glossary -------------------------------------------------------------------------------------------


def glossary() -> list[tuple[str, list[str], list[str]]]:
    """(English, Korean terms, banned variants) of each row of docs/ko/glossary.md's table; a row may
    give two terms ("입력 / 출력") and a gloss in parentheses, which is not a term."""
    rows = []
    for line in GLOSSARY.read_text(encoding="utf-8").splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) != 3 or cells[0] in ("영어", "") or set(cells[0]) <= set("-"):
            continue
        english, korean, banned = cells
        terms = [re.sub(r"\s*\(.*\)$", "", term).strip() for term in korean.split(" / ")]
        rows.append((english, terms, [b.strip() for b in banned.split(",") if b.strip()]))
    return rows


BANNED = {variant: terms[0] for _, terms, variants in glossary() for variant in variants}


def banned_in(text: str) -> list[tuple[str, str]]:
    """(variant, the glossary's term) of each banned variant that ``text`` uses."""
    return [(variant, term) for variant, term in BANNED.items() if variant in text]


def test_the_glossary_is_a_table_of_the_sites_terms():
    rows = glossary()
    assert len(rows) >= 40
    terms = {term for _, ts, _ in rows for term in ts}
    for term in (
        "활성화 함수",
        "기울기 소실",
        "기울기",
        "역전파",
        "은닉층",
        "비용",
        "정확도",
        "시드",
        "학습률",
    ):
        assert term in terms
    assert {"죽은 유닛", "경사 하강법"} <= terms
    # one word per concept: no term is another row's banned variant
    assert not terms & set(BANNED)


def test_the_banned_variant_detector_finds_them():
    assert banned_in("그래디언트가 사라집니다") == [("그래디언트", "기울기")]
    assert ("네트워크", "신경망") in banned_in("깊은 네트워크")
    assert banned_in("기울기 소실(vanishing gradient)로 비용이 ln 2에 머뭅니다") == []


def _korean_sources() -> list[Path]:
    return sorted(p for p in KOREAN.glob("*.md") if p != GLOSSARY)


@pytest.mark.parametrize("page", _korean_sources(), ids=lambda p: p.name)
def test_no_korean_page_uses_a_banned_variant(page):
    assert banned_in(page.read_text(encoding="utf-8")) == [], f"use the glossary's terms ({GLOSSARY})"


def test_the_figures_and_notebooks_use_the_glossarys_terms():
    from relu_vs_sigmoid import translation

    notebooks = _load("_notebooks", DOCS / "_notebooks.py")
    texts = [korean for _, korean in translation.KOREAN] + [notebooks.INSTALL_CELL_KO]
    assert [found for text in texts for found in banned_in(text)] == []


# --- the English term at first use --------------------------------------------------------------------------

_CODE_CELL = re.compile(r"^```\{code-cell\}.*?^```\s*$", re.M | re.S)
_OPTION = re.compile(r"^\s*(?::[\w-]+:|alt:|name:|width:|---).*$", re.M)  # directive options, alt texts
_MARKUP = re.compile(r"\{[\w:+.-]+\}`[^`]*`|`[^`]*`|\$[^$]*\$|^#.*$", re.M)  # roles, code, math, headings
_PARTICLE_OR_VERB = (*korean_search.PARTICLES, "하", "한", "했", "해", "되", "된", "됩", "될", "시키")


def first_uses(markdown: str, terms: list[str]) -> dict[str, str]:
    """For each term of ``terms`` that the prose of ``markdown`` uses, the text right after its
    first use. A use is the term as a word (maybe with a particle or 하다/되다 after it, in italics
    or bold), outside code, math, headings and directive options, and not part of a longer term
    (기울기 in 기울기 소실)."""
    text = markdown
    for pattern in (_CODE_CELL, _OPTION, _MARKUP):  # blanked, so that positions stay the page's
        text = pattern.sub(lambda m: re.sub(r"\S", " ", m[0]), text)
    spans = []
    for term in terms:
        for match in re.finditer(rf"(?<![{HANGUL}]){re.escape(term)}", text):
            after = text[match.end() :].lstrip("*")
            if re.match(rf"[{HANGUL}]", after) and not after.startswith(_PARTICLE_OR_VERB):
                continue  # a longer word: 폭주 is not 폭
            spans.append((match.start(), match.end(), term, after))
    longer = [(s, e) for s, e, _, _ in spans]
    found: dict[str, str] = {}
    for start, end, term, after in sorted(spans):
        if any(s <= start and end <= e and (s, e) != (start, end) for s, e in longer):
            continue
        found.setdefault(term, after)
    return found


def test_the_first_use_detector():
    terms = ["기울기", "기울기 소실", "폭", "층", "은닉층"]
    uses = first_uses(
        "폭주하는 기울기 소실(vanishing gradient)이 은닉층에서 *기울기*(gradient)를 줄이고", terms
    )
    assert set(uses) == {"기울기 소실", "기울기", "은닉층"}
    assert uses["기울기"].startswith("(gradient)")
    assert first_uses("```{code-cell} ipython3\n# 층\n```\n# 층의 제목\n", terms) == {}


@pytest.mark.parametrize(
    "page", [p for p in _korean_sources() if p.stem not in NOT_LECTURES], ids=lambda p: p.name
)
def test_each_term_gives_its_english_at_first_use_on_each_page(page):
    rows = glossary()
    terms = [term for _, ts, _ in rows for term in ts]
    uses = first_uses(page.read_text(encoding="utf-8"), terms)
    missing = [f"{term}: {after[:30]!r}" for term, after in uses.items() if not re.match(r"\s?\(", after)]
    assert missing == [], "write the English term in parentheses at the first use, 기울기(gradient)"


# --- the pages: twins with the same code --------------------------------------------------------------------


def _lectures(folder: Path) -> set[str]:
    return {p.stem for p in folder.glob("*.md")} - NOT_LECTURES


def test_every_english_page_has_a_korean_twin_and_no_korean_page_lacks_an_english_one():
    assert _lectures(KOREAN) == _lectures(DOCS)
    assert set(check_korean.PAGES) == _lectures(DOCS)


@pytest.mark.parametrize("name", sorted(_lectures(KOREAN)))
def test_a_korean_page_holds_its_english_pages_code_cells_byte_for_byte(name):
    jupytext = pytest.importorskip("jupytext", reason="the docs group is installed by `nox -s tests`")

    def code(path: Path) -> list[str]:
        notebook = jupytext.read(path)
        return [cell.source for cell in notebook.cells if cell.cell_type == "code"]

    english, korean = code(DOCS / f"{name}.md"), code(KOREAN / f"{name}.md")
    assert korean == english  # so the Korean build can show the English execution (translated_pages)
    header = jupytext.read(KOREAN / f"{name}.md").metadata
    if english:
        assert header["kernelspec"] == jupytext.read(DOCS / f"{name}.md").metadata["kernelspec"]


def test_every_english_figure_cell_glues_a_korean_twin():
    for page in sorted(DOCS.glob("*.md")):
        text = page.read_text(encoding="utf-8")
        names = re.findall(r"^\s*name: (\S+)\s*$", "\n".join(m[0] for m in _CODE_CELL.finditer(text)), re.M)
        for name in names:
            assert f'glue("{name}-ko", translate_figure(' in text, f"{page.name}: {name}"


# --- Korean search ------------------------------------------------------------------------------------------

WORDS = {
    "기울기가": "기울기",
    "기울기는": "기울기",
    "기울기": "기울기",
    "소실": "소실",
    "은닉층에서는": "은닉층",
    "신경망으로": "신경망",
    "시드마다": "시드",
    "가": "가",  # a stem keeps a character
    "ReLU는": "ReLU",
}


@pytest.mark.parametrize(("word", "stem"), WORDS.items())
def test_the_korean_stemmer_strips_one_particle(word, stem):
    assert korean_search.strip_particle(word) == stem


def test_the_index_and_the_query_stem_alike():
    """The browser's stemmer (JavaScript, in the page's language_data.js) gives the Python one's stems."""
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed")
    words = [*WORDS, "gradients", "vanishing", "활성화"]
    stem = "(w) => s.stemWord(w.toLowerCase())"
    script = korean_search.SearchKorean.js_stemmer_code + (
        f"\nconst s = new Stemmer();\nconsole.log(JSON.stringify({json.dumps(words)}.map({stem})));"
    )
    out = subprocess.run([node, "-e", script], capture_output=True, text=True, check=True).stdout
    python = korean_search.SearchKorean({})
    assert json.loads(out) == [python.stem(word) for word in words]


# --- the Korean figures -------------------------------------------------------------------------------------


def test_every_korean_figure_text_is_korean():
    from relu_vs_sigmoid import translation

    for pattern, korean in translation.KOREAN:
        assert re.search(f"[{HANGUL}]", korean) or korean in (
            "ReLU",
            "Leaky ReLU",
            "ELU",
            "Maxout",
            "{name} ({n})",
            "{scope}  (연산 {n}개)",
        ), pattern


def test_translate_figure_translates_text_tick_labels():
    pd = pytest.importorskip("pandas")
    plt = pytest.importorskip("matplotlib.pyplot")
    from relu_vs_sigmoid.plots import outcome_bars, solved_heatmap
    from relu_vs_sigmoid.translation import translate_figure

    table = pd.DataFrame(
        {"activation": ["sigmoid", "relu", "relu"], "outcome": ["stuck", "solved", "dead layer"]}
    )
    ax = translate_figure(outcome_bars(table).figure).axes[0]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["시그모이드", "ReLU"]
    assert {t.get_text() for t in ax.get_legend().get_texts()} == {"해결", "죽은 층", "정체"}
    assert ax.get_ylabel() == "신경망 (2개 중)"
    plt.close(ax.figure)
    rates = pd.DataFrame(
        {
            "activation": ["sigmoid", "tanh"],
            "depth": [1, 1],
            "n": [4, 4],
            "count": [1, 4],
            "rate": [0.25, 1.0],
        }
    )
    ax = translate_figure(solved_heatmap(rates).figure).axes[0]
    ax.figure.canvas.draw()
    assert [t.get_text() for t in ax.get_yticklabels()] == ["시그모이드", "tanh"]
    assert ax.get_xlabel() == "깊이 (은닉층 수)"
    plt.close(ax.figure)


def test_translate_figure_names_what_it_cannot_translate():
    plt = pytest.importorskip("matplotlib.pyplot")
    from relu_vs_sigmoid.translation import translate_figure

    fig, ax = plt.subplots()
    ax.set_title("an English title")
    ax.set_xlabel("layer")
    with pytest.raises(ValueError, match="'an English title'"):
        translate_figure(fig)
    assert (
        translate_figure(fig, extra={"an English title": "한국어 제목"}).axes[0].get_title() == "한국어 제목"
    )
    assert ax.get_xlabel() == "층"
    with pytest.raises(ValueError, match="language must be 'ko'"):
        translate_figure(fig, "fr")
    with pytest.raises(TypeError, match="fig must be a matplotlib Figure"):
        translate_figure(ax)
    plt.close(fig)


# --- the built-site check, on made-up pages -----------------------------------------------------------------


def _site(tmp_path: Path, korean_html: str, english_p: str = "An English paragraph.") -> Path:
    build = tmp_path / "_build"
    (build / "html" / "ko").mkdir(parents=True)
    (build / "html" / "relu.html").write_text(
        '<html lang="en"><head><link rel="alternate" hreflang="ko" href="x"></head><body>'
        '<a href="ko/relu.html" hreflang="ko">한국어</a>'
        f'<article class="bd-article"><h1>ReLU</h1><p>{english_p}</p></article></body></html>'
    )
    (build / "html" / "ko" / "relu.html").write_text(korean_html)
    for folder, value in (("jupyter_execute", "14"), ("ko/jupyter_execute", "14")):
        (build / folder).mkdir(parents=True)
        (build / folder / "relu.glue.json").write_text(
            json.dumps({"n_solved": {"data": {"text/plain": value}}})
        )
    return build


GOOD = (
    '<html lang="ko"><head><link rel="alternate" hreflang="ko" href="x"></head><body>'
    '<a href="../relu.html" hreflang="en">English</a>'
    '<article class="bd-article"><h1>ReLU로 바꾸기</h1><p>시드 32개 중 14개를 풉니다.</p></article>'
    "</body></html>"
)


def test_the_site_check_passes_a_korean_page_and_names_each_fault(tmp_path):
    assert check_korean.check_page(_site(tmp_path / "a", GOOD), "relu") == []
    english = check_korean.check_page(
        _site(tmp_path / "b", GOOD, english_p="시드 32개 중 14개를 풉니다."), "relu"
    )
    assert english == ["ko/relu.html: a p identical to the English page's: '시드 32개 중 14개를 풉니다.'"]
    bad = (
        GOOD.replace('lang="ko"', 'lang="en"')
        .replace("<p>시드", "<p>Seeds: 시드")
        .replace("ReLU로 바꾸기", "ReLU")
    )
    problems = check_korean.check_page(_site(tmp_path / "c", bad), "relu")
    assert 'ko/relu.html has no <html lang="ko">' in problems
    assert "ko/relu.html: a h1 without Hangul: 'ReLU'" in problems
    build = _site(tmp_path / "d", GOOD)
    (build / "ko/jupyter_execute/relu.glue.json").write_text(
        json.dumps({"n_solved": {"data": {"text/plain": "'14 of 32'"}}})
    )
    problems = check_korean.check_page(build, "relu")
    assert any("the glued 'n_solved'" in p for p in problems)
    assert any("English words" in p for p in problems)


def test_korean_tick_labels_that_would_touch_are_turned_upright():
    plt = pytest.importorskip("matplotlib.pyplot")
    from relu_vs_sigmoid.translation import translate_figure

    fig, ax = plt.subplots(figsize=(3, 2))
    ax.set_xticks(range(12), ["in", *map(str, range(1, 11)), "out"])
    translate_figure(fig)
    assert ax.get_xticklabels()[-1].get_text() == "출력"
    assert ax.get_xticklabels()[0].get_rotation() == 90
    fig, ax = plt.subplots(figsize=(6, 2))
    ax.set_xticks(range(3), ["in", "1", "out"])
    translate_figure(fig)
    assert ax.get_xticklabels()[0].get_rotation() == 0  # room enough: as drawn
    plt.close("all")


# --- the Korean build shows the English execution (docs/_ext/translated_pages.py) ---------------------------


def _notebook(cells, outputs=None):
    nbformat = pytest.importorskip("nbformat")
    notebook = nbformat.v4.new_notebook()
    for number, (source, figure) in enumerate(cells):
        cell = nbformat.v4.new_code_cell(source)
        if figure:
            cell.metadata["mystnb"] = {"figure": {"name": figure}}
        if outputs is not None:
            cell.outputs = [nbformat.from_dict(o) for o in outputs[number]]
        notebook.cells.append(cell)
    return notebook


def test_a_korean_page_gets_the_english_outputs_and_the_korean_figure(tmp_path):
    pytest.importorskip("myst_nb")
    nbformat = pytest.importorskip("nbformat")
    translated = _load("_translated_pages", DOCS / "_ext" / "translated_pages.py")
    shown = {
        "output_type": "display_data",
        "data": {"image/png": "ENGLISH", "text/plain": "<Figure>"},
        "metadata": {},
    }
    printed = {"output_type": "stream", "name": "stdout", "text": "solved: 14 of 32 seeds\n"}
    executed = tmp_path / "relu.ipynb"
    nbformat.write(_notebook([("print(1)", None), ("plot()", "fig-x")], [[printed], [shown]]), executed)
    glue = {"fig-x-ko": {"data": {"image/png": "KOREAN"}}, "n": {"data": {"text/plain": "14"}}}
    (tmp_path / "relu.glue.json").write_text(json.dumps(glue))
    korean = _notebook([("print(1)", None), ("plot()", "fig-x")])
    assert translated.english_outputs(korean, executed) is None
    assert korean.cells[0].outputs[0]["text"] == "solved: 14 of 32 seeds\n"
    assert korean.cells[1].outputs[0]["data"]["image/png"] == "KOREAN"
    records = [o for o in korean.cells[1].outputs if "scrapbook" in o.get("metadata", {})]
    assert [o["metadata"]["scrapbook"]["name"] for o in records] == ["fig-x-ko", "n"]

    changed = _notebook([("print(2)", None), ("plot()", "fig-x")])
    problem = translated.english_outputs(changed, executed)
    assert "its code cell 1 differs from the English page's" in problem
    assert "translated_pages.py relu" in problem
    assert changed.cells[0].outputs == []  # nothing half-copied
    assert "was not executed" in translated.english_outputs(changed, tmp_path / "missing.ipynb")
    (tmp_path / "relu.glue.json").write_text(json.dumps({}))
    assert "glues no Korean twin" in translated.english_outputs(
        _notebook([("print(1)", None), ("plot()", "fig-x")]), executed
    )


def test_copying_code_cells_keeps_the_korean_captions():
    translated = _load("_translated_pages", DOCS / "_ext" / "translated_pages.py")
    english = (
        "```{code-cell} ipython3\n---\nmystnb:\n  figure:\n    caption: English\n---\nplot(2)\n```\n\nText.\n"
    )
    korean = (
        "```{code-cell} ipython3\n---\nmystnb:\n  figure:\n    caption: 한국어\n---\nplot(1)\n```\n\n글.\n"
    )
    assert translated.copy_code_cells(english, korean) == korean.replace("plot(1)", "plot(2)")
    tagged = "```{code-cell} ipython3\n:tags: [remove-cell]\n\nglue(1)\n```\n"
    assert translated.copy_code_cells(tagged.replace("1", "2"), tagged) == tagged.replace(
        "glue(1)", "glue(2)"
    )
    with pytest.raises(ValueError, match="the Korean page has 1 code cells and the English page 2"):
        translated.copy_code_cells(tagged + tagged, tagged)


def test_the_search_summary_gets_its_korean():
    summary = "Search finished, found one page matching the search query."
    messages = json.dumps({"locale": "ko", "messages": {summary: [""], "Go": "이동"}, "plural_expr": "0"})
    catalog = f"Documentation.addTranslations({messages});"
    completed = korean_search.search_messages(catalog)
    assert completed.startswith("Documentation.addTranslations({") and completed.endswith("});")
    data = json.loads(completed[completed.index("{") : completed.rindex("}") + 1])
    assert data["messages"]["Search finished, found one page matching the search query."] == [
        "검색을 마쳤습니다. 검색어와 일치하는 페이지를 ${resultCount}개 찾았습니다."
    ]
    assert data["messages"]["Go"] == "이동"
