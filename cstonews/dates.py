"""Dates in page text, and the dates a user types on the command line.

Page text is never handed whole to `dateutil`: it reads `May 16-17, 2019` as 2017 and
`Resolution 1540` as a year. Spans are found with patterns first; only a span's day,
month and year are then turned into a date.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from typing import TYPE_CHECKING, Any, NamedTuple

if TYPE_CHECKING:
    from dateutil import parser as _dtparser

_EN_MONTHS = (
    r"January|February|March|April|May|June|July|August|September|October|November|December"
    r"|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec"
)
# Genitive (20 июня), nominative and agency short forms (17 июл).
_RU_MONTHS: dict[str, int] = {}
for _n, _forms in enumerate(
    (
        "января январь янв",
        "февраля февраль фев",
        "марта март мар",
        "апреля апрель апр",
        "мая май",
        "июня июнь июн",
        "июля июль июл",
        "августа август авг",
        "сентября сентябрь сент сен",
        "октября октябрь окт",
        "ноября ноябрь ноя",
        "декабря декабрь дек",
    ),
    start=1,
):
    for _f in _forms.split():
        _RU_MONTHS[_f] = _n
_RU_MONTH_RE = "|".join(sorted(_RU_MONTHS, key=len, reverse=True))

_YEAR = r"(?P<y>[12]\d{3}|[12][\dOoОоlI|][\dOoОоlI|]{2}(?!\w))"
_ORD = r"(?:st|nd|rd|th)?"
_DASH = r"(?:-|–|—|to|and|through)"
_THIS_YEAR_EN = r"(?P<ty>,?\s+(?:of\s+)?(?:this|the\s+current)\s+year)"

_EN_MDY = (
    rf"\b(?P<m>{_EN_MONTHS})\.?\s+(?P<d>\d{{1,2}}){_ORD}\b"
    rf"(?:\s*{_DASH}\s*(?:(?:{_EN_MONTHS})\.?\s+)?\d{{1,2}}{_ORD}\b)?"
    rf"(?:,?\s+(?:of\s+)?{_YEAR}\b|{_THIS_YEAR_EN})?"
)
_EN_DMY = (
    rf"\b(?P<d2>\d{{1,2}}){_ORD}(?:\s*{_DASH}\s*\d{{1,2}}{_ORD})?\s+(?:of\s+)?"
    rf"(?P<m2>{_EN_MONTHS})\b\.?"
    rf"(?:\s*{_DASH}\s*\d{{1,2}}{_ORD}\s+(?:{_EN_MONTHS})\b\.?)?"
    rf"(?:,?\s+{_YEAR.replace('?P<y>', '?P<y2>')}\b|{_THIS_YEAR_EN.replace('?P<ty>', '?P<ty2>')})?"
)
_EN_MY = rf"\b(?P<m3>{_EN_MONTHS})\.?,?\s+(?P<y3>[12]\d{{3}})\b"
_NUMERIC = r"(?<![\d.])(?P<d4>\d{1,2})\.(?P<m4>\d{1,2})\.(?P<y4>[12]\d{3})(?!\.?\d)"
_RU_DMY = (
    rf"(?<!\w)(?P<d5>\d{{1,2}})(?:\s*(?:-|–|—|по|и)\s*\d{{1,2}})?\s+(?P<m5>{_RU_MONTH_RE})(?!\w)\.?"
    rf"(?:\s*(?:-|–|—|по)\s*\d{{1,2}}\s+(?:{_RU_MONTH_RE})(?!\w))?"
    rf"(?:\s+(?P<y5>[12]\d{{3}}|[12][\dOoОоlI|][\dOoОоlI|]{{2}}(?!\w))(?:\s*(?:года|г\.))?"
    rf"|\s*,?\s*(?P<ty5>с\.\s?г\.|текущего\s+года|этого\s+года|сего\s+года))?"
)
_DATE_RE = re.compile(
    "|".join(f"(?:{p})" for p in (_EN_MDY, _EN_DMY, _EN_MY, _NUMERIC, _RU_DMY)),
    re.IGNORECASE,
)
_EN_MONTH_NUM = {
    m.lower(): i
    for i, names in enumerate(
        (
            ("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"),
            ("may",), ("june", "jun"), ("july", "jul"), ("august", "aug"),
            ("september", "sep", "sept"), ("october", "oct"), ("november", "nov"),
            ("december", "dec"),
        ),
        start=1,
    )
    for m in names
}  # fmt: skip


class Span(NamedTuple):  # a tuple: made for every date of every page, and built fastest
    """A date found in text. `year` is None when the text does not say it."""

    start: int
    end: int
    day: int | None  # None for a month-and-year span (`May 2019`)
    month: int
    year: int | None
    this_year: bool = False  # `this year`, `of this year`, `с.г.`
    year_typo: bool = False  # a year with a stray character in place of a digit

    def resolve(self, year: int | None = None) -> date | None:
        y = self.year if self.year is not None else year
        if y is None or self.day is None:
            return None
        return to_date(self.day, self.month, y)


def to_date(day: int, month: int, year: int) -> date | None:
    """A real calendar date, or None for impossible ones (31 February)."""
    try:
        return date(year, month, day)
    except ValueError:
        return None


_DIGITS = re.compile(r"\d+")
# Where a date may begin: every form opens with a digit or, at a word start, a month name.
_DATE_BEGINS = re.compile(r"\d|(?i:\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec))")
# How far before its first digit a date can start (`September 17`, `Sept. 17th`), and
# how far past a digit run the pattern may need to look to find the date's other digits.
_BEFORE_DIGIT, _AFTER_DIGIT = 30, 60


def _date_matches(text: str) -> Iterator[re.Match[str]]:
    """What `_DATE_RE.finditer(text)` yields, looking only near digits.

    Every date form has a digit, so the big pattern is tried only in a window around each
    run of digits instead of at every position of a long paragraph.
    """
    pos = 0
    for d in _DIGITS.finditer(text):
        if d.end() <= pos:
            continue
        start = max(pos, d.start() - _BEFORE_DIGIT)
        end = d.end() + _AFTER_DIGIT
        while True:
            # The big pattern is tried from the first place a date may begin, not at every
            # character before these digits.
            first = _DATE_BEGINS.search(text, start, d.start() + 1)
            m = first and _DATE_RE.search(text, first.start(), end)
            if m is None or m.start() > d.start():
                break  # no date covers these digits (a later one has digits of its own)
            # Its true extent, past the window (unless the window reached the end).
            full = m if end >= len(text) else _DATE_RE.match(text, m.start())
            if full is None:
                start = m.start() + 1
                continue
            yield full
            pos = full.end()
            break


def find_dates(text: str) -> list[Span]:
    """Every date span in `text`, in order. Numbers that are not dates yield nothing."""
    return list(iter_dates(text))


def iter_dates(text: str) -> Iterator[Span]:
    """The date spans of `text`, in order, each found only when asked for: the parser most
    often wants the first, and a lead has many numbers after it."""
    for m in _date_matches(text):
        g = m.groupdict()
        if g["m"] or g["m2"]:
            name = g["m"] or g["m2"]
            if not name[0].isupper():  # `may` the verb, not the month
                continue
            month = _EN_MONTH_NUM[name.lower()]
            day = int(g["d"] or g["d2"])
            ytxt = g["y"] or g["y2"]
            this_year = bool(g["ty"] or g["ty2"])
        elif g["m3"]:
            if not g["m3"][0].isupper():
                continue
            yield Span(m.start(), m.end(), None, _EN_MONTH_NUM[g["m3"].lower()], int(g["y3"]))
            continue
        elif g["m4"]:
            day, month, ytxt, this_year = int(g["d4"]), int(g["m4"]), g["y4"], False
        else:
            month = _RU_MONTHS[g["m5"].lower()]
            day = int(g["d5"])
            ytxt = g["y5"]
            this_year = bool(g["ty5"])
        year: int | None = None
        typo = False
        if ytxt:
            if ytxt.isdigit():
                year = int(ytxt)
            else:
                typo = True
        if not 1 <= month <= 12 or not 1 <= day <= 31:
            continue
        yield Span(m.start(), m.end(), day, month, year, this_year, typo)


_STAMP_RE = re.compile(r"(\d{2})\.(\d{2})\.(\d{4})")


def parse_stamp(s: str) -> date | None:
    """A `dd.mm.yyyy` stamp (day first, the site's convention)."""
    m = _STAMP_RE.fullmatch(s)
    return to_date(int(m.group(1)), int(m.group(2)), int(m.group(3))) if m else None


# --- dates typed by the user ------------------------------------------------------------

_RU_PARSERINFO: _dtparser.parserinfo | None = None


def _parserinfo() -> _dtparser.parserinfo:
    """dateutil's parserinfo with Russian month names added to the English ones."""
    global _RU_PARSERINFO
    if _RU_PARSERINFO is None:
        from dateutil import parser as dtparser

        months = [
            (*en, *(f for f, n in _RU_MONTHS.items() if n == i + 1))
            for i, en in enumerate(dtparser.parserinfo.MONTHS)
        ]
        _RU_PARSERINFO = type("RuEnInfo", (dtparser.parserinfo,), {"MONTHS": months})(dayfirst=True)
    return _RU_PARSERINFO


@dataclass(frozen=True)
class Period:
    """The whole period a partial date names: `2019` is all of 2019."""

    first: date
    last: date
    precision: str  # "day", "month" or "year"


_YEAR_ONLY = re.compile(r"\d{4}")
_YEAR_MONTH = re.compile(r"(\d{4})[-/.](\d{1,2})|(\d{1,2})[-/.](\d{4})")


_NUMBER_WORDS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
                 "seven": 7, "eight": 8, "nine": 9, "ten": 10, "twelve": 12}  # fmt: skip
_AGO = re.compile(r"(\d+|[a-z]+)\s+(day|week|month|year)s?\s+ago", re.IGNORECASE)
_NAMED_PERIOD = re.compile(r"(last|previous|past|this|current)\s+(week|month|year)", re.IGNORECASE)
_WINDOW = re.compile(r"(\d+)\s*([dwmy])", re.IGNORECASE)


def _relative(s: str, today: date) -> Period | None:
    """`today`, `yesterday`, `2 years ago`, `last month`, `this year`; None for anything else."""
    import calendar

    from dateutil.relativedelta import relativedelta

    low = s.lower()
    if low in ("today", "now"):
        return Period(today, today, "day")
    if low == "yesterday":
        d = today - relativedelta(days=1)
        return Period(d, d, "day")
    m = _AGO.fullmatch(low)
    if m:
        n = int(m[1]) if m[1].isdigit() else _NUMBER_WORDS.get(m[1])
        if n is None:
            return None
        d = today - relativedelta(**{m[2] + "s": n})
        return Period(d, d, "day")
    m = _NAMED_PERIOD.fullmatch(low)
    if not m:
        return None
    back = 0 if m[1] in ("this", "current") else 1
    if m[2] == "year":
        y = today.year - back
        return Period(date(y, 1, 1), date(y, 12, 31), "year")
    if m[2] == "month":
        first = date(today.year, today.month, 1) - relativedelta(months=back)
        return Period(
            first, date(first.year, first.month, calendar.monthrange(first.year, first.month)[1]), "month"
        )
    monday = today - relativedelta(days=today.weekday(), weeks=back)
    return Period(monday, monday + relativedelta(days=6), "day")


def parse_window(text: str) -> Any:
    """`7d`, `2w`, `3m` (and `1y`): how far a window reaches on each side, as a relativedelta."""
    from dateutil.relativedelta import relativedelta

    m = _WINDOW.fullmatch(text.strip())
    if not m:
        raise ValueError(f"not a window: {text!r} (use a number and d, w or m: 7d, 2w, 3m)")
    unit = {"d": "days", "w": "weeks", "m": "months", "y": "years"}[m[2].lower()]
    return relativedelta(**{unit: int(m[1])})


def around(text: str, window: str, today: date | None = None) -> Period:
    """The dates within `window` of the date (or period) `text`, on both sides."""
    centre = parse_period(text, today)
    reach = parse_window(window)
    return Period(centre.first - reach, centre.last + reach, "day")


@lru_cache(maxsize=64)
def parse_period(text: str, today: date | None = None) -> Period:
    """Read a date typed by the user (`2019`, `2019-05`, `May 2019`, `17.05.2019`, ...),
    or a relative one (`2 years ago`, `last month`, `yesterday`) counted from `today`.

    Raises ValueError with a plain message when it is not a date.
    """
    import calendar

    s = " ".join(text.split())
    if not s:
        raise ValueError("empty date")
    if any(c.isalpha() for c in s):
        rel = _relative(s, today or date.today())
        if rel is not None:
            return rel
    if _YEAR_ONLY.fullmatch(s):
        y = int(s)
        return Period(date(y, 1, 1), date(y, 12, 31), "year")
    ym = _YEAR_MONTH.fullmatch(s)
    if ym:
        y, mo = (int(ym[1]), int(ym[2])) if ym[1] else (int(ym[4]), int(ym[3]))
        if not 1 <= mo <= 12:
            raise ValueError(f"no month {mo} in {s!r}")
        return Period(date(y, mo, 1), date(y, mo, calendar.monthrange(y, mo)[1]), "month")
    from dateutil import parser as dtparser

    info = _parserinfo()
    # Two different defaults reveal which parts the text gave: a part that changes with
    # the default was not written.
    d1, d2 = datetime(2000, 1, 1), datetime(2004, 2, 2)
    iso = bool(re.fullmatch(r"\d{4}-\d{1,2}-\d{1,2}", s))
    try:
        a = dtparser.parse(s, parserinfo=info, default=d1, dayfirst=not iso)
        b = dtparser.parse(s, parserinfo=info, default=d2, dayfirst=not iso)
    except (ValueError, OverflowError, TypeError) as e:
        raise ValueError(f"not a date: {s!r}") from e
    if a.year != b.year:
        raise ValueError(f"no year in {s!r}")
    if a.month != b.month:
        return Period(date(a.year, 1, 1), date(a.year, 12, 31), "year")
    if a.day != b.day:
        last = calendar.monthrange(a.year, a.month)[1]
        return Period(date(a.year, a.month, 1), date(a.year, a.month, last), "month")
    return Period(a.date(), a.date(), "day")
