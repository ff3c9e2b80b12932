"""The search language: translated to FTS5, or refused with a plain message."""

from __future__ import annotations

import pytest

from cstonews.errors import QueryError
from cstonews.query import keyword_fts, to_fts


@pytest.mark.parametrize(
    ("query", "fts"),
    [
        ("Moscow", '"Moscow"'),
        ('"arms control" AND Moscow', '"arms control" AND "Moscow"'),
        ("arms control", '"arms" AND "control"'),
        ("terror* NOT Syria", '"terror"* NOT "Syria"'),
        ("(Armenia OR Belarus) summit", '( "Armenia" OR "Belarus" ) AND "summit"'),
        ("Al-Qaida", '"Al-Qaida"'),
        ("СRRF", '"CRRF"'),  # a Cyrillic С folded to Latin
        ("and or", '"and" AND "or"'),  # lower-case words are words
    ],
)
def test_translation(query: str, fts: str) -> None:
    assert to_fts(query) == fts


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ('"arms control', "unclosed quote"),
        ("Moscow AND", "AND needs a term after it"),
        ("OR Moscow", "OR needs a term before it"),
        ("NOT Moscow", "NOT needs a term before it"),
        ("Moscow AND OR Minsk", "OR needs a term before it"),
        ("(Moscow", "without a matching ')'"),
        ("Moscow)", "without a matching '('"),
        ("()", "missing before ')'"),
        ("", "empty"),
        ("  ", "empty"),
        ("- +", "no words"),
    ],
)
def test_malformed_queries(query: str, message: str) -> None:
    with pytest.raises(QueryError, match=message.replace("(", r"\(").replace(")", r"\)")):
        to_fts(query)


def test_keywords_are_whole_words_and_all_required() -> None:
    assert keyword_fts(["Afghanistan", "drug trafficking"]) == '"Afghanistan" AND "drug trafficking"'
    assert keyword_fts(['say "hi"']) == '"say ""hi"""'
