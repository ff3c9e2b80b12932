"""What the browser shows of releases, filters and counts, as Textual `Content`.

Page text is data: it becomes `Content` only as plain text (never markup), with control
and bidi-override characters dropped, and styles are laid over it by offset.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from textual.content import Content

from cstonews.browse.marks import marked_spans
from cstonews.output import _date_line, _facts
from cstonews.text import inert, squash

if TYPE_CHECKING:
    from cstonews.archive import Stats
    from cstonews.browse.shelf import Row
    from cstonews.cli import Filters
    from cstonews.release import Release

Terms = list[tuple[str, bool]]
MARK = "bold underline $text-warning"  # a matched word: still told apart without colour
_BARS = " ▁▂▃▄▅▆▇█"


def text(s: str, style: str = "") -> Content:
    """Page text as content: literal, whatever brackets or escapes it holds."""
    return Content.styled(inert(s), style)


def marked(s: str, terms: Terms, style: str = "") -> Content:
    """Page text with the words `terms` match highlighted."""
    s = inert(s)
    content = Content.styled(s, style)
    for start, end in marked_spans(s, terms):
        content = content.stylize(MARK, start, end)
    return content


def label(r: Release) -> str:
    """What a list shows for a release: its title, or a teaser's lead."""
    return squash(r.title or r.lead)


def row(r: Row, terms: Terms) -> Content:
    """One line of the list: the date, a teaser's mark, the title."""
    rel = r.release
    return Content.assemble(
        text(f"{rel.date or 'undated':<10}  ", "" if rel.date else "dim"),
        text("teaser ", "dim italic") if rel.kind == "teaser" else "",
        marked(label(rel), terms, "bold" if rel.title else ""),
    )


def snippet(s: str) -> Content:
    """A search snippet, its matched words (between \\x02 and \\x03) highlighted."""
    parts = re.split(r"[\x02\x03]", squash(s))
    return Content.assemble(*(text(p, MARK if n % 2 else "") for n, p in enumerate(parts)))


def preview(r: Row, terms: Terms) -> Content:
    """Under the list: where the highlighted row's search matched, or its lead."""
    if r.snippet:
        return snippet(r.snippet)
    return marked(squash(r.release.lead), terms)


def shown_path(source: str, root: Path) -> str:
    """A source page as the reader is shown it: relative to the archive folder."""
    prefix = str(root / "_")[:-1]
    return source[len(prefix) :] if source.startswith(prefix) else source


def reading(r: Release, terms: Terms, root: Path) -> Content:
    """A release in full: title, date and where it was read, kind, names, body, photos,
    contacts and sources."""
    lines: list[Content] = [
        marked(r.title, terms, "bold")
        if r.title
        else text("Teaser (no article for it in the archive)", "bold")
    ]
    if r.subtitle:
        lines.append(marked(r.subtitle, terms, "italic"))
    lines.append(text(_date_line(r), "" if r.date else "dim"))
    lines.append(Content.assemble(text(f"{r.kind} · {r.lang} · ", "dim"), text(r.id, "$text-accent")))
    lines.append(Content(""))
    facts = _facts(r)
    sources = [shown_path(s, root) for s in r.sources]
    head = [(name, values) for name, values in facts if name in ("Countries", "Other countries", "People")]
    tail = [
        (name, sources if name == "Sources" else values) for name, values in facts if name not in dict(head)
    ]
    lines.extend(_fact_lines(head, terms))
    if any(values for _, values in head):
        lines.append(Content(""))
    for p in r.body or [r.lead]:
        lines.append(marked(p, terms))
        lines.append(Content(""))
    lines.extend(_fact_lines(tail, terms))
    return Content("\n").join(lines)


def _fact_lines(facts: Iterable[tuple[str, list[str]]], terms: Terms) -> list[Content]:
    return [
        Content.assemble(text(f"{name}: ", "bold dim"), marked(", ".join(values), terms))
        for name, values in facts
        if values
    ]


def filters_line(f: Filters) -> Content:
    """The filters in force, in a line that is always on screen."""
    parts: list[tuple[str, str]] = []
    for name, value in (("since", f.since), ("until", f.until), ("kind", f.kind), ("lang", f.lang)):
        if value:
            parts.append((name, str(getattr(value, "value", value))))
    if f.around:
        parts.append(("around", f"{f.around} ± {f.window or '7d'}"))
    for name, values in (("country", f.country), ("person", f.person), ("keyword", f.keyword)):
        parts.extend((name, v) for v in values or [])
    if not parts:
        return Content.assemble(("Filters: ", "bold"), ("none", "dim"), (" (f or ctrl+p to narrow)", "dim"))
    pieces: list[Content | str | tuple[str, str]] = [("Filters: ", "bold")]
    for n, (name, value) in enumerate(parts):
        if n:
            pieces.append(("  ", ""))
        pieces += [(f"{name} ", "dim"), text(value, "$text-accent")]
    return Content.assemble(*pieces)


def counts_line(st: Stats, by: str, width: int) -> Content:
    """Releases per year (or month) of the selection, as a strip of bars with its span."""
    counts = st.by_year if by == "year" else st.by_month
    if not counts:
        return Content.styled(f"By {by}: no dated releases", "dim")
    from cstonews.output import _timeline

    line = _timeline(st, by)
    keys = list(line)
    room = max(8, width - 34)
    if len(keys) > room:  # the latest periods, as many as fit
        keys = keys[-room:]
    top = max(line[k] for k in keys) or 1
    bars = "".join(_BARS[max(1, round(line[k] * 8 / top))] if line[k] else "·" for k in keys)
    peak = max(keys, key=lambda k: (line[k], k))
    return Content.assemble(
        (f"By {by}: ", "bold"),
        (f"{keys[0]} ", "dim"),
        (bars, "$text-success"),
        (f" {keys[-1]}", "dim"),
        (f"  peak {peak}: {line[peak]:,}", ""),
    )
