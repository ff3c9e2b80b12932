"""Where the words a search asks for fall in a text, for the browser to highlight them.

The search language is that of `search` (cstonews.query): words, "phrases", prefix*,
AND / OR / NOT and parentheses. Every word asked for is marked, except those after NOT,
which a match does not contain; a prefix marks every word it starts.
"""

from __future__ import annotations

import re

from cstonews.text import fold_lookalikes

_TOKEN = re.compile(r'"([^"]*)"?(\*?)|([()])|([^\s()"]+)')
_OPERATORS = {"AND", "OR"}
_WORD = re.compile(r"\w+")


def query_terms(query: str) -> list[tuple[str, bool]]:
    """The words a query asks for, each with whether it is a prefix, in query order."""
    terms: list[tuple[str, bool]] = []
    depth = 0
    not_at: int | None = None  # the depth a pending or open NOT applies at
    for m in _TOKEN.finditer(fold_lookalikes(query)):
        phrase, star, paren, word = m.groups()
        if paren == "(":
            depth += 1
            continue
        if paren == ")":
            depth -= 1
            if not_at is not None and depth <= not_at:
                not_at = None
            continue
        if word == "NOT":
            not_at = depth
            continue
        if word in _OPERATORS:
            continue
        text = phrase if phrase is not None else word
        prefix = bool(star) if phrase is not None else text.endswith("*")
        words = _WORD.findall(text.rstrip("*"))
        if not_at is None:
            for n, w in enumerate(words):
                terms.append((w.casefold(), prefix and n == len(words) - 1))
        elif not_at == depth:
            not_at = None  # NOT applies to this one term
    return list(dict.fromkeys(terms))


def marked_spans(text: str, terms: list[tuple[str, bool]]) -> list[tuple[int, int]]:
    """(start, end) of every word of `text` a term matches, in order, not overlapping."""
    if not terms:
        return []
    exact = {t for t, prefix in terms if not prefix}
    prefixes = tuple(t for t, prefix in terms if prefix)
    spans = []
    # Look-alike folding maps one character to one, so offsets stay those of `text`.
    for m in _WORD.finditer(fold_lookalikes(text)):
        w = m.group().casefold()
        if w in exact or (prefixes and w.startswith(prefixes)):
            spans.append(m.span())
    return spans
