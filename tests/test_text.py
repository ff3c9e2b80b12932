"""The small string helpers: word finding agrees with the pattern it stands for."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cstonews.text import WordFinder

# Letters, digits and marks of the pages' scripts, ASCII punctuation and controls, and the
# non-ASCII punctuation the finder sets aside, so that every path is taken.
_CHARS = st.sampled_from(
    list("aZ9_ .,;:-'\"()!?\t\n\x00\x1f\x7f")
    + list("\u201c\u201d\u2018\u2019\u00ab\u00bb\u2013\u2014\u2026\u00a0")
    + list("ЖжЁёéßİ№•\u0301\u200b")
)


@pytest.mark.parametrize("pattern", [r"\w+", r"[^\W_]+"])
@given(text=st.text(_CHARS, max_size=60) | st.text(max_size=30))
def test_word_finder_finds_what_its_pattern_finds(pattern: str, text: str) -> None:
    assert WordFinder(pattern).findall(text) == re.findall(pattern, text)


@pytest.mark.parametrize("pattern", [r"\w+", r"[^\W_]+"])
@given(text=st.text(_CHARS, max_size=60) | st.text(max_size=30))
def test_word_finder_joins_what_it_finds(pattern: str, text: str) -> None:
    assert WordFinder(pattern).joined(text) == " ".join(re.findall(pattern, text))


def test_word_finder_on_an_english_sentence() -> None:
    words = WordFinder(r"\w+").findall("The CSTO’s “Channel” — in 2019, U.S.\u00a0ships_ok.")
    assert words == ["The", "CSTO", "s", "Channel", "in", "2019", "U", "S", "ships_ok"]
