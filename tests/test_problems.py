"""Warnings by code: the one-line summary, the file-level notes, the order of a listing."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from cstonews.problems import PageWarning, Problem, about_the_file, by_code, summary


def w(code: Problem, text: str = "some words") -> PageWarning:
    return PageWarning(code, text)


def test_counts_files_per_code_in_a_fixed_order() -> None:
    warnings = [
        ("a.txt", w(Problem.CUT_OFF, "page is cut off inside the body (no navigation lines at the end)")),
        ("b.txt", w(Problem.LIST_PAGE)),
        ("c.txt", w(Problem.CUT_OFF, "page is cut off before the body starts")),
        ("c.txt", w(Problem.NO_DATE)),
        ("d.txt", w(Problem.LEGACY_ENCODING)),
        ("e.txt", w(Problem.DATE_WITHOUT_YEAR)),
        ("f.txt", w(Problem.STATIC_PAGE)),
        ("g.txt", w(Problem.DATE_YEAR_MISTYPED)),
    ]
    assert summary(warnings) == (
        "2 pages cut off, 1 list page without an article, 1 static page without an article, "
        "1 page without a date, 1 page whose date has no year, 1 page whose date has a mistyped year, "
        "1 page in a legacy encoding"
    )


def test_the_code_decides_not_the_words() -> None:
    """Rewording a warning changes nothing in how it is counted or reported."""
    one = [("a.txt", w(Problem.NO_DATE, "no date found"))]
    other = [("a.txt", w(Problem.NO_DATE, "this page names no date anywhere"))]
    assert summary(one) == summary(other) == "1 page without a date"
    assert about_the_file(w(Problem.TOO_LARGE, "anything")) == "skipped"
    assert about_the_file(w(Problem.LEGACY_ENCODING, "anything")) == "read"
    assert about_the_file(w(Problem.CUT_OFF, "not UTF-8, says the text")) is None


def test_a_file_counts_once_per_code() -> None:
    same = [("a.txt", w(Problem.NO_DATE)), ("a.txt", w(Problem.NO_DATE)), ("b.txt", w(Problem.NO_DATE))]
    assert summary(same) == "2 pages without a date"
    assert summary([]) == ""


def test_every_code_has_its_words_and_a_stored_form() -> None:
    for code in Problem:
        assert summary([("a.txt", w(code))]).startswith("1 ")
        assert summary([("a.txt", w(code)), ("b.txt", w(code))]).startswith("2 ")
        stored = w(code, "why").to_json()
        assert stored == [code.value, "why"] and PageWarning.from_json(stored) == w(code, "why")


@settings(max_examples=50, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["a.txt", "b.txt", "c.txt"]), st.sampled_from(list(Problem)))))
def test_by_code_keeps_every_warning_grouped_in_the_summarys_order(pairs: list[tuple[str, Problem]]) -> None:
    warnings = [(f, w(code, f"{f} {n}")) for n, (f, code) in enumerate(pairs)]
    listed = by_code(warnings)
    assert sorted(listed) == sorted(warnings)
    order = list(Problem)
    codes = [order.index(x.code) for _, x in listed]
    assert codes == sorted(codes)
    for code in Problem:  # within one code, the order given
        assert [x for x in listed if x[1].code is code] == [x for x in warnings if x[1].code is code]
