"""What pages could not say, summed up: each parser warning has a kind, and `summary` counts
the pages of each kind in one line ("12 pages cut off, 3 list pages without an article")."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

# (start of a warning, singular, plural, about the file?) in the order a summary lists
# them. Warnings about the file rather than the page's text name the file on its own:
# `skipped` when nothing could be read from it, `read` when it was read with a note.
_KINDS = [
    ("page is cut off", "page cut off", "pages cut off", None),
    ("a list page", "list page without an article", "list pages without an article", None),
    ("a static page", "static page without an article", "static pages without an article", None),
    ("no article: only navigation", "page of navigation lines only", "pages of navigation lines only", "skipped"),
    ("no title found", "page without a title", "pages without a title", None),
    ("no date found", "page without a date", "pages without a date", None),
    ("date unknown", "page whose date has no year", "pages whose date has no year", None),
    ("not UTF-8", "page in a legacy encoding", "pages in a legacy encoding", "read"),
    ("NUL bytes", "page with NUL bytes", "pages with NUL bytes", "read"),
    ("empty page", "empty file", "empty files", "skipped"),
    ("not a text file", "file that is not text", "files that are not text", "skipped"),
    ("cannot read", "unreadable file", "unreadable files", "skipped"),
    ("too large", "file too large to be a page", "files too large to be a page", "skipped"),
    ("the parser failed", "page the parser failed on", "pages the parser failed on", "skipped"),
]


def kind(warning: str) -> int:
    """The index of the warning's kind in `_KINDS` (len(_KINDS) for one of no known kind)."""
    for i, row in enumerate(_KINDS):
        if warning.startswith(row[0]):
            return i
    return len(_KINDS)


def about_the_file(warning: str) -> str | None:
    """`skipped` or `read` for a warning about the file itself; None for one about its text."""
    k = kind(warning)
    return _KINDS[k][3] if k < len(_KINDS) else None


def summary(warnings: Iterable[tuple[str, str]]) -> str:
    """One line counting the files of each kind of warning, from (file, warning) pairs.

    A file counts once per kind, however many warnings of that kind it has.
    """
    seen = {(f, kind(w)) for f, w in warnings}
    counts = Counter(k for _, k in seen)
    parts = []
    for k in sorted(counts):
        n = counts[k]
        if k == len(_KINDS):
            parts.append(f"{n} {'page' if n == 1 else 'pages'} with other warnings")
        else:
            parts.append(f"{n} {_KINDS[k][1] if n == 1 else _KINDS[k][2]}")
    return ", ".join(parts)
