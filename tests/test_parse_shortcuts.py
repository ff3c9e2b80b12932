"""The parser's shortcuts taken for speed agree with the plain patterns they replace."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from cstonews import parse
from cstonews.text import content_words, shared_stems

_FINAL_STOP = re.compile(r"[.!?…:;,]['\"”»’)\]]*$")
_PHONE = re.compile(r"\+?\d[\d ()\-]{8,}\d(?:\s*[-,]?\s*(?i:tel/fax|tel\.?|fax|факс|тел\.?(?:/факс)?))?")
_STAMP = re.compile(r"\d\d\.\d\d\.\d\d\d\d")


@given(st.text(alphabet=st.sampled_from(list(".!?…:;,'\"”»’)]a \n")), max_size=12))
def test_ends_sentence_is_the_final_stop_pattern(t: str) -> None:
    assert parse._ends_sentence(t) == bool(_FINAL_STOP.search(t))


@given(st.lists(st.sampled_from([*"+1234567890 ()-.xt,", "tel", "fax", "тел./факс"]), max_size=40))
def test_phone_pattern_opening_with_a_set_finds_what_the_optional_plus_found(pieces: list[str]) -> None:
    t = "".join(pieces)
    assert [m.span() for m in parse._PHONE.finditer(t)] == [m.span() for m in _PHONE.finditer(t)]


@given(st.text(alphabet=st.sampled_from(list("0123456789.\n a")), max_size=40))
def test_every_line_holding_a_stamp_is_a_candidate(t: str) -> None:
    # Lines are found by the end of a stamp alone: every line with a whole stamp is among them.
    for line in t.split("\n"):
        if _STAMP.search(line):
            assert parse._STAMP_END.search(line)


@given(
    st.sampled_from(["назад ко ", "вернуться ко ", "вернуться в ", "back to ", "Назад к "]),
    st.integers(0, 40),
)
def test_navigation_lines_are_never_longer_than_the_length_checked_first(head: str, n: int) -> None:
    line = head + "х" * n
    assert parse._is_nav(line) == bool(parse._NAV.match(line))
    assert parse._is_nav("вернуться ко " + "х" * 30)


_WORDS = ["secur", "security", "secu", "csto", "csto_", "Meeting", "meet", "İstanbul", "ОДКБ", "одкб", "Сrisis",
          "x", " ", "-", "_", ".", "1234", "12345"]  # fmt: skip


@given(st.lists(st.sampled_from(_WORDS), max_size=12), st.lists(st.sampled_from(_WORDS), max_size=30))
def test_stems_looked_for_one_by_one_are_the_stems_both_texts_share(
    title: list[str], text: list[str]
) -> None:
    stems = content_words("".join(title))
    assert shared_stems(stems, "".join(text)) == len(stems & content_words("".join(text)))
