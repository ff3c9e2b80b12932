"""What pages could not say: each warning has a code (`Problem`) and its words, and
`summary` counts the files of each code in one line ("12 pages cut off, 3 list pages
without an article"). Code decides how a warning is grouped and reported; the words are
for people and may be reworded freely."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from enum import Enum
from typing import NamedTuple


class Problem(str, Enum):
    """The kinds of warning a page file can carry, in the order a summary lists them."""

    CUT_OFF = "cut-off"
    LIST_PAGE = "list-page"
    STATIC_PAGE = "static-page"
    NAVIGATION_ONLY = "navigation-only"
    NO_TITLE = "no-title"
    NO_DATE = "no-date"
    DATE_WITHOUT_YEAR = "date-without-year"
    DATE_YEAR_MISTYPED = "date-year-mistyped"
    LEGACY_ENCODING = "legacy-encoding"
    NUL_BYTES = "nul-bytes"
    EMPTY = "empty"
    NOT_TEXT = "not-text"
    CANNOT_READ = "cannot-read"
    NAME_NOT_UTF8 = "name-not-utf8"
    TOO_LARGE = "too-large"
    PARSER_FAILED = "parser-failed"


class PageWarning(NamedTuple):
    """One warning: its code, and the words that explain it for this file."""

    code: Problem
    text: str

    def to_json(self) -> list[str]:
        """`[code, text]`, as the index stores it."""
        return [self.code.value, self.text]

    @classmethod
    def from_json(cls, stored: list[str]) -> PageWarning:
        return cls(Problem(stored[0]), stored[1])


# Problem -> (singular, plural, about the file?). Warnings about the file rather than the
# page's text name the file on its own: `skipped` when nothing could be read from it,
# `read` when it was read with a note.
_WORDS: dict[Problem, tuple[str, str, str | None]] = {
    Problem.CUT_OFF: ("page cut off", "pages cut off", None),
    Problem.LIST_PAGE: ("list page without an article", "list pages without an article", None),
    Problem.STATIC_PAGE: ("static page without an article", "static pages without an article", None),
    Problem.NAVIGATION_ONLY: ("page of navigation lines only", "pages of navigation lines only", "skipped"),
    Problem.NO_TITLE: ("page without a title", "pages without a title", None),
    Problem.NO_DATE: ("page without a date", "pages without a date", None),
    Problem.DATE_WITHOUT_YEAR: ("page whose date has no year", "pages whose date has no year", None),
    Problem.DATE_YEAR_MISTYPED: (
        "page whose date has a mistyped year",
        "pages whose date has a mistyped year",
        None,
    ),
    Problem.LEGACY_ENCODING: ("page in a legacy encoding", "pages in a legacy encoding", "read"),
    Problem.NUL_BYTES: ("page with NUL bytes", "pages with NUL bytes", "read"),
    Problem.EMPTY: ("empty file", "empty files", "skipped"),
    Problem.NOT_TEXT: ("file that is not text", "files that are not text", "skipped"),
    Problem.CANNOT_READ: ("unreadable file", "unreadable files", "skipped"),
    Problem.NAME_NOT_UTF8: ("file whose name is not UTF-8", "files whose names are not UTF-8", "skipped"),
    Problem.TOO_LARGE: ("file too large to be a page", "files too large to be a page", "skipped"),
    Problem.PARSER_FAILED: ("page the parser failed on", "pages the parser failed on", "skipped"),
}
_ORDER = {p: i for i, p in enumerate(Problem)}


def about_the_file(warning: PageWarning) -> str | None:
    """`skipped` or `read` for a warning about the file itself; None for one about its text."""
    return _WORDS[warning.code][2]


def summary(warnings: Iterable[tuple[str, PageWarning]]) -> str:
    """One line counting the files of each code, from (file, warning) pairs.

    A file counts once per code, however many warnings of that code it has.
    """
    counts = Counter(code for _, code in {(f, w.code) for f, w in warnings})
    parts = []
    for code in sorted(counts, key=_ORDER.__getitem__):
        n = counts[code]
        singular, plural, _ = _WORDS[code]
        parts.append(f"{n} {singular if n == 1 else plural}")
    return ", ".join(parts)


def by_code(warnings: Iterable[tuple[str, PageWarning]]) -> list[tuple[str, PageWarning]]:
    """(file, warning) pairs grouped by code, in the summary's order; files in the order given."""
    return sorted(warnings, key=lambda fw: _ORDER[fw[1].code])
