"""Date spans in page text, and dates typed on the command line."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cstonews import dates
from cstonews.dates import find_dates, iter_dates, parse_period, parse_stamp


def first(text: str) -> tuple[int | None, int, int | None] | None:
    spans = find_dates(text)
    return (spans[0].day, spans[0].month, spans[0].year) if spans else None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("On April 2, 2019, in Moscow", (2, 4, 2019)),
        ("held May 16-17, 2019 in Dushanbe", (16, 5, 2019)),  # dateutil says 2017
        ("On 13 November 2023, the XVI meeting", (13, 11, 2023)),
        ("from 27 to 30 March 2023", (27, 3, 2023)),
        ("from 30 March to 2 April 2023", (30, 3, 2023)),
        ("17-18 April 2024", (17, 4, 2024)),
        ("December 7-8", (7, 12, None)),
        ("Vienna, June 23, 2020", (23, 6, 2020)),
        ("May 19, 2021, Dushanbe", (19, 5, 2021)),
        ("20 июня 2023 года", (20, 6, 2023)),
        ("ВЕНА, 17 июл – делегация", (17, 7, None)),
        ("с 27 по 30 марта 2023 года", (27, 3, 2023)),
        ("09.02.2022", (9, 2, 2022)),  # day first
        ("in May 2019 the", (None, 5, 2019)),
    ],
)
def test_date_spans(text: str, expected: tuple[int | None, int, int | None]) -> None:
    assert first(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Resolution 1540 of the Security Council",
        "the war of 1941-1945",
        "+7495-795-27-10",
        "the 32nd anniversary",
        "the participants may 2 units",  # `may` the verb
        "XVI meeting of the Council",
    ],
)
def test_numbers_that_are_not_dates(text: str) -> None:
    assert find_dates(text) == []


def test_this_year_and_typos_leave_the_year_unknown() -> None:
    (s,) = find_dates("November 27th of this year. A meeting")
    assert (s.day, s.month, s.year, s.this_year) == (27, 11, None, True)
    (s,) = find_dates("14 октября с.г. на полигоне")
    assert s.this_year and s.year is None
    (s,) = find_dates("On May 5, 2O19, the")
    assert s.year is None and s.year_typo
    assert s.resolve() is None and s.resolve(2019) == date(2019, 5, 5)


def test_dates_are_found_only_as_far_as_they_are_asked_for(monkeypatch: pytest.MonkeyPatch) -> None:
    text = "On May 16, 2019, in Minsk; on 17.05.2019 in Moscow; and on 20 мая 2019 года."
    assert [(s.day, s.month, s.year) for s in iter_dates(text)] == [
        (16, 5, 2019),
        (17, 5, 2019),
        (20, 5, 2019),
    ]
    matched = []
    real = dates._date_matches
    monkeypatch.setattr(dates, "_date_matches", lambda t: (matched.append(m) or m for m in real(t)))
    first = next(iter_dates(text))
    assert (first.day, first.month, first.year) == (16, 5, 2019) and len(matched) == 1
    assert len(find_dates(text)) == 3 and len(matched) == 4


def test_impossible_dates_do_not_resolve() -> None:
    (s,) = find_dates("On February 30, 2021")
    assert s.resolve() is None
    assert parse_stamp("31.02.2020") is None
    assert parse_stamp("02.04.2019") == date(2019, 4, 2)


@pytest.mark.parametrize(
    ("text", "first_day", "last_day"),
    [
        ("2019", date(2019, 1, 1), date(2019, 12, 31)),
        ("2020-06", date(2020, 6, 1), date(2020, 6, 30)),
        ("2020-02", date(2020, 2, 1), date(2020, 2, 29)),
        ("2019-05-17", date(2019, 5, 17), date(2019, 5, 17)),
        ("May 2019", date(2019, 5, 1), date(2019, 5, 31)),
        ("17.05.2019", date(2019, 5, 17), date(2019, 5, 17)),
        ("02.04.2019", date(2019, 4, 2), date(2019, 4, 2)),
        ("17 May 2019", date(2019, 5, 17), date(2019, 5, 17)),
        ("май 2019", date(2019, 5, 1), date(2019, 5, 31)),
    ],
)
def test_periods(text: str, first_day: date, last_day: date) -> None:
    p = parse_period(text)
    assert (p.first, p.last) == (first_day, last_day)


@pytest.mark.parametrize("text", ["", "yesterday-ish", "May", "2019-13", "32.01.2019"])
def test_bad_periods(text: str) -> None:
    with pytest.raises(ValueError):
        parse_period(text)


_DATE_PIECES = ["0", "1", "2", "9", "12", "2019", " ", ".", ",", "-", "–", "May ", "may ", "June", "Sept. ", "Dec",
                "December ", "of ", "this year", "мая ", "года", "15th", "xMay ", "16-17 ", "to ", "1.2.2019", "  ",
                "\n", "MAY ", "ſept "]  # fmt: skip


@given(st.lists(st.sampled_from(_DATE_PIECES), max_size=40))
def test_dates_sought_from_where_one_may_begin_are_those_the_whole_pattern_finds(pieces: list[str]) -> None:
    text = "".join(pieces)
    assert [m.span() for m in dates._date_matches(text)] == [m.span() for m in dates._DATE_RE.finditer(text)]
