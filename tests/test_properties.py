"""Property-based tests: the parser never raises and always keeps FORMAT.md's contract;
every query the translator accepts is valid FTS5."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cstonews.errors import QueryError
from cstonews.parse import parse_page, read_page
from cstonews.problems import PageWarning, Problem
from cstonews.query import keyword_fts, to_fts
from cstonews.release import CONTRACT_FIELDS
from cstonews.text import squash, squash_lines
from cstonews.wordforms import FTS_TABLE, search_texts

HERE = Path(__file__).resolve().parent
SAMPLES = sorted((HERE.parent / "samples").glob("*.txt"))
SAMPLE_TEXTS = [p.read_text(encoding="utf-8") for p in SAMPLES]
# The real samples and the variant pages: mutations of both must keep the contract.
PAGE_TEXTS = SAMPLE_TEXTS + [
    p.read_bytes().decode("utf-8", "replace") for p in sorted((HERE / "pages").glob("*.txt"))
]
ISO = re.compile(r"\d{4}-\d{2}-\d{2}")
SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def assert_release(r: dict[str, Any], kind: str) -> None:
    assert list(r)[: len(CONTRACT_FIELDS)] == list(CONTRACT_FIELDS)
    assert r["kind"] == kind and r["lang"] in ("en", "ru")
    assert isinstance(r["id"], str) and r["id"]
    assert r["title"] is None or isinstance(r["title"], str)
    assert (r["date"] is None) == (r["date_precision"] is None)
    assert r["date"] is None or ISO.fullmatch(r["date"])
    assert r["date_source"] in (None, "stamp", "lead", "title", "body")
    assert (r["date"] is None) == (r["date_source"] is None)
    assert isinstance(r["lead"], str)
    for field in ("body", "photos", "contacts", "countries", "people", "sources"):
        assert isinstance(r[field], list) and all(isinstance(x, str) for x in r[field])
    if kind == "teaser":
        assert r["title"] is None


def assert_page(page: Any, text: str | None = None) -> None:
    d = page.to_dict()
    assert set(d) == {"source", "article", "teasers", "warnings"}
    if d["article"] is not None:
        assert_release(d["article"], "article")
    for t in d["teasers"]:
        assert_release(t, "teaser")
    assert all(isinstance(w, str) and w for w in d["warnings"])
    assert all(isinstance(w, PageWarning) and isinstance(w.code, Problem) for w in page.warnings)
    assert [w.text for w in page.warnings] == d["warnings"]
    assert not any(w.code is Problem.PARSER_FAILED for w in page.warnings)  # read_page's safety net, unused
    if text is not None and d["article"] is not None:
        # Teasers come before the article: each teaser's text is on the page before the
        # last line that carries the article's title.
        flat = squash(text)
        title_at = flat.rfind(squash(d["article"]["title"] or ""))
        for t in d["teasers"]:
            assert 0 <= flat.find(squash(t["lead"])) < max(title_at, 0) + 1, t["lead"][:60]


@SETTINGS
@given(st.text())
def test_any_text(text: str) -> None:
    assert_page(parse_page(text, "x.txt"))


@SETTINGS
@given(st.binary())
def test_any_bytes(data: bytes) -> None:
    assert_page(read_page(data, "x.txt"))


LINE_PIECES = st.sampled_from(
    [
        "", "  ", "\u00a0", "Back to the section", "Go back", "Назад", "12.05.2020", "31.02.2020",
        "Title line without stop", "Title line without stop 12.05.2020", "12.05.2020 ZVF_1.JPG",
        "12.05.2020Glued body.", "On May 16-17, 2019, in Dushanbe, something.", "ZVF_0001.JPG",
        "______", "+7495-795-27-10", "odkb@example.org", "Dear colleagues!", "Photo: X",
        "11/21/2023 10:15:00 AM", "20 июня 2023 года в Москве.", "- bullet;", "1 2 3 4",
        "Download document a.pdf", "This year on July 12, this year.",
    ]
)  # fmt: skip


@SETTINGS
@given(st.lists(st.one_of(LINE_PIECES, st.text(max_size=80)), max_size=40))
def test_page_like_lines(lines: list[str]) -> None:
    assert_page(parse_page("\n".join(lines), "x.txt"))


@st.composite
def mutated_sample(draw: st.DrawFn) -> str:
    lines = draw(st.sampled_from(PAGE_TEXTS)).split("\n")
    for _ in range(draw(st.integers(0, 6))):
        if not lines:
            break
        i = draw(st.integers(0, len(lines) - 1))
        op = draw(st.sampled_from(["drop", "dup", "swap", "nbsp", "lookalike", "cut", "blank"]))
        if op == "drop":
            del lines[i]
        elif op == "dup":
            lines.insert(i, lines[i])
        elif op == "swap":
            j = draw(st.integers(0, len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
        elif op == "nbsp":
            k = draw(st.integers(0, len(lines[i])))
            lines[i] = lines[i][:k] + "\u00a0\u00a0" + lines[i][k:]
        elif op == "lookalike":
            lines[i] = lines[i].replace("C", "С").replace("X", "Х").replace("o", "о")
        elif op == "blank":
            lines[i:i] = [""] * draw(st.integers(1, 4)) + ["   "]
        else:
            text = "\n".join(lines)
            return text[: draw(st.integers(0, len(text)))]
    return "\n".join(lines)


@SETTINGS
@given(mutated_sample())
def test_mutated_real_pages(text: str) -> None:
    assert_page(parse_page(text, "x.txt"), text)


@SETTINGS
@given(st.sampled_from(PAGE_TEXTS))
def test_unmutated_pages_keep_teasers_before_the_article(text: str) -> None:
    assert_page(parse_page(text, "x.txt"), text)


NOT_DATES = st.sampled_from(
    [
        "Resolution 1540", "the 32nd anniversary", "+7495-795-27-10", "in 1941-1945", "Article 4",
        "over 1,500 servicemen", "No. 12/2019", "300 units", "2019-2020 plan", "the XX century",
        "odkb-pressa@gov.ru", "5 tons", "at 10:30", "the 2nd round", "ZVF_2019.JPG", "the year 2019",
    ]
)  # fmt: skip


@SETTINGS
@given(st.lists(NOT_DATES, min_size=1, max_size=6), st.sampled_from(["", "\n\nBack to the section"]))
def test_numbers_that_are_not_dates_are_never_dates(pieces: list[str], end: str) -> None:
    text = f"Meeting of the CSTO working group\n\nThe group discussed {', '.join(pieces)} and more.{end}"
    page = parse_page(text, "x.txt")
    assert page.article is not None and page.article.date is None


@SETTINGS
@given(st.sampled_from(SAMPLE_TEXTS), st.data())
def test_real_pages_cut_at_any_byte(text: str, data: st.DataObject) -> None:
    raw = text.encode("utf-8")
    cut = data.draw(st.integers(0, len(raw)))
    page = read_page(raw[:cut], "x.txt")
    assert_page(page)
    # A cut in the navigation under the text leaves the text whole: after `Back to the`,
    # or after a line that is a link on its own (`Back`, `Go back`).
    in_navigation = re.search(rb"Go back|Back to the|(?im:^[ \t]*(?:go )?back[ \t]*$)", raw[:cut])
    if not in_navigation and page.article is not None:
        assert page.cut_off and any("cut off" in w.text for w in page.warnings)


_DB = sqlite3.connect(":memory:")
_DB.execute(FTS_TABLE)
_DB.execute("INSERT INTO fts VALUES (?, ?, ?, ?)", search_texts("CSTO arms control", 'Moscow "quoted" text'))

QUERY_PIECES = st.sampled_from(
    ['"', "(", ")", "*", "AND", "OR", "NOT", "-", ":", "^", "arms", "CSTO", " ", "NEAR", "title:"]
)


@SETTINGS
@given(st.lists(st.one_of(QUERY_PIECES, st.text(max_size=8)), max_size=12).map(" ".join))
def test_accepted_queries_are_valid_fts5(query: str) -> None:
    try:
        fts = to_fts(query)
    except QueryError as e:
        assert e.message and "\n" not in e.message
        return
    _DB.execute("SELECT rowid FROM fts WHERE fts MATCH ?", (fts,)).fetchall()


@SETTINGS
@given(st.lists(st.text(max_size=12), max_size=4))
def test_keywords_are_valid_fts5(words: list[str]) -> None:
    fts = keyword_fts(words)
    if fts:
        _DB.execute("SELECT rowid FROM fts WHERE fts MATCH ?", (fts,)).fetchall()


@given(
    st.lists(
        st.text(alphabet=st.sampled_from("ab \t\u00a0\u200b\u2060\ufeff\u2003\u2028\x85\x1f\u3000.")),
        max_size=6,
    )
)
def test_lines_are_squashed_as_one_by_one(lines: list[str]) -> None:
    # squash_lines checks the whole text for zero-width spaces once, not each line.
    assert squash_lines(lines, "\n".join(lines)) == [squash(ln) for ln in lines]


def test_a_page_cut_in_its_navigation_is_whole_and_one_cut_before_it_is_cut_off() -> None:
    text = next(t for t in SAMPLE_TEXTS if "\n\n\nBack to the section" in t)
    nav = text.index("\n\n\nBack to the section")
    for end, cut_off in (
        (nav + len("\n\n\nBack"), False),
        (nav + len("\n\n\nBack t"), True),
        (nav - 5, True),
    ):
        page = read_page(text[:end].encode(), "x.txt")
        assert page.article is not None
        assert page.cut_off == cut_off, text[end - 20 : end]
