"""Every way cstonews prints: Rich views on a terminal, plain text on a pipe, JSON, CSV.

Page text is data. It reaches Rich only inside `Text` objects (never as markup), and every
human format drops control characters first; JSON escapes them instead, so that it stays
exact and valid; CSV drops them.
"""

from __future__ import annotations

import csv
import json
import re
import textwrap
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from enum import Enum
from typing import TYPE_CHECKING, Any

from cstonews.release import CONTRACT_FIELDS, PageReading, Release
from cstonews.text import inert

if TYPE_CHECKING:
    from rich.console import Console

    from cstonews.archive import Hit, Stats
    from cstonews.environment import Environment


class ListFormat(str, Enum):
    table = "table"
    json = "json"
    jsonl = "jsonl"
    csv = "csv"
    ids = "ids"


class ShowFormat(str, Enum):
    """One release's formats, then those of the list `show --related` makes."""

    text = "text"
    markdown = "markdown"
    json = "json"
    table = "table"
    jsonl = "jsonl"
    csv = "csv"
    ids = "ids"


class StatsFormat(str, Enum):
    text = "text"
    json = "json"
    csv = "csv"


class ExportFormat(str, Enum):
    jsonl = "jsonl"
    json = "json"
    csv = "csv"
    markdown = "markdown"


class ParseFormat(str, Enum):
    text = "text"
    json = "json"


LIST_FORMATS = tuple(f.value for f in ListFormat)
SHOW_FORMATS = ("text", "markdown", "json")
PARSE_FORMATS = tuple(f.value for f in ParseFormat)
STATS_FORMATS = tuple(f.value for f in StatsFormat)
EXPORT_FORMATS = tuple(f.value for f in ExportFormat)
FIELDS_FORMATS = ("json", "jsonl", "csv")  # the formats --fields chooses the fields of
TEASER_HEADING = "Teaser (no article for it in the archive)"  # a teaser's title, in every format

_DATE_SOURCE = {
    "stamp": "publication stamp",
    "lead": "read from the lead",
    "title": "read from the title",
    "body": "read from the body",
}
# Characters JSON may carry raw but a terminal would act on: C1 controls and bidi overrides.
_JSON_UNSAFE = re.compile("[\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_MARKS = re.compile("[\x02\x03]")
_MATCH_STYLE = "bold yellow"
_ID_STYLE = "cyan"
_PIPE_WIDTH = 100  # what a Rich view is laid out at when it is not on a terminal


def _console(env: Environment, *, stderr: bool = False, width: int | None = None) -> Console:
    from rich.console import Console

    tty = env.stderr_isatty if stderr else env.stdout_isatty
    color = env.color(stderr=stderr)
    return Console(
        file=env.stderr if stderr else env.stdout,
        force_terminal=color,
        no_color=not color,
        color_system="standard" if color else None,
        width=width or (env.width if tty else _PIPE_WIDTH),
        highlight=False,
        markup=False,
        emoji=False,
        soft_wrap=False,
    )


def to_json(obj: Any, *, indent: int | None = 2) -> str:
    text = json.dumps(obj, ensure_ascii=False, indent=indent)
    return _JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group(0)):04x}", text)


def _shorten(s: str, width: int) -> str:
    s = " ".join(s.split())
    return s if len(s) <= width else s[: width - 1].rstrip() + "…"


def _label(r: Release, width: int = 110) -> str:
    """What a list shows for a release: its title, or a teaser's shortened lead."""
    return inert(r.title) if r.title else _shorten(inert(r.lead), width)


def message(env: Environment, text: str) -> None:
    """One line on stderr: an error, or a note about what was skipped."""
    env.stderr.write(f"cstonews: {inert(text)}\n")


def nothing(env: Environment, text: str) -> None:
    """Say on a terminal that nothing was found; a pipe gets only the empty output."""
    if env.stdout_isatty:
        message(env, text)


def emit(env: Environment, text: str, *, pager: bool = True) -> None:
    """Write `text`, through the pager when it is on a terminal and longer than the screen."""
    if pager and env.stdout_isatty and text.count("\n") >= env.height and _page(env, text):
        return
    env.stdout.write(text)


def _page(env: Environment, text: str) -> bool:
    """Send `text` through the pager (default `less -R`); False if no pager could run."""
    import shlex
    import subprocess

    cmd = shlex.split(env.pager)
    if not cmd:
        return False
    if cmd[0] == "less" and len(cmd) == 1:
        cmd.append("-R")
    try:
        proc = subprocess.Popen(
            cmd, stdin=subprocess.PIPE, env={**env.environ, "LESS": env.environ.get("LESS", "FRX")}
        )
    except OSError:
        return False
    assert proc.stdin is not None
    try:
        proc.stdin.write(text.encode("utf-8", "replace"))
        proc.stdin.close()
    except BrokenPipeError:
        pass
    proc.wait()
    return True


def _render(env: Environment, lines: Iterable[Any], width: int | None = None) -> str:
    """Rich `Text` lines as the terminal (or a coloured pipe) shows them: never wrapped
    or cut, so that a long id stays whole."""
    console = _console(env, width=width)
    with console.capture() as cap:
        for line in lines:
            console.print(line, no_wrap=True, overflow="ignore", crop=False)
    return cap.get()


# --- lists of releases ----------------------------------------------------------------


def releases(
    env: Environment,
    items: Sequence[Release],
    fmt: str,
    hits: Sequence[Hit] | None = None,
    *,
    fields: Sequence[str] | None = None,
    pager: bool = True,
) -> None:
    """Print releases (from `list`, or `search` with its hits) in one of LIST_FORMATS;
    `fields` chooses the fields of json, jsonl and csv."""
    out = env.stdout
    if fmt in ("json", "jsonl"):
        rows = [_record(r, h, fields) for r, h in _pairs(items, hits)]
        if fmt == "json":
            out.write(to_json(rows) + "\n")
        else:
            for row in rows:
                out.write(to_json(row, indent=None) + "\n")
    elif fmt == "csv":
        default = [*CONTRACT_FIELDS, *(["snippet"] if hits is not None else [])]
        _csv(env, [_record(r, h, fields) for r, h in _pairs(items, hits)], list(fields or default))
    elif fmt == "ids":
        for r in items:
            out.write(r.id + "\n")
    elif not items:
        return  # no header over nothing: the command says so on stderr
    elif env.stdout_isatty:
        emit(env, _render(env, table_lines(list(_pairs(items, hits)), env.width)), pager=pager)
    elif env.color():
        env.stdout.write(_render(env, _plain_lines(list(_pairs(items, hits))), width=10_000))
    else:
        for line in _plain_lines(list(_pairs(items, hits)), styled=False):
            out.write(f"{line}\n")


def record_fields(with_snippet: bool) -> list[str]:
    """The fields --fields may name: a release's, and a search hit's snippet."""
    return [*CONTRACT_FIELDS, *(f for f in Release.__dataclass_fields__ if f not in CONTRACT_FIELDS),
            *(["snippet"] if with_snippet else [])]  # fmt: skip


def _pairs(items: Sequence[Release], hits: Sequence[Hit] | None) -> list[tuple[Release, Hit | None]]:
    if hits is None:
        return [(r, None) for r in items]
    return [(h.release, h) for h in hits]


def _plain_snippet(s: str) -> str:
    return inert(_MARKS.sub("", s))


def _record(r: Release, hit: Hit | None, fields: Sequence[str] | None = None) -> dict[str, Any]:
    d = r.to_dict()
    if hit is not None:
        d["snippet"] = " ".join(_plain_snippet(hit.snippet).split())
    if fields:
        return {f: d.get(f) for f in fields}
    return d


def _csv(env: Environment, rows: list[dict[str, Any]], fields: list[str]) -> None:
    w = csv.writer(env.stdout, lineterminator="\n")
    w.writerow(fields)
    for row in rows:
        w.writerow([_csv_cell(f, row.get(f)) for f in fields])


def _csv_cell(name: str, v: Any) -> str:
    if name == "roles":
        v = [f"{p.get('name')}: {p.get('role')}" for p in v or []]
    if isinstance(v, list):
        v = ("\n\n" if name == "body" else " | ").join(v)
    return inert(str(v)) if v is not None else ""


def _marked(text: str, style: str = "") -> Any:
    """Rich Text of `text` whose words between \\x02 and \\x03 are shown as matches."""
    from rich.text import Text

    out = Text(style=style)
    for n, part in enumerate(_MARKS.split(text)):
        out.append(inert(part), style=_MATCH_STYLE if n % 2 else "")
    return out


def _title_marks(title: str, indexed: str) -> str:
    """`title` with the marks the index put in its own copy of it (look-alike letters
    folded, one for one), or `title` unmarked when the two do not line up."""
    if _MARKS.sub("", indexed) != indexed and len(_MARKS.sub("", indexed)) == len(title):
        out, i = [], 0
        for part in re.split("([\x02\x03])", indexed):
            if part in ("\x02", "\x03"):
                out.append(part)
            else:
                out.append(title[i : i + len(part)])
                i += len(part)
        return "".join(out)
    return title


def _title_text(r: Release, hit: Hit | None, lead_width: int = 110) -> Any:
    """A release's title (a teaser: `teaser` and its lead) with the matched words marked."""
    from rich.text import Text

    if not r.title:
        label = Text()
        label.append("teaser ", style="dim italic")
        label.append(_shorten(inert(r.lead), lead_width))
        return label
    marked = _title_marks(r.title, hit.title) if hit is not None and hit.title else r.title
    return _marked(" ".join(marked.split()), style="bold")


MIN_TITLE = 20  # fewer columns than this beside the id and date: the title goes below them


def table_lines(pairs: Sequence[tuple[Release, Hit | None]], width: int) -> list[Any]:
    """The terminal's table: a header, then one line a release where the width allows
    and two at most. Ids are never cut (their column is as wide as the longest); the title
    is shortened with `…` instead."""
    from rich.text import Text

    id_width = max((len(r.id) for r, _ in pairs), default=2)
    room = width - id_width - 2 - 10 - 2
    beside = room >= MIN_TITLE
    date_beside = id_width + 12 <= width
    header = f"{'ID':<{id_width}}  {'DATE':<10}" if date_beside else "ID"
    lines = [Text(header + ("  TITLE" if beside else ""), style="bold dim")]
    for r, hit in pairs:
        row = Text()
        row.append(f"{r.id:<{id_width}}", style=_ID_STYLE)
        date = Text(f"{r.date or 'undated':<10}", style="" if r.date else "dim")
        title = _title_text(r, hit)
        snippet = (
            _marked(" ".join(hit.snippet.split()), style="dim") if hit is not None and hit.snippet else None
        )
        if beside:
            row.append("  ").append_text(date).append("  ")
            title.truncate(room, overflow="ellipsis")
            row.append_text(title)
            lines.append(row)
            if snippet is not None:
                lines.append(_shortened(Text("    ").append_text(snippet), width))
            continue
        below = Text("    ")
        if date_beside:
            row.append("  ").append_text(date)
        else:  # an id about as wide as the screen: the date goes below it
            below.append_text(date).append("  ")
        below.append_text(title)
        if snippet is not None:
            below.append(" · ", style="dim").append_text(snippet)
        lines += [row, _shortened(below, width)]
    return lines


def _shortened(text: Any, width: int) -> Any:
    text.truncate(width, overflow="ellipsis")
    return text


def _plain_lines(pairs: Sequence[tuple[Release, Hit | None]], *, styled: bool = True) -> list[Any]:
    """A line a release for pipes (`id  date  title`, a search's snippet below), whole."""
    from_width = min(max((len(r.id) for r, _ in pairs), default=0), 60)
    lines: list[Any] = []
    for r, h in pairs:
        tag = "[teaser] " if r.kind == "teaser" else ""
        head = f"{r.id:<{from_width}}  {r.date or 'undated':<10}  "
        snippet = " ".join(h.snippet.split()) if h is not None and h.snippet else ""
        if not styled:
            lines.append(f"{head}{tag}{_label(r)}")
            if snippet:
                lines.append(f"    {_plain_snippet(snippet)}")
            continue
        from rich.text import Text

        row = Text()
        row.append(f"{r.id:<{from_width}}", style=_ID_STYLE).append(head[from_width:]).append(tag)
        row.append_text(_title_text(r, h) if r.title else Text(_label(r)))
        lines.append(row)
        if snippet:
            lines.append(Text("    ").append_text(_marked(snippet)))
    return lines


# --- one release ------------------------------------------------------------------------


def release(env: Environment, r: Release, fmt: str, *, pager: bool = True, match: str | None = None) -> None:
    """Print one release in full, in one of SHOW_FORMATS; with `match` (a search query), the
    words it matched are marked in the title and body (text on a terminal, and markdown)."""
    if fmt == "json":
        env.stdout.write(to_json(r.to_dict()) + "\n")
    elif fmt == "markdown":
        env.stdout.write(_markdown(r, match))
    elif env.stdout_isatty:
        _rich_release(env, r, pager, match)
    else:
        env.stdout.write(_plain_release(r))


def _date_line(r: Release) -> str:
    if not r.date:
        return "date unknown"
    line = f"{r.date} ({_DATE_SOURCE.get(r.date_source or '', r.date_source or '')})"
    if r.event_date:
        line += f"; the lead names {r.event_date}"
    return line


def _facts(r: Release) -> list[tuple[str, list[str]]]:
    roles = {p.get("name"): p.get("role") for p in r.roles}
    return [
        ("Countries", r.countries),
        ("Other countries", r.other_countries),
        ("People", [f"{p} ({roles[p]})" if roles.get(p) else p for p in r.people]),
        ("Photos", r.photos),
        ("Attachments", r.attachments),
        ("Contacts", r.contacts),
        ("Sources", r.sources),
    ]


def _plain_release(r: Release, width: int = 80) -> str:
    lines = [inert(r.title) if r.title else TEASER_HEADING]
    if r.subtitle:
        lines.append(inert(r.subtitle))
    lines.append(_date_line(r) + f" · {r.kind} · {r.lang} · {r.id}")
    lines.append("")
    for p in r.body or [r.lead]:
        lines.extend(textwrap.wrap(inert(p), width) or [""])
        lines.append("")
    for name, values in _facts(r):
        if values:
            lines.append(f"{name}: " + ", ".join(inert(v) for v in values))
    return "\n".join(lines) + "\n"


def _match_marks(match: str | None, s: str) -> str:
    """`s` (inert already) with the words the search `match` matched between \\x02 and \\x03."""
    if not match:
        return s
    from cstonews.query import highlight

    return highlight(match, s)


def _markdown(r: Release, match: str | None = None) -> str:
    def esc(s: str) -> str:
        s = re.sub(r"([\\`*_\[\]<>#|])", r"\\\1", _match_marks(match, inert(s)))
        return s.replace("\x02", "**").replace("\x03", "**")

    parts = [f"# {esc(r.title or TEASER_HEADING)}", ""]
    if r.subtitle:
        parts += [f"*{esc(r.subtitle)}*", ""]
    parts += [f"**Date:** {_date_line(r)}  ", f"**Id:** `{r.id}`", ""]
    for p in r.body or [r.lead]:
        parts += [esc(p), ""]
    for name, values in _facts(r):
        if values:
            parts.append(f"**{name}:** " + ", ".join(esc(v) for v in values) + "  ")
    return "\n".join(parts).rstrip() + "\n"


def _rich_release(env: Environment, r: Release, use_pager: bool, match: str | None = None) -> None:
    from rich.padding import Padding
    from rich.text import Text

    console = _console(env)
    with console.capture() as cap:
        title = _marked(_match_marks(match, inert(r.title))) if r.title else Text(TEASER_HEADING)
        title.stylize("bold")
        console.print(title)
        if r.subtitle:
            console.print(Text(inert(r.subtitle), style="italic"))
        meta = Text(_date_line(r), style="green" if r.date else "dim")
        meta.append(f"  {r.kind} · {r.lang} · ", style="dim")
        meta.append(r.id, style="cyan")
        console.print(meta)
        console.print()
        for p in r.body or [r.lead]:
            text = _marked(_match_marks(match, inert(p))) if match else Text(inert(p))
            console.print(Padding(text, (0, 0, 1, 0)), width=min(env.width, 100))
        for name, values in _facts(r):
            if values:
                line = Text(f"{name}: ", style="bold dim")
                line.append(", ".join(inert(v) for v in values))
                console.print(line)
    emit(env, cap.get(), pager=use_pager)


# --- parse ---------------------------------------------------------------------------------


def _count(n: int, what: str) -> str:
    return f"{n} {what}" if n == 1 else f"{n} {what}s"


def pages(env: Environment, readings: Sequence[PageReading], fmt: str) -> None:
    if fmt == "json":
        env.stdout.write(to_json([p.to_dict() for p in readings]) + "\n")
        return
    out = env.stdout
    for p in readings:
        out.write(f"{inert(p.source)}\n")
        a = p.article
        if a:
            out.write(f"  article  {a.date or 'undated':<10}  {inert(a.title or '')}\n")
            counts = ", ".join(_count(n, what) for n, what in
                               ((len(a.body), "paragraph"), (len(a.photos), "photo"), (len(a.contacts), "contact line")))  # fmt: skip
            out.write(f"           date: {_date_line(a)}; {counts}\n")
        else:
            out.write("  no article\n")
        for t in p.teasers:
            out.write(f"  teaser   {t.date or 'undated':<10}  {_shorten(inert(t.lead), 90)}\n")
        for w in p.warnings:
            out.write(f"  warning: {inert(w.text)}\n")


# --- index -----------------------------------------------------------------------------------


@contextmanager
def progress(env: Environment, label: str) -> Iterator[Callable[[int, int], None] | None]:
    """A progress callback showing a Rich bar on a terminal for long refreshes."""
    if not env.stderr_isatty:
        yield None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    bar = Progress(
        TextColumn(label), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
        console=_console(env, stderr=True), transient=True,
    )  # fmt: skip
    task = None

    def update(done: int, total: int) -> None:
        nonlocal task
        if total < 200:
            return  # short refreshes finish before a bar would help
        if task is None:
            bar.start()
            task = bar.add_task(label, total=total)
        bar.update(task, completed=done)

    try:
        yield update
    finally:
        if task is not None:
            bar.stop()


# --- stats ------------------------------------------------------------------------------


def _timeline(st: Stats, by: str) -> dict[str, int]:
    """Counts per year or month from the first to the last, the empty ones included."""
    counts = st.by_year if by == "year" else st.by_month
    if not counts:
        return {}
    first, last = min(counts), max(counts)
    out: dict[str, int] = {}
    if by == "year":
        for y in range(int(first), int(last) + 1):
            out[str(y)] = counts.get(str(y), 0)
        return out
    y, m = int(first[:4]), int(first[5:7])
    while f"{y:04d}-{m:02d}" <= last:
        out[f"{y:04d}-{m:02d}"] = counts.get(f"{y:04d}-{m:02d}", 0)
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


MAX_BARS = 40  # a timeline longer than this in months is drawn by year, unless --by month


def _default_by(st: Stats) -> str:
    """Months when the span has at most MAX_BARS of them, else years."""
    if not st.first or not st.last:
        return "year"
    months = (int(st.last[:4]) - int(st.first[:4])) * 12 + int(st.last[5:7]) - int(st.first[5:7]) + 1
    return "month" if months <= MAX_BARS else "year"


def peaks(counts: dict[str, int]) -> tuple[list[str], int]:
    """The periods with the most releases (all of them, in order, where several tie) and that count."""
    if not counts:
        return [], 0
    top = max(counts.values())
    return sorted(k for k, n in counts.items() if n == top), top


def _and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def stats(
    env: Environment, st: Stats, fmt: str, *, by: str | None, query: str | None, top: int, pager: bool = True
) -> None:
    """Print what `stats` counted: bars per period, then the most named countries and people."""
    per = by or _default_by(st)
    peak_months, peak_count = peaks(st.by_month)
    if fmt == "json":
        d = st.to_dict()
        d["query"] = query
        d["peak_month"] = {"month": peak_months[0], "count": peak_count} if peak_months else None
        d["peak_months"] = peak_months
        env.stdout.write(to_json(d) + "\n")
        return
    if fmt == "csv":
        w = csv.writer(env.stdout, lineterminator="\n")
        w.writerow(["section", "key", "count"])
        w.writerow(["total", "", st.total])
        w.writerow(["undated", "", st.undated])
        w.writerow(["first", st.first or "", ""])
        w.writerow(["last", st.last or "", ""])
        for section in ("by_year", "by_month", "countries", "other_countries", "people"):
            counts = getattr(st, section)
            for k, n in sorted(counts.items()) if section.startswith("by_") else counts.items():
                w.writerow([section, inert(k), n])
        return
    lines = []
    what = f"releases matching {inert(query)!r}" if query is not None else "releases"
    span = f", {st.first} to {st.last}" if st.first else ""
    undated = f" ({st.undated} undated)" if st.undated else ""
    lines.append(f"{st.total:,} {what}{span}{undated}")
    line = _timeline(st, per)
    if query is not None and line:
        names, n = peaks({k: v for k, v in line.items() if v})
        each = " each" if len(names) > 1 else ""
        lines.append(f"Peak: {_and(names)}, {n:,} {'release' if n == 1 else 'releases'}{each}")
    if line:
        lines += ["", f"By {per}"]
        biggest = max(line.values()) or 1
        width = 40
        for k, n in line.items():
            bar = "█" * round(n / biggest * width) if n else ""
            if n and not bar:
                bar = "▏"
            lines.append(f"  {k}  {bar:<{width}}  {n:>{len(str(biggest))}}")
    for title, counts in (("Member states", st.countries), ("Other countries", st.other_countries),
                          ("People", st.people)):  # fmt: skip
        if not counts:
            continue
        lines += ["", title]
        shown = list(counts.items())[:top]
        name_width = max(len(inert(k)) for k, _ in shown)
        for k, n in shown:
            lines.append(f"  {inert(k):<{name_width}}  {n:>6,}")
        if len(counts) > top:
            lines.append(f"  … and {len(counts) - top} more (--top N)")
    emit(env, "\n".join(lines) + "\n", pager=pager)


# --- export -----------------------------------------------------------------------------


def _all_fields(items: Sequence[Release]) -> list[str]:
    extra = [f for f in Release.__dataclass_fields__ if f not in CONTRACT_FIELDS]
    return [*CONTRACT_FIELDS, *extra]


def export(stream: Any, items: Sequence[Release], fmt: str) -> None:
    """Every field of every release, for spreadsheets, pandas or a bulk loader."""
    if fmt == "jsonl":
        for r in items:
            stream.write(to_json(r.to_dict(), indent=None) + "\n")
    elif fmt == "json":
        stream.write(to_json([r.to_dict() for r in items]) + "\n")
    elif fmt == "csv":
        fields = _all_fields(items)
        w = csv.writer(stream, lineterminator="\n")
        w.writerow(fields)
        for r in items:
            d = r.to_dict()
            w.writerow([_csv_cell(f, d.get(f)) for f in fields])
    else:
        for n, r in enumerate(items):
            if n:
                stream.write("\n---\n\n")
            stream.write(_markdown(r))
