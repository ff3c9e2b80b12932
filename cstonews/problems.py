"""What pages could not say, summed up: each parser warning has a kind, and `summary` counts
the pages of each kind in one line ("12 pages cut off, 3 list pages without an article")."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

# (start of a warning, singular, plural), in the order a summary lists them.
_KINDS = [
    ("page is cut off", "page cut off", "pages cut off"),
    ("a list page", "list page without an article", "list pages without an article"),
    ("a static page", "static page without an article", "static pages without an article"),
    ("no article: only navigation", "page of navigation lines only", "pages of navigation lines only"),
    ("no title found", "page without a title", "pages without a title"),
    ("no date found", "page without a date", "pages without a date"),
    ("date unknown", "page whose date has no year", "pages whose date has no year"),
    ("not UTF-8", "page in a legacy encoding", "pages in a legacy encoding"),
    ("NUL bytes", "page with NUL bytes", "pages with NUL bytes"),
    ("empty page", "empty file", "empty files"),
    ("not a text file", "file that is not text", "files that are not text"),
    ("cannot read", "unreadable file", "unreadable files"),
    ("too large", "file too large to be a page", "files too large to be a page"),
]
# Kinds that concern the file rather than the page's text: each such file is named on
# its own (`skipped` when nothing could be read from it).
_SKIPPED = ("no article: only navigation", "empty page", "not a text file", "cannot read", "too large")
_READ_WITH_A_NOTE = ("not UTF-8", "NUL bytes")


def about_the_file(warning: str) -> str | None:
    """`skipped` or `read` for a warning about the file itself; None for one about its text."""
    if warning.startswith(_SKIPPED):
        return "skipped"
    if warning.startswith(_READ_WITH_A_NOTE):
        return "read"
    return None


def kind(warning: str) -> int:
    """The index of the warning's kind in `_KINDS` (len(_KINDS) for one of no known kind)."""
    for i, (start, _, _) in enumerate(_KINDS):
        if warning.startswith(start):
            return i
    return len(_KINDS)


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
