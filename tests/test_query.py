"""The search language: translated to FTS5, or refused with a plain message; highlights."""

from __future__ import annotations

import sqlite3

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cstonews.errors import QueryError
from cstonews.query import highlight, keyword_fts, ranked_fts, snippet, to_fts
from cstonews.wordforms import FTS_TABLE, search_texts

S = "{title_stem body_stem} : "
T = "{title body} : "


@pytest.mark.parametrize(
    ("query", "fts"),
    [
        ("Moscow", f'{S}"moscow"'),
        ("meetings", f'{S}"meet"'),
        ('"arms control" AND Moscow', f'{S}"arm control" AND {S}"moscow"'),
        ("arms control", f'{S}"arm" AND {S}"control"'),
        ("terror* NOT Syria", f'{T}"terror"* NOT {S}"syria"'),
        ("(Armenia OR Belarus) summit", f'( {S}"armenia" OR {S}"belarus" ) AND {S}"summit"'),
        ("Al-Qaida", f'{S}"al qaida"'),
        ("СRRF", f'{S}"crrf"'),  # a Cyrillic С folded to Latin
        ("and or", f'{S}"and" AND {S}"or"'),  # lower-case words are words
        ("=consultation", f'{T}"consultation"'),
        ('="arms control"', f'{T}"arms control"'),
        ("учениях", f'{S}"учен"'),
        ("Москва", f'{S}"москв"'),
    ],
)
def test_translation(query: str, fts: str) -> None:
    assert to_fts(query) == fts


def test_the_words_as_typed_are_a_tier_of_their_own() -> None:
    assert ranked_fts("meetings") == [f'({T}"meetings")', f'(({S}"meet") NOT ({T}"meetings"))']
    assert ranked_fts("=meetings terror*", ["border"]) == [
        f'({T}"meetings" AND {T}"terror"*) AND ({T}"border")'
    ]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ('"arms control', "unclosed quote"),
        ('="arms control', "unclosed quote"),
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
        ("= =", "no words"),
    ],
)
def test_malformed_queries(query: str, message: str) -> None:
    with pytest.raises(QueryError, match=message.replace("(", r"\(").replace(")", r"\)")) as e:
        to_fts(query)
    assert "\n" not in e.value.message


def test_keywords_are_whole_words_as_written_and_all_required() -> None:
    assert keyword_fts(["Afghanistan", "drug trafficking"]) == f'{T}"Afghanistan" AND {T}"drug trafficking"'
    assert keyword_fts(['say "hi"']) == f'{T}"say ""hi"""'


TEXT = "A joint meeting was held in Moscow. Meetings of the ministers follow; the CSTO met. В Москве прошли учения."


@pytest.mark.parametrize(
    ("query", "marked"),
    [
        ("meetings", ["meeting", "Meetings"]),
        ("=meetings", ["Meetings"]),
        ("meet*", ["meeting", "Meetings"]),
        ('"joint meetings"', ["joint meeting"]),
        ("Москва OR учение", ["Москве", "учения"]),
        ("meeting NOT Moscow", ["meeting", "Meetings"]),  # what a NOT excludes is not a match
        ("СSTO", ["CSTO"]),
    ],
)
def test_highlights_mark_the_forms_that_matched(query: str, marked: list[str]) -> None:
    out = highlight(query, TEXT)
    assert [p.split("\x03")[0] for p in out.split("\x02")[1:]] == marked
    assert out.replace("\x02", "").replace("\x03", "") == TEXT


def test_a_snippet_is_a_window_around_the_matches() -> None:
    long = (
        " ".join(f"w{i}" for i in range(100))
        + " the ministers met at a meeting "
        + " ".join(f"v{i}" for i in range(100))
    )
    s = snippet("meeting", long)
    assert s.startswith("… ") and s.endswith(" …")
    assert "\x02meeting\x03" in s and len(s.split()) <= 20
    assert snippet("nothing", "Short text.") == "Short text."


_DB = sqlite3.connect(":memory:")
_DB.execute(FTS_TABLE)
_DB.execute("INSERT INTO fts VALUES (?, ?, ?, ?)", search_texts("CSTO arms control", 'Moscow "quoted" text'))

QUERY_PIECES = st.sampled_from(
    [
        '"',
        "(",
        ")",
        "*",
        "=",
        "AND",
        "OR",
        "NOT",
        "-",
        ":",
        "^",
        "arms",
        "CSTO",
        " ",
        "NEAR",
        "title:",
        "Москве",
    ]
)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(QUERY_PIECES, st.text(max_size=8)), max_size=12).map(" ".join))
def test_accepted_queries_are_valid_fts5_and_highlight_plainly(query: str) -> None:
    try:
        tiers = ranked_fts(query)
    except QueryError as e:
        assert e.message and "\n" not in e.message
        return
    for fts in [to_fts(query), *tiers]:
        _DB.execute("SELECT rowid FROM fts WHERE fts MATCH ?", (fts,)).fetchall()
    text = 'CSTO arms control, Moscow "quoted" text; В Москве.'
    assert highlight(query, text).replace("\x02", "").replace("\x03", "") == text


def _spans_trying_every_term_everywhere(query: str, text: str) -> list[tuple[int, int]]:
    """What `query._spans` finds, the plain way: every term tried at every word."""
    from cstonews import query as q
    from cstonews.text import fold_lookalikes

    terms = [p for p in q.parse(query) if isinstance(p, q.Term) and not p.negated and p.words]
    found = [(m.start(), m.end(), m.group(0).lower()) for m in q.WORD.finditer(fold_lookalikes(text))]
    out, i = [], 0
    while i < len(found):
        n = max((q._matches(t, found, i) for t in terms), default=0)
        if n:
            out.append((found[i][0], found[i + n - 1][1]))
            i += n
        else:
            i += 1
    return out


_WORDS = ["meeting", "meetings", "met", "Minsk", "minsk", "security", "secure", "встреча", "встречи", "CSTO"]


@settings(max_examples=150)
@given(
    text=st.lists(st.sampled_from([*_WORDS, ",", ".", "the"]), max_size=25).map(" ".join),
    query=st.sampled_from(
        ["meeting", "=meetings", "meet*", "Minsk meeting", '"security meeting"', '"csto meet*"', "встреча",
         "secure OR Minsk", "meeting NOT Minsk", '"the meeting"']
    ),
)  # fmt: skip
def test_highlights_skip_words_no_term_can_start_at(text: str, query: str) -> None:
    from cstonews import query as q

    assert list(q._spans(query, text)) == _spans_trying_every_term_everywhere(query, text)
