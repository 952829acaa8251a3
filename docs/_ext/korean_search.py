"""Search for the Korean site: Hangul words are indexed and looked up without their particles.

Sphinx has no Korean search language; with its English default, the index holds 기울기가 and
기울기는 as words of their own, and a search for 기울기 finds neither. ``html_search_language =
"ko"`` selects :class:`SearchKorean` (registered here), whose stemmer strips one trailing particle
(조사: 은/는, 이/가, 을/를, 의, 에서 …) from a Hangul word, and stems any other word as the English
search does (the Korean pages name ReLU, sigmoid and the API in English). The same stemmer,
written in JavaScript, is applied to the words of a query in the browser.

Stripping is by suffix alone, so a word that merely ends like a particle (평가) is shortened too, in
the index and in the query alike: a search still finds it.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import snowballstemmer
import sphinx.search
from sphinx.application import Sphinx
from sphinx.search import SearchLanguage

# Longest first, so that 에서는 goes before 는. A stem keeps at least one character.
_WORDS = """
은 는 이 가 을 를 의 에 와 과 도 만 로 으로 에서 에게 까지 부터 보다 처럼 마다 이나 이며 이고 이다
에는 에도 에서는 에서도 으로는 으로도 로는 로도 와는 과는 이라는 라는 이라고 라고 만큼 입니다
"""
PARTICLES = tuple(sorted(_WORDS.split(), key=len, reverse=True))
_HANGUL = re.compile("[\uac00-\ud7a3]")
_JS_DIR = Path(sphinx.search.__file__).parent / "minified-js"


def strip_particle(word: str) -> str:
    """``word`` without one trailing particle, if it is a Hangul word that has one:
    기울기가 → 기울기, 은닉층에서 → 은닉층, ReLU는 → ReLU, 소실 → 소실."""
    for particle in PARTICLES:
        if word.endswith(particle) and len(word) > len(particle):
            return word[: -len(particle)]
    return word


class SearchKorean(SearchLanguage):
    lang = "ko"
    language_name = "Korean"
    js_stemmer_code = (
        (_JS_DIR / "base-stemmer.js").read_text(encoding="utf-8")
        + "\n"
        + (_JS_DIR / "english-stemmer.js").read_text(encoding="utf-8")
        + """
var Stemmer = function () {
  const english = new EnglishStemmer();
  const particles = PARTICLES;
  const hangul = /[\\uac00-\\ud7a3]/;
  this.stemWord = function (word) {
    for (const particle of particles) {
      if (word.endsWith(particle) && word.length > particle.length) {
        word = word.slice(0, -particle.length);
        break;
      }
    }
    return hangul.test(word) ? word : english.stemWord(word);
  };
};
""".replace("PARTICLES", json.dumps(PARTICLES, ensure_ascii=False))
    )

    def __init__(self, options: dict[str, str]) -> None:
        super().__init__(options)
        self.english = snowballstemmer.stemmer("english")

    def stem(self, word: str) -> str:
        word = strip_particle(word.lower())
        return word if _HANGUL.search(word) else self.english.stemWord(word)


def setup(app: Sphinx) -> dict[str, Any]:
    sphinx.search.languages["ko"] = SearchKorean
    return {"parallel_read_safe": True, "parallel_write_safe": True}
