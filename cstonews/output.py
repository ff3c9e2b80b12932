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
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from cstonews.release import CONTRACT_FIELDS, PageReading, Release
from cstonews.text import inert

if TYPE_CHECKING:
    from rich.console import Console

    from cstonews.archive import Hit, Stats
    from cstonews.environment import Environment

LIST_FORMATS = ("table", "json", "jsonl", "csv", "ids")
SHOW_FORMATS = ("text", "markdown", "json")
PARSE_FORMATS = ("text", "json")
STATS_FORMATS = ("text", "json", "csv")
EXPORT_FORMATS = ("jsonl", "json", "csv", "markdown")

_DATE_SOURCE = {
    "stamp": "publication stamp",
    "lead": "read from the lead",
    "title": "read from the title",
    "body": "read from the body",
}
# Characters JSON may carry raw but a terminal would act on: C1 controls and bidi overrides.
_JSON_UNSAFE = re.compile("[\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def _console(env: Environment, *, stderr: bool = False) -> Console:
    from rich.console import Console

    tty = env.stderr_isatty if stderr else env.stdout_isatty
    return Console(
        file=env.stderr if stderr else env.stdout,
        force_terminal=tty,
        no_color=env.no_color,
        width=env.width if tty else 100,
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


# --- lists of releases ----------------------------------------------------------------


def releases(env: Environment, items: Sequence[Release], fmt: str, hits: Sequence[Hit] | None = None) -> None:
    """Print releases (from `list`, or `search` with its hits) in one of LIST_FORMATS."""
    out = env.stdout
    if fmt in ("json", "jsonl"):
        rows = [_record(r, h) for r, h in _pairs(items, hits)]
        if fmt == "json":
            out.write(to_json(rows) + "\n")
        else:
            for row in rows:
                out.write(to_json(row, indent=None) + "\n")
    elif fmt == "csv":
        _csv(env, [_record(r, h) for r, h in _pairs(items, hits)], with_snippet=hits is not None)
    elif fmt == "ids":
        for r in items:
            out.write(r.id + "\n")
    elif env.stdout_isatty:
        _rich_list(env, items, hits)
    else:
        _plain_list(env, items, hits)


def _pairs(items: Sequence[Release], hits: Sequence[Hit] | None) -> Iterator[tuple[Release, Hit | None]]:
    if hits is None:
        for r in items:
            yield r, None
    else:
        for h in hits:
            yield h.release, h


def _plain_snippet(s: str) -> str:
    return inert(s.replace("\x02", "").replace("\x03", ""))


def _record(r: Release, hit: Hit | None) -> dict[str, Any]:
    d = r.to_dict()
    if hit is not None:
        d["snippet"] = " ".join(_plain_snippet(hit.snippet).split())
    return d


def _csv(env: Environment, rows: list[dict[str, Any]], with_snippet: bool) -> None:
    fields = [*CONTRACT_FIELDS, *(["snippet"] if with_snippet else [])]
    w = csv.writer(env.stdout, lineterminator="\n")
    w.writerow(fields)
    for row in rows:
        cells = []
        for f in fields:
            v = row.get(f)
            if isinstance(v, list):
                v = ("\n\n" if f == "body" else " | ").join(v)
            cells.append(inert(str(v)) if v is not None else "")
        w.writerow(cells)


def _plain_list(env: Environment, items: Sequence[Release], hits: Sequence[Hit] | None) -> None:
    out = env.stdout
    rows = [r for r, _ in _pairs(items, hits)]
    id_width = min(max((len(r.id) for r in rows), default=0), 60)
    for r, h in _pairs(items, hits):
        tag = "[teaser] " if r.kind == "teaser" else ""
        out.write(f"{r.id:<{id_width}}  {r.date or 'undated':<10}  {tag}{_label(r)}\n")
        if h is not None and h.snippet:
            out.write(f"    {' '.join(_plain_snippet(h.snippet).split())}\n")


def _snippet_text(s: str) -> Any:
    from rich.text import Text

    text = Text()
    for n, part in enumerate(re.split(r"[\x02\x03]", " ".join(s.split()))):
        text.append(inert(part), style="bold yellow" if n % 2 else "")
    return text


def _rich_list(env: Environment, items: Sequence[Release], hits: Sequence[Hit] | None) -> None:
    from rich import box
    from rich.table import Table
    from rich.text import Text

    console = _console(env)
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, expand=False)
    table.add_column("id", style="cyan", no_wrap=True, overflow="ellipsis", max_width=48)
    table.add_column("date", no_wrap=True)
    table.add_column("title", overflow="fold", ratio=1)
    for r, h in _pairs(items, hits):
        label = Text()
        if r.kind == "teaser":
            label.append("teaser ", style="dim italic")
        label.append(_label(r, 100), style="bold" if r.title else "")
        if h is not None and h.snippet:
            label.append("\n")
            label.append_text(_snippet_text(h.snippet))
        date = Text(r.date or "undated", style="" if r.date else "dim")
        table.add_row(Text(r.id), date, label)
    console.print(table)


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
    lines = [inert(r.title) if r.title else "Teaser (no article for it in the archive)"]
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


def _marked(match: str | None, s: str) -> str:
    """`s` (inert already) with the words the search `match` matched between \\x02 and \\x03."""
    if not match:
        return s
    from cstonews.query import highlight

    return highlight(match, s)


def _markdown(r: Release, match: str | None = None) -> str:
    def esc(s: str) -> str:
        s = re.sub(r"([\\`*_\[\]<>#|])", r"\\\1", _marked(match, inert(s)))
        return s.replace("\x02", "**").replace("\x03", "**")

    parts = [f"# {esc(r.title) if r.title else 'Teaser'}", ""]
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
        title = _snippet_text(_marked(match, inert(r.title))) if r.title else Text("Teaser")
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
            text = _snippet_text(_marked(match, inert(p))) if match else Text(inert(p))
            console.print(Padding(text, (0, 0, 1, 0)), width=min(env.width, 100))
        for name, values in _facts(r):
            if values:
                line = Text(f"{name}: ", style="bold dim")
                line.append(", ".join(inert(v) for v in values))
                console.print(line)
    rendered = cap.get()
    if use_pager and rendered.count("\n") > env.height and _page(env, rendered):
        return
    env.stdout.write(rendered)


def _page(env: Environment, text: str) -> bool:
    """Send `text` through $PAGER (default `less -R`); False if no pager could run."""
    import shlex
    import subprocess

    cmd = shlex.split(env.pager)
    if cmd and cmd[0] == "less" and len(cmd) == 1:
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
            out.write(f"  warning: {inert(w)}\n")


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


def _default_by(st: Stats, query: str | None) -> str:
    if query is not None:
        return "month"
    if st.first and st.last and int(st.last[:4]) - int(st.first[:4]) <= 2:
        return "month"
    return "year"


def _peak(counts: dict[str, int]) -> tuple[str, int] | None:
    return max(counts.items(), key=lambda kv: (kv[1], kv[0])) if counts else None


def stats(env: Environment, st: Stats, fmt: str, *, by: str | None, query: str | None, top: int) -> None:
    """Print what `stats` counted: bars per period, then the most named countries and people."""
    per = by or _default_by(st, query)
    peak = _peak(st.by_month)
    if fmt == "json":
        d = st.to_dict()
        d["query"] = query
        d["peak_month"] = {"month": peak[0], "count": peak[1]} if peak else None
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
            for k, n in getattr(st, section).items() if section not in ("by_year", "by_month") else sorted(
                getattr(st, section).items()
            ):
                w.writerow([section, inert(k), n])
        return
    out = env.stdout
    what = f"releases matching {inert(query)!r}" if query is not None else "releases"
    span = f", {st.first} to {st.last}" if st.first else ""
    undated = f" ({st.undated} undated)" if st.undated else ""
    out.write(f"{st.total:,} {what}{span}{undated}\n")
    if query is not None and peak:
        out.write(f"Peak: {peak[0]}, {peak[1]:,} {'release' if peak[1] == 1 else 'releases'}\n")
    line = _timeline(st, per)
    if line:
        out.write(f"\nBy {per}\n")
        biggest = max(line.values()) or 1
        width = 40
        for k, n in line.items():
            bar = "█" * round(n / biggest * width) if n else ""
            if n and not bar:
                bar = "▏"
            out.write(f"  {k}  {bar:<{width}}  {n:>{len(str(biggest))}}\n")
    for title, counts in (("Member states", st.countries), ("Other countries", st.other_countries),
                          ("People", st.people)):  # fmt: skip
        if not counts:
            continue
        out.write(f"\n{title}\n")
        shown = list(counts.items())[:top]
        name_width = max(len(inert(k)) for k, _ in shown)
        for k, n in shown:
            out.write(f"  {inert(k):<{name_width}}  {n:>6,}\n")
        if len(counts) > top:
            out.write(f"  … and {len(counts) - top} more (--top N)\n")


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
            cells = []
            for f in fields:
                v = d.get(f)
                if f == "roles":
                    v = [f"{p.get('name')}: {p.get('role')}" for p in v or []]
                if isinstance(v, list):
                    v = ("\n\n" if f == "body" else " | ").join(v)
                cells.append(inert(str(v)) if v is not None else "")
            w.writerow(cells)
    else:
        for n, r in enumerate(items):
            if n:
                stream.write("\n---\n\n")
            stream.write(_markdown(r))
