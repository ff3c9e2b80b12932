"""Small pure helpers on strings: whitespace, look-alike letters, slugs, inert text."""

from __future__ import annotations

import re

try:  # the interpreter's own SHA-1: hashlib's loads OpenSSL, which every command would pay for
    from _sha1 import sha1 as _sha1
except ImportError:  # an interpreter built without it
    from hashlib import sha1 as _sha1


def sha1_hex(s: str) -> str:
    """The SHA-1 of `s` (UTF-8) in hex: names that stay the same across runs and machines.
    A path's bytes that are not UTF-8 count as they are (surrogate escapes)."""
    return _sha1(s.encode("utf-8", "surrogateescape")).hexdigest()


# \s in a str pattern already covers U+00A0 and the other Unicode spaces; zero-width
# characters are not spaces to `re`, so they are listed explicitly.
_SPACES = re.compile(r"[\s\u200b\u2060\ufeff]+")


class WordFinder:
    """`pattern.findall(text)` for a pattern of one character class repeated (`\\w+`,
    `[^\\W_]+`), with the same result, quicker on text that is ASCII once the usual
    non-ASCII punctuation is set aside (most of an English page): there the class's
    complement turns into spaces with one table look-up per byte and `split` finds the runs.
    """

    _PUNCTUATION = (
        "\u201c\u201d\u2018\u2019\u00ab\u00bb\u2013\u2014\u2026\u00a0"  # “”‘’«»–—… and no-break space
    )

    def __init__(self, pattern: str) -> None:
        self.pattern = re.compile(pattern)
        self.table = bytes(i if self.pattern.fullmatch(chr(i)) else 32 for i in range(128)) + bytes(
            range(128, 256)
        )
        assert not any(self.pattern.fullmatch(c) for c in self._PUNCTUATION)

    def findall(self, text: str) -> list[str]:
        if not text.isascii():
            text = self._spaced(text)
            if not text.isascii():
                return self.pattern.findall(text)
        return text.encode().translate(self.table).decode().split()

    def joined(self, text: str) -> str:
        """`" ".join(self.findall(text))`, without a string for each word where it is ASCII."""
        if not text.isascii():
            text = self._spaced(text)
            if not text.isascii():
                return " ".join(self.pattern.findall(text))
        return b" ".join(text.encode().translate(self.table).split()).decode()

    def _spaced(self, text: str) -> str:
        for c in self._PUNCTUATION:
            if c in text:
                text = text.replace(c, " ")
        return text


_Trie = dict[str, "_Trie"]


def alternation(words: list[str] | tuple[str, ...]) -> str:
    """A regex matching any of `words` (the longest where several start at one place),
    written as a trie: `re` then tries one branch per character, not one per word, which
    made the country and role scans nearly twice as fast."""
    tree: _Trie = {}
    for w in words:
        node = tree
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = {}

    def emit(node: _Trie) -> str:
        alts = [re.escape(ch) + emit(sub) for ch, sub in sorted(node.items()) if ch]
        if not alts:
            return ""
        body = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
        if "" in node:  # a word ends here, and longer ones go on: greedy, so longest wins
            return body + "?" if len(alts) == 1 and len(body) == 1 else f"(?:{body})?"
        return body

    return emit(tree)


def _has_zero_width(s: str) -> bool:
    return "\u200b" in s or "\u2060" in s or "\ufeff" in s


def squash(s: str) -> str:
    """Collapse every run of whitespace (NBSP included) to one space and trim."""
    # str.split() knows every Unicode space and runs in C; the zero-width ones are rare.
    if _has_zero_width(s):
        return _SPACES.sub(" ", s).strip()
    return " ".join(s.split())


def squash_lines(lines: list[str], whole: str) -> list[str]:
    """`squash` of each of the lines of `whole`, its check for zero-width spaces made
    once on `whole` rather than on every line."""
    if _has_zero_width(whole):
        return [squash(ln) for ln in lines]
    # Every whitespace character but the space is unprintable, so a printable line without
    # a double space or a space at either end is squashed already: most are, and checking
    # costs less than splitting it into words.
    return [
        ln
        if ln.isprintable() and "  " not in ln and ln[:1] != " " and ln[-1:] != " "
        else " ".join(ln.split())
        for ln in lines
    ]


# Cyrillic letters that pages use in place of the Latin ones they look like
# (`СRRF` with a Cyrillic С, the Roman numeral `ХХ`). Folded only inside words that also
# hold Latin letters, or are all look-alikes in upper case, so Russian text stays Russian.
_LOOKALIKE = str.maketrans(
    "АВСЕНІЈКМОРЅТХУаеіјорсухѕ",
    "ABCEHIJKMOPSTXYaeijopcyxs",
)
_LOOKALIKE_CHARS = "АВСЕНІЈКМОРЅТХУаеіјорсухѕ"
_MIXED_WORD = re.compile(r"\w+")
_LATIN = re.compile(r"[A-Za-z]")
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_ROMAN_LOOKALIKE = re.compile(r"^[ХІVМСLD]+$")  # Cyrillic Х, І, М, С among Latin V, L, D


def _fold_word(m: re.Match[str]) -> str:
    w = m.group(0)
    if not _CYRILLIC.search(w):
        return w
    if _LATIN.search(w) or _ROMAN_LOOKALIKE.match(w):
        return w.translate(_LOOKALIKE)
    return w


def fold_lookalikes(s: str) -> str:
    """Replace Cyrillic look-alike letters inside Latin words with the Latin letters."""
    if not has_cyrillic(s):
        return s
    return _MIXED_WORD.sub(_fold_word, s)


def has_cyrillic(s: str) -> bool:
    # An ASCII string says so without being read (CPython keeps the flag).
    return not s.isascii() and _CYRILLIC.search(s) is not None


def is_mostly_cyrillic(s: str) -> bool:
    if not has_cyrillic(s):  # the common case, settled by one scan in C
        return False
    cyr = len(_CYRILLIC.findall(s))
    lat = len(_LATIN.findall(s))
    return cyr > lat


_TRANSLIT = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e", "ж": "zh",
    "з": "z", "и": "i", "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o",
    "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts",
    "ч": "ch", "ш": "sh", "щ": "shch", "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "yu",
    "я": "ya", "і": "i", "ї": "i", "є": "e", "ў": "u", "қ": "k", "ғ": "g", "ң": "n",
    "ү": "u", "ұ": "u", "ө": "o", "һ": "h", "ә": "a",
}  # fmt: skip
_TRANSLIT_TABLE = str.maketrans(_TRANSLIT)


def transliterate(s: str) -> str:
    """Lower-case Cyrillic letters of `s` in Latin ones, by the table above."""
    return s.translate(_TRANSLIT_TABLE)


_SLUG_WORD = re.compile(r"[a-z0-9]+")


def slugify(s: str, max_words: int = 6, max_len: int = 50, cyrillic: bool = True) -> str:
    """A short readable ASCII slug: the first words of `s`, transliterated, hyphenated.
    `cyrillic=False` says that `s` holds no Cyrillic letter (checked already)."""
    head = s[:300]  # six words never need more than the start
    if cyrillic and _CYRILLIC.search(head):
        ascii_text = fold_lookalikes(head).lower().translate(_TRANSLIT_TABLE)
    else:  # nothing to transliterate: translate() would look up every character in vain
        ascii_text = head.lower()
    out: list[str] = []
    length = 0
    for m in _SLUG_WORD.finditer(ascii_text):  # words found one by one: six are needed
        w = m.group()
        if len(out) == max_words or (out and length + 1 + len(w) > max_len):
            break
        out.append(w[:max_len])
        length += len(w) + (1 if len(out) > 1 else 0)
    return "-".join(out) or "untitled"


# Control characters that a terminal would act on: C0 (except tab and newline), DEL, C1,
# and the bidirectional overrides and isolates that reorder what is displayed.
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def inert(s: str) -> str:
    """Text safe to print: control and bidi-override characters removed."""
    return _CONTROLS.sub("", s)


def content_words(s: str) -> set[str]:
    """Lower-cased word stems (first five letters) of the words of four letters or more."""
    return set(_STEMS.findall(fold_lookalikes(s).lower()))


_STEMS = re.compile(r"(\w{4}\w?)\w*")  # the first five letters of a word of four or more


def _is_word_char(c: str) -> bool:
    return c.isalnum() or c == "_"  # what `\w` matches


def shared_stems(stems: set[str], s: str) -> int:
    """`len(stems & content_words(s))`, by looking for each stem in `s` rather than listing
    every word of a long text: a stem of five letters starts a word, one of four is one."""
    low = fold_lookalikes(s).lower()
    n = 0
    for stem in stems:
        at = low.find(stem)
        while at >= 0:
            end = at + len(stem)
            if (at == 0 or not _is_word_char(low[at - 1])) and (
                len(stem) == 5 or end == len(low) or not _is_word_char(low[end])
            ):
                n += 1
                break
            at = low.find(stem, at + 1)
    return n


# Words too common in the releases to say what one is about.
_STOP = frozenset(
    [
        "that",
        "this",
        "with",
        "from",
        "have",
        "were",
        "which",
        "their",
        "there",
        "been",
        "also",
        "will",
        "would",
        "about",
        "other",
        "into",
        "than",
        "them",
        "they",
        "these",
        "those",
        "such",
        "only",
        "over",
        "more",
        "most",
        "very",
        "upon",
        "under",
        "within",
        "between",
        "during",
        "after",
        "before",
        "while",
        "where",
        "when",
        "what",
        "said",
        "says",
        "held",
        "took",
        "part",
        "csto",
        "collective",
        "security",
        "treaty",
        "organization",
        "organisation",
        "member",
        "states",
        "state",
        "secretary",
        "general",
        "одкб",
        "которые",
        "также",
        "этого",
        "было",
        "были",
        "будет",
        "после",
        "между",
    ]
)


def content_terms(s: str) -> list[str]:
    """The distinct words of `s` worth a full-text query: four letters or more, no digits,
    not among the commonest, in order of first use."""
    words = re.findall(r"[^\W\d_]{4,}", fold_lookalikes(s).lower())
    return list(dict.fromkeys(w for w in words if w not in _STOP))
