"""The site's figures in Korean: the same drawing, with its text translated.

The Korean pages show the figures of the English pages, drawn once from the same results
(the Korean site never trains a network again), with every title, axis label, legend entry
and annotation in Korean. :func:`translate_figure` rewrites the text of a finished figure in
place, from :data:`KOREAN`, the Korean form of every text that :mod:`relu_vs_sigmoid.plots`
writes, plus the page's own titles and labels (``extra``). It refuses to leave English behind:
a text with Latin letters that neither table covers, outside the names that stay as they are
(ReLU, tanh, ``layer1`` …), is an error naming it.

Hangul is drawn with a CJK font (Debian's ``fonts-noto-cjk``), after DejaVu Sans, matplotlib's
default, so that digits and the minus sign look as on the English figure.
"""

from __future__ import annotations

import itertools
import re
import warnings
from collections.abc import Mapping
from functools import cache

from matplotlib import font_manager
from matplotlib.figure import Figure
from matplotlib.text import Text
from matplotlib.ticker import FixedLocator

__all__ = ["KOREAN", "KOREAN_FONTS", "translate_figure", "korean_font"]

_OUTCOMES = {"solved": "해결", "dead layer": "죽은 층", "stuck": "정체", "diverged": "발산"}
_NAMES = {
    "sigmoid": "시그모이드",
    "relu": "ReLU",
    "leaky_relu": "Leaky ReLU",
    "elu": "ELU",
    "maxout": "Maxout",
    **_OUTCOMES,
}

KOREAN: tuple[tuple[str, str], ...] = (
    # activation_curves
    (r"pre-activation z", "활성화 함수의 입력 z"),
    (r"derivative dg/dz", "도함수 dg/dz"),
    (r"activation g\(z\)", "활성화 함수 g(z)"),
    # training_curves, outcome_curves
    (r"(?P<name>.+) \(median of (?P<n>\d+) seeds\)", "{name} (시드 {n}개의 중앙값)"),
    (r"(?P<name>.+): diverged \((?P<k>\d+) of (?P<n>\d+)\)", "{name}: 발산 ({n}개 중 {k}개)"),
    (r"cost: cross-entropy \(nats\)", "비용: 교차 엔트로피 (nat)"),
    (r"accuracy \(fraction of the 4 points\)", "정확도 (네 점 중 맞힌 비율)"),
    (r"accuracy \(of the 4 points\)", "정확도 (네 점 중 맞힌 비율)"),
    (r"gradient-descent step", "경사 하강법 스텝"),
    (r"(?P<name>solved|dead layer|stuck|diverged) \((?P<n>\d+)\)", "{name} ({n})"),
    # gradient_norms
    (r"layer \(input side → output side\)", "층 (입력 쪽 → 출력 쪽)"),
    (r"gradient norm ‖∂L/∂W‖ \(log scale\)", "기울기 노름 ‖∂L/∂W‖ (로그 눈금)"),
    # solved_heatmap, rate_by_depth, outcome_bars
    (r"depth \(hidden layers\)", "깊이 (은닉층 수)"),
    (r"fraction of seeds solved", "XOR 문제를 푼 시드의 비율"),
    (r"fraction of networks", "신경망의 비율"),
    (r"(?P<name>.+) \(estimate\)", "{name} (추정)"),
    (r"networks \(of (?P<n>\d+)\)", "신경망 ({n}개 중)"),
    # hidden_distances
    (r"layer", "층"),
    (r"distance between two inputs", "두 입력 사이의 거리"),
    (r"opposite labels", "레이블이 다른 쌍"),
    (r"same label", "레이블이 같은 쌍"),
    # decision_boundary
    (r"predicted P\(label 1\)", "예측 확률 P(레이블 1)"),
    (r"label (?P<n>[01])", "레이블 {n}"),
    (r"in", "입력"),  # hidden_distances: the input, before the first layer
    (r"out", "출력"),
    # scope_graph: the scopes and variables are the program's names, and stay
    (r"(?P<scope>\S+)  \((?P<n>\d+) ops?\)", "{scope}  (연산 {n}개)"),
    *((rf"{re.escape(english)}", korean) for english, korean in _NAMES.items()),
)
"""(pattern, Korean) pairs: a text that matches ``pattern`` in full becomes the Korean
template, ``str.format``-ed with the pattern's named groups, each translated in turn where it
is itself a text of the table (``sigmoid (median of 32 seeds)`` → ``시그모이드 (시드 32개의
중앙값)``). The Korean terms are those of the site's glossary (docs/ko/glossary.md)."""

_KEEP = re.compile(
    r"ReLU|Leaky|tanh|ELU|Maxout|ln|XOR|nats?|[A-Za-z]\d?"  # names and one-letter symbols: x1, z, P, H
    r"|layer\d+|last|Weight\d+|Bias\d+"  # the program's layer and variable names
)
_LATIN = re.compile(r"[A-Za-z]+\d*")
_MATH = re.compile(r"\$[^$]*\$")  # mathtext (tick labels such as $10^{-3}$) has no words

KOREAN_FONTS = (
    "Noto Sans CJK KR",  # Debian's and Ubuntu's fonts-noto-cjk
    "Noto Sans KR",
    "Noto Sans CJK JP",
    "NanumGothic",
    "Apple SD Gothic Neo",  # macOS
    "AppleGothic",
    "Malgun Gothic",  # Windows
)
"""The fonts that draw Hangul, in order of preference; the first one installed is used."""


@cache
def korean_font() -> str:
    """The family name of an installed font that draws Hangul: the first of :data:`KOREAN_FONTS`.

    Looks through matplotlib's font list, then through the system's font files (matplotlib's
    cached list predates fonts installed after it was written).

    Raises
    ------
    RuntimeError
        If no such font is installed, naming the package that provides one.
    """

    def installed() -> set[str]:
        return {entry.name for entry in font_manager.fontManager.ttflist}

    names = installed()
    if not names.intersection(KOREAN_FONTS):
        for path in font_manager.findSystemFonts():
            if re.search(r"(?i)noto.*cjk|notosanskr|nanum|malgun", path):
                font_manager.fontManager.addfont(path)
        names = installed()
    for name in KOREAN_FONTS:
        if name in names:
            return name
    raise RuntimeError(
        f"no font that draws Hangul is installed (looked for {', '.join(KOREAN_FONTS)}): on Debian or "
        "Ubuntu, `apt-get install fonts-noto-cjk`"
    )


def _translate(text: str, table: Mapping[str, str]) -> str | None:
    """``text`` in Korean, or None if neither ``table`` (exact texts) nor :data:`KOREAN` covers it."""
    if text in table:
        return table[text]
    for pattern, korean in KOREAN:
        match = re.fullmatch(pattern, text)
        if match:
            groups = {k: _translate(v, table) or v for k, v in match.groupdict().items()}
            return korean.format(**groups)
    return None


def _untranslated(text: str) -> bool:
    """Whether ``text`` still holds an English word (a Latin word that is not a kept name)."""
    return any(not _KEEP.fullmatch(word) for word in _LATIN.findall(_MATH.sub("", text)))


def _unclash_tick_labels(fig: Figure) -> None:
    """Turn an x axis' text tick labels upright where the Korean ones (wider than the English:
    입력, 출력) would touch each other."""
    fig.draw_without_rendering()  # lays out the translated labels, on any canvas (inline, Agg)
    for axes in fig.axes:
        labels = [t for t in axes.xaxis.get_majorticklabels() if t.get_visible() and t.get_text()]
        if any(t.get_rotation() for t in labels):
            continue  # turned already (gradient_norms' layer names)
        boxes = sorted((t.get_window_extent() for t in labels), key=lambda box: box.x0)
        if any(left.x1 + 2 > right.x0 for left, right in itertools.pairwise(boxes)):
            axes.xaxis.set_tick_params(labelrotation=90)


def translate_figure(fig: Figure, language: str = "ko", *, extra: Mapping[str, str] | None = None) -> Figure:
    """Translate every text of ``fig`` into Korean, in place, and draw Hangul with a CJK font.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        A finished figure, drawn by :mod:`relu_vs_sigmoid.plots` and the page's own code.
        Its English rendering, if it was shown already, is unchanged.
    language : str
        ``"ko"``, the only language besides English.
    extra : mapping of str to str, optional
        The Korean of texts that the page wrote itself (titles, legend labels), exactly as
        written: ``{"width 5": "폭 5"}``. Looked up before :data:`KOREAN`.

    Returns
    -------
    matplotlib.figure.Figure
        ``fig``, translated: titles, axis labels, legend entries, annotations, colour-bar labels
        and text tick labels, in the family (DejaVu Sans, :func:`korean_font`).

    Raises
    ------
    ValueError
        If ``language`` is not "ko", or if a text with English words is in neither ``extra``
        nor :data:`KOREAN` (the error lists them all), or if a glyph is missing after translation.
    RuntimeError
        If no Korean font is installed (:func:`korean_font`).
    TypeError
        If ``fig`` is not a matplotlib Figure.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> from relu_vs_sigmoid.plots import gradient_norms
    >>> ax = gradient_norms([1e-6, 1e-3, 1.0], label="sigmoid")
    >>> fig = translate_figure(ax.figure)
    >>> ax.get_xlabel(), ax.get_legend().get_texts()[0].get_text()
    ('층 (입력 쪽 → 출력 쪽)', '시그모이드')
    >>> plt.close(fig)
    """
    if language != "ko":
        raise ValueError(f"language must be 'ko' (the figures are drawn in English); got {language!r}")
    if not isinstance(fig, Figure):
        raise TypeError(f"fig must be a matplotlib Figure; got {type(fig).__name__}")
    table = dict(extra or {})
    family = ["DejaVu Sans", korean_font()]
    missing: list[str] = []

    def translated(text: str) -> str:
        if not _LATIN.search(_MATH.sub("", text)):
            return text
        korean = _translate(text, table)
        if korean is not None:
            return korean
        if _untranslated(text):
            missing.append(text)
        return text

    fig.draw_without_rendering()  # lay out the ticks, so that their labels exist (on any canvas)
    for axes in fig.axes:
        for axis in (axes.xaxis, axes.yaxis):
            # Text tick labels (set_xticks(x, labels)) live in the axis' formatter, which
            # rewrites the label texts at every draw: give it the Korean labels.
            if isinstance(axis.get_major_locator(), FixedLocator):
                labels = [label.get_text() for label in axis.get_majorticklabels()]
                korean = [translated(label) for label in labels]
                if korean != labels:
                    axis.set_ticklabels(korean)
        axes.tick_params(labelfontfamily=family)
    for artist in fig.findobj(Text):
        artist.set_text(translated(artist.get_text()))
        artist.set_fontfamily(family)
    if missing:
        listed = "; ".join(repr(text) for text in dict.fromkeys(missing))
        raise ValueError(f"these texts have no Korean (give them in extra): {listed}")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        _unclash_tick_labels(fig)  # its layout draws every translated text, in its final font
    glyphs = sorted({str(w.message) for w in caught if "missing from font" in str(w.message)})
    if glyphs:
        raise ValueError(f"the translated figure is missing glyphs: {'; '.join(glyphs)}")
    return fig
