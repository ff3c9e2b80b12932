"""Word forms: the Snowball stem of each word, and the searchable text of a release.

A word's stemmer is told by its script: Cyrillic words are Russian, others English. That is
the release's language for its own words, and it also stems the Russian sentences quoted in
English pages and the Latin names and acronyms in Russian ones; a query is stemmed the same
way, word by word, so both sides always agree.

FTS5 cannot call a Python tokenizer, so a release's stems are written out as text (one stem
a word, in the order of the words) and indexed in columns of their own beside the words as
written (see docs/design.md).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from functools import lru_cache

from cstonews.text import WordFinder, fold_lookalikes

# The full-text index: the words as written, then their stems. Column numbers matter to
# bm25's weights (ranking.py) and to FTS5's column filters (query.py).
FTS_COLUMNS = ("title", "body", "title_stem", "body_stem")
EXACT_COLUMNS = "{title body}"
STEM_COLUMNS = "{title_stem body_stem}"
FTS_TABLE = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS fts USING fts5("
    + ", ".join(FTS_COLUMNS)
    + ', tokenize="unicode61 remove_diacritics 2")'
)

# A word as FTS5's unicode61 tokenizer sees one: letters and digits.
WORD = re.compile(r"[^\W_]+")
_WORDS = WordFinder(WORD.pattern)
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_CACHE_MAX = 400_000  # distinct words an index of 100,000 pages holds, with room to spare


@lru_cache(maxsize=2)
def _stemmer(language: str) -> Callable[[str], str]:
    """The Snowball stemmer of `language`: PyStemmer's C one, else the pure-Python one."""
    try:
        import Stemmer

        return Stemmer.Stemmer(language).stemWord
    except ImportError:
        import snowballstemmer

        return snowballstemmer.stemmer(language).stemWord


_stems: dict[str, str] = {}


def _new_stem(word: str) -> str:
    if word.isdigit():
        return word
    stem = _stemmer("russian" if _CYRILLIC.search(word) else "english")(word) or word
    if len(_stems) >= _CACHE_MAX:
        _stems.clear()
    _stems[word] = stem
    return stem


def stem(word: str) -> str:
    """The stem of one word in lower case (`meetings` -> `meet`, `учениях` -> `учен`)."""
    return _stems.get(word) or _new_stem(word)


def words(text: str) -> list[str]:
    """The words of `text` in lower case, look-alike letters folded, as the index has them."""
    return _WORDS.findall(fold_lookalikes(text).lower())


def stemmed(text: str) -> str:
    """`text` as its stems, one a word, in order: the text of a stem column."""
    get = _stems.get
    return " ".join([get(w) or _new_stem(w) for w in words(text)])


def search_texts(title: str, body: str) -> tuple[bytes, bytes, bytes, bytes]:
    """What the full-text index holds of a release, column by column (FTS_COLUMNS), in
    UTF-8: its title and body as written (look-alike letters folded), and their stems."""
    title, body = fold_lookalikes(title), fold_lookalikes(body)
    return title.encode(), body.encode(), stemmed(title).encode(), stemmed(body).encode()


def plain(word: str) -> str:
    """A word as the index compares words as written: case folded, accents taken off
    Latin letters (FTS5's `remove_diacritics`), Cyrillic letters left whole (`й`, `ё`)."""
    word = word.lower()
    if word.isascii():
        return word
    out: list[str] = []
    for ch in unicodedata.normalize("NFD", word):
        if unicodedata.combining(ch) and out and out[-1] < "\u0250":
            continue  # a mark on a Latin letter
        out.append(ch)
    return unicodedata.normalize("NFC", "".join(out))
