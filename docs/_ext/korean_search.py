"""Search for the Korean site: Hangul words are indexed and looked up without their particles.

Sphinx has no Korean search language; with its English default, the index holds 기울기가 and
기울기는 as words of their own, and a search for 기울기 finds neither. ``html_search_language =
"ko"`` selects :class:`SearchKorean` (registered here), whose stemmer strips one trailing particle
(조사: 은/는, 이/가, 을/를, 의, 에서 …) from a Hangul word, and stems any other word as the English
search does (the Korean pages name ReLU, sigmoid and the API in English). The same stemmer,
written in JavaScript, is applied to the words of a query in the browser.

Sphinx's Korean messages for the search page leave its summary ("found N pages") empty; this
extension fills it in (:data:`SEARCH_SUMMARY`).

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


# Sphinx's Korean catalog translates the search summary "found N pages" as "" (so in Sphinx 9.0):
# the search page would list its hits under an empty summary.
SEARCH_SUMMARY = {
    "Search finished, found one page matching the search query.": [
        "검색을 마쳤습니다. 검색어와 일치하는 페이지를 ${resultCount}개 찾았습니다."
    ],
}


def search_messages(catalog: str) -> str:
    """Sphinx's ``sphinx.js`` message catalog (``Documentation.addTranslations({...});``) with the
    search summary's translation filled in where it is empty."""
    start, end = catalog.index("{"), catalog.rindex("}") + 1
    data = json.loads(catalog[start:end])
    for message, korean in SEARCH_SUMMARY.items():
        if not any(data["messages"].get(message) or [""]):
            data["messages"][message] = korean
    return f"{catalog[:start]}{json.dumps(data, ensure_ascii=False, indent=4)}{catalog[end:]}"


def _messages(app: Sphinx, config) -> None:
    """config-inited: put the completed catalog first among the build's locale folders, where
    Sphinx looks for ``<language>/LC_MESSAGES/sphinx.js`` (an absolute folder: Sphinx reads it
    relative to the working folder)."""
    if config.language != "ko":
        return
    source = Path(sphinx.__file__).parent / "locale" / "ko" / "LC_MESSAGES" / "sphinx.js"
    folder = Path(app.outdir).parent / "locale"
    target = folder / "ko" / "LC_MESSAGES" / "sphinx.js"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(search_messages(source.read_text(encoding="utf-8")), encoding="utf-8")
    config.locale_dirs = [str(folder), *config.locale_dirs]


def setup(app: Sphinx) -> dict[str, Any]:
    sphinx.search.languages["ko"] = SearchKorean
    app.connect("config-inited", _messages)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
