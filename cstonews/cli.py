"""The command line: Typer commands that read options, call the core, and print.

Every exception ends in `run`, which `errors.outcome` turns into one line and an exit code.
"""

from __future__ import annotations

import contextlib
import copy
import functools
import inspect
from dataclasses import dataclass, fields
from datetime import date
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, get_type_hints

import typer
from typer.core import TyperCommand, TyperGroup

from cstonews import __version__
from cstonews.environment import Environment
from cstonews.errors import CstonewsError, ExitCode, exit_codes_help, is_usage_error, outcome
from cstonews.output import SHOW_FORMATS, ExportFormat, ListFormat, ParseFormat, ShowFormat, StatsFormat
from cstonews.selection import DEFAULT_LIMIT

if TYPE_CHECKING:
    from cstonews.archive import Archive, Selection

SUMMARY_AFTER = 10  # a refresh names up to this many files it had trouble with; more are summed up


def _epilog(*examples: str) -> str:
    """Examples, then the exit codes; `\\b` keeps Click from rewrapping them."""
    shown = "\n".join(f"  {e}" for e in examples)
    return f"\b\nExamples:\n{shown}\n\n\b\n{exit_codes_help()}"


class _Group(TyperGroup):
    """Turns an error inside a command into one line on stderr and its exit code."""

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except Exception as e:
            if _reader_gone(e):  # `| head`: Typer would exit 1; a closed pipe is no error
                _silence_stdout()
                raise typer.Exit(ExitCode.OK) from None
            message, code = outcome(e)
            env = _env(ctx)
            if message is None or env.environ.get("CSTONEWS_DEBUG"):
                raise  # an exit, a closed pipe: `run` ends those
            from cstonews import output

            output.message(env, message)
            raise typer.Exit(code) from None


app = typer.Typer(
    cls=_Group,
    name="cstonews",
    help="Browse an archive of saved CSTO press releases: list, filter, search and read them.",
    epilog=_epilog(
        "cstonews list --since 'last year'",
        "cstonews search arms control --since 2019",
        "cstonews show 2019-04-02",
    ),
    add_completion=False,
    invoke_without_command=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"cstonews {__version__}")
        raise typer.Exit()


class Color(str, Enum):
    auto = "auto"
    always = "always"
    never = "never"


ArchiveOpt = Annotated[
    Path | None,
    typer.Option(
        "--archive", "-a", metavar="DIR",
        help="Folder of saved pages (*.txt, searched recursively). "
        "Default: $CSTONEWS_ARCHIVE, else the bundled samples.",
        show_default=False,
    ),
]  # fmt: skip
ColorOpt = Annotated[
    Color | None,
    typer.Option(
        "--color", case_sensitive=False, show_default=False,
        help="Colour the output: auto (on a terminal, unless NO_COLOR is set), always or never.",
    ),
]  # fmt: skip
NoPagerOpt = Annotated[
    bool, typer.Option("--no-pager", help="Never page the output ($CSTONEWS_PAGER, else $PAGER, else less).")
]


@app.callback()
def main(
    ctx: typer.Context,
    archive: ArchiveOpt = None,
    color: ColorOpt = None,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version and exit.")
    ] = False,
) -> None:
    """Browse an archive of saved CSTO press releases: list, filter, search and read them."""
    env = _env(ctx, color)
    ctx.meta["archive"] = archive
    if ctx.invoked_subcommand is None:  # `cstonews` alone: the help, once, and success
        env.stdout.write(ctx.get_help() + "\n")
        raise typer.Exit(0)


def _env(ctx: typer.Context, color: Color | None = None) -> Environment:
    """The environment of this run; a command's --color, if given, sets its colour."""
    root = ctx.find_root()
    if not isinstance(root.obj, Environment):
        root.obj = Environment.from_os()
    if color is not None:
        root.obj.color_mode = color.value
    return root.obj


# --- the filter options: declared once, shared by every command that selects releases ----


class Kind(str, Enum):
    article = "article"
    teaser = "teaser"


class Lang(str, Enum):
    en = "en"
    ru = "ru"


@dataclass
class Filters:
    """The options that choose releases, as one value a command receives (see `with_filters`)."""

    since: Annotated[
        str | None,
        typer.Option(
            "--since", metavar="DATE", show_default=False,
            help="From this date on: 2019, 2019-05, 'May 2019', 17.05.2019, or relative: "
            "yesterday, 'last month', '2 weeks ago', 'this year'.",
        ),
    ] = None  # fmt: skip
    until: Annotated[
        str | None,
        typer.Option(
            "--until", metavar="DATE", show_default=False,
            help="Up to this date (the same forms); a partial date means its whole period.",
        ),
    ] = None  # fmt: skip
    keyword: Annotated[
        list[str] | None,
        typer.Option(
            "--keyword", "-k", metavar="WORD", show_default=False,
            help="Whole word in title or body (repeatable; all must occur).",
        ),
    ] = None  # fmt: skip
    kind: Annotated[
        Kind | None,
        typer.Option(
            "--kind", case_sensitive=False, show_default=False, help="Only articles, or only teasers."
        ),
    ] = None
    lang: Annotated[
        Lang | None,
        typer.Option(
            "--lang", case_sensitive=False, show_default=False, help="Only releases in this language."
        ),
    ] = None
    country: Annotated[
        list[str] | None,
        typer.Option(
            "--country", metavar="NAME", show_default=False,
            help="Names this country, in any form (Armenia, Armenian, Армения); repeatable, all must match.",
        ),
    ] = None  # fmt: skip
    person: Annotated[
        list[str] | None,
        typer.Option(
            "--person", metavar="NAME", show_default=False,
            help="Names this person: a surname (Zas) or a name (S. Zas); repeatable, all must match.",
        ),
    ] = None  # fmt: skip
    around: Annotated[
        str | None,
        typer.Option(
            "--around",
            metavar="DATE",
            show_default=False,
            help="Within --window of this date, on both sides.",
        ),
    ] = None
    window: Annotated[
        str | None,
        typer.Option(
            "--window", metavar="N[d|w|m]", show_default=False,
            help="How far --around reaches on each side: 7d (the default), 2w, 3m.",
        ),
    ] = None  # fmt: skip

    def selection(self, today: date, *, limit: int = 0, offset: int = 0, reverse: bool = False) -> Selection:
        """The archive's Selection for these options; CstonewsError naming the option that is wrong."""
        from cstonews.archive import Selection

        countries = []
        for c in self.country or []:
            from cstonews.entities import country_name  # its patterns take a while to compile

            name = country_name(c)
            if name is None:
                raise CstonewsError(f"--country: no country called {c!r}")
            countries.append(name)
        sel = Selection(
            since=_period(self.since, "--since", end=False, today=today),
            until=_period(self.until, "--until", end=True, today=today),
            keywords=[k for k in self.keyword or [] if k.strip()],
            kind=Kind(self.kind).value if self.kind else None,  # the browser gives plain strings
            lang=Lang(self.lang).value if self.lang else None,
            limit=limit,
            offset=offset,
            reverse=reverse,
            countries=countries,
            people=[p for p in self.person or [] if p.strip()],
        )
        if self.window is not None and self.around is None:
            raise CstonewsError("--window needs --around: it says how far from that date to reach")
        if self.around is not None:
            from cstonews.dates import parse_window

            if self.since or self.until:
                raise CstonewsError("--around sets both ends of the period: use it without --since/--until")
            try:
                reach = parse_window(self.window or "7d")
            except ValueError as e:
                raise CstonewsError(f"--window: {e}") from None
            centre = _period_of(self.around, "--around", today)
            sel.since, sel.until = centre.first - reach, centre.last + reach
        if sel.since and sel.until and sel.since > sel.until:
            raise CstonewsError(f"--since {self.since} is after --until {self.until}")
        return sel


_HINTS = get_type_hints(Filters, include_extras=True)
_FILTERS = [inspect.Parameter(f.name, inspect.Parameter.KEYWORD_ONLY, default=f.default, annotation=_HINTS[f.name])
            for f in fields(Filters)]  # fmt: skip


def with_filters(command: Any) -> Any:
    """Give a command the filter options: Typer sees each option, the command receives them
    as one `filters: Filters`. Any command taking a `filters` parameter can use it."""
    sig = inspect.signature(command)
    hints = get_type_hints(command, include_extras=True, localns={"Filters": Filters})
    params = []
    for p in (p.replace(annotation=hints.get(p.name, p.annotation)) for p in sig.parameters.values()):
        if p.name == "filters":
            params += _FILTERS
        else:
            params.append(p.replace(kind=inspect.Parameter.KEYWORD_ONLY) if p.default is not p.empty else p)
    params.sort(key=lambda p: p.kind)  # keyword-only after the arguments, in their order

    @functools.wraps(command)
    def with_options(*args: Any, **kwargs: Any) -> Any:
        chosen = Filters(**{p.name: kwargs.pop(p.name) for p in _FILTERS})
        return command(*args, filters=chosen, **kwargs)

    with_options.__signature__ = sig.replace(parameters=params)  # type: ignore[attr-defined]
    with_options.__annotations__ = {p.name: p.annotation for p in params}
    return with_options


def _period(value: str | None, option: str, end: bool, today: date) -> date | None:
    if value is None:
        return None
    p = _period_of(value, option, today)
    return p.last if end else p.first


def _period_of(value: str, option: str, today: date) -> Any:
    from cstonews.dates import parse_period

    try:
        return parse_period(value, today)
    except ValueError as e:
        raise CstonewsError(f"{option}: {e}") from None


# --- the other shared options ------------------------------------------------------------


def _at_least(low: int) -> Any:
    """A check that an option's whole number is `low` or more, in cstonews's words."""

    def check(ctx: Any, param: Any, value: int) -> int:
        if value is not None and value < low:
            name = max(param.opts, key=len)
            raise CstonewsError(f"{name} must be a whole number of {low} or more, not {value}")
        return value

    return check


LimitOpt = Annotated[
    int,
    typer.Option("--limit", "-n", metavar="N", show_default=False, callback=_at_least(0),
                 help=f"At most N releases (default {DEFAULT_LIMIT}; 0 for all)."),
]  # fmt: skip
OffsetOpt = Annotated[
    int,
    typer.Option(
        "--offset",
        metavar="N",
        show_default=False,
        callback=_at_least(0),
        help="Skip the first N (for the next page).",
    ),
]
ReverseOpt = Annotated[
    bool, typer.Option("--reverse", "-r", help="Reverse the order (oldest first, or least relevant).")
]
ListFormatOpt = Annotated[
    ListFormat,
    typer.Option(
        "--format", "-f", case_sensitive=False, show_default=False, help="Output format (default: table)."
    ),
]
FieldsOpt = Annotated[
    str | None,
    typer.Option(
        "--fields", metavar="F,F,...", show_default=False,
        help="With json, jsonl or csv: only these fields, in this order (id,date,title).",
    ),
]  # fmt: skip
QueryArg = Annotated[
    list[str],
    typer.Argument(
        metavar="QUERY...", show_default=False,
        help='Words, all of which must occur, each in any of its forms (meetings finds meeting, Москва finds '
        'Москве); "phrases" (their words\' forms in order); =word or ="a phrase" (only the form typed); '
        "AND / OR / NOT, prefix*, (groups). Releases holding the words as typed come first.",
    ),
]  # fmt: skip


def _fields(value: str | None, form: str, with_snippet: bool) -> list[str] | None:
    from cstonews.output import FIELDS_FORMATS, record_fields

    if value is None:
        return None
    if form not in FIELDS_FORMATS:
        raise CstonewsError(f"--fields chooses the fields of {', '.join(FIELDS_FORMATS)}, not of {form}")
    chosen = [f.strip() for f in value.split(",") if f.strip()]
    known = record_fields(with_snippet)
    for f in chosen:
        if f not in known:
            raise CstonewsError(f"--fields: no field {f!r} (the fields: {','.join(known)})")
    if not chosen:
        raise CstonewsError("--fields needs at least one field, as in --fields id,date,title")
    return chosen


_SYNTAX = ('"', "(", ")", "*")


def join_query(words: list[str]) -> str:
    """The query the words typed make: all of them. A word the shell was given quoted
    (`"arms control"`, one argument holding spaces) is kept as a phrase, unless it holds
    the search language itself (quotes, parentheses, `*`, AND / OR / NOT)."""
    parts = []
    for w in words:
        plain = not any(c in w for c in _SYNTAX) and not ({"AND", "OR", "NOT"} & set(w.split()))
        parts.append(f'"{w.strip()}"' if plain and len(w.split()) > 1 else w)
    return " ".join(parts)


def _archive(ctx: typer.Context, archive: Path | None) -> Archive:
    """Open the index of the archive folder the options and environment name."""
    from cstonews import output
    from cstonews.archive import Archive
    from cstonews.locations import archive_problem, index_path

    env = _env(ctx)
    option = archive or ctx.find_root().meta.get("archive")
    root = env.archive_dir(option)
    problem = archive_problem(root, option, env.environ)
    if problem:
        raise CstonewsError(problem)
    arch = Archive(root, index_path(env.cache_dir, root))
    if arch.db_note:
        output.message(env, arch.db_note)
    return arch


def _open(ctx: typer.Context, archive: Path | None) -> Archive:
    """Open the archive's index and bring it up to date with the folder."""
    from cstonews import output
    from cstonews.problems import about_the_file
    from cstonews.problems import summary as problems_summary

    arch = _archive(ctx, archive)
    env = _env(ctx)
    with output.progress(env, "Indexing") as bar:
        report = arch.refresh(progress=bar)
    if report.note:
        output.message(env, report.note)
    for why in report.unreadable:  # kept as the index had them, until they can be read
        output.message(env, f"{why} (its pages are kept as last read)")
    # What this refresh could not read, said once (files are read once): a few bad files
    # by name, and the pages' other shortcomings, or many bad files, summed up in one line.
    about = [(f, w, about_the_file(w)) for f, w in report.warnings]
    named = [(f, w, what) for f, w, what in about if what in ("skipped", "read")]
    if len(named) > SUMMARY_AFTER:
        named = []
    for f, w, what in named:
        output.message(env, f"skipped {f}: {w.text}" if what == "skipped" else f"{f}: {w.text}")
    rest = [(f, w) for f, w, what in about if (f, w, what) not in named]
    if rest:
        output.message(env, f"{problems_summary(rest)} (cstonews index --verbose lists them)")
    return arch


def _none_found(ctx: typer.Context, arch: Archive, what: str = "no releases match") -> None:
    """Nothing to show: say why on a terminal, and exit 1."""
    from cstonews import output

    env = _env(ctx)
    output.nothing(env, what if arch.count()[0] else f"no pages in {arch.root}")
    raise typer.Exit(ExitCode.NOT_FOUND)


# --- commands -------------------------------------------------------------------------------


class _Command(TyperCommand):
    """Usage lines with plain metavariables: `QUERY...`, not Typer's `{QUERY...}`."""

    def collect_usage_pieces(self, ctx: Any) -> list[str]:
        return [p.replace("{", "").replace("}", "") for p in super().collect_usage_pieces(ctx)]


def _command(name: str | None = None, *examples: str, summary: str) -> Any:
    """A command with its whole summary in the command list, and examples in its help."""
    return app.command(name, cls=_Command, short_help=summary, epilog=_epilog(*examples))


@_command(
    "list",
    "cstonews list --since 2022 --country Armenia",
    "cstonews list --kind article -n 0 -f json --fields id,date,title",
    "cstonews list --around 2019-05-17 --window 2w -r",
    summary="List releases, newest first (unknown dates last).",
)
@with_filters
def list_(
    ctx: typer.Context,
    filters: Filters,
    limit: LimitOpt = DEFAULT_LIMIT,
    offset: OffsetOpt = 0,
    reverse: ReverseOpt = False,
    fmt: ListFormatOpt = ListFormat.table,
    fields: FieldsOpt = None,
    no_pager: NoPagerOpt = False,
    color: ColorOpt = None,
    archive: ArchiveOpt = None,
) -> None:
    """List releases, newest first (unknown dates last)."""
    from cstonews import output

    env = _env(ctx, color)
    chosen = _fields(fields, fmt.value, with_snippet=False)
    sel = filters.selection(env.today, limit=limit, offset=offset, reverse=reverse)
    arch = _open(ctx, archive)
    found = arch.select(sel)
    output.releases(env, found, fmt.value, fields=chosen, pager=not no_pager)
    if not found:
        _none_found(ctx, arch)


class Sort(str, Enum):
    relevance = "relevance"
    date = "date"


@_command(
    None,
    "cstonews search arms control              (both words)",
    'cstonews search "arms control" --since 2019 (the phrase)',
    "cstonews search 'terror* NOT Syria' --sort date -f ids",
    summary="Full-text search: best match first, with the matched words in a snippet.",
)
@with_filters
def search(
    ctx: typer.Context,
    query: QueryArg,
    filters: Filters,
    limit: LimitOpt = DEFAULT_LIMIT,
    offset: OffsetOpt = 0,
    reverse: ReverseOpt = False,
    sort: Annotated[Sort, typer.Option("--sort", case_sensitive=False, show_default=False, help="Best match first (the default), or newest first.")] = Sort.relevance,
    fmt: ListFormatOpt = ListFormat.table,
    fields: FieldsOpt = None,
    no_pager: NoPagerOpt = False,
    color: ColorOpt = None,
    archive: ArchiveOpt = None,
) -> None:  # fmt: skip
    """Full-text search: best match first, with the matched words in a snippet.

    Unquoted words must all occur; a quoted one is a phrase."""
    from cstonews import output
    from cstonews.query import to_fts

    env = _env(ctx, color)
    chosen = _fields(fields, fmt.value, with_snippet=True)
    sel = filters.selection(env.today, limit=limit, offset=offset, reverse=reverse)
    text = join_query(query)
    to_fts(text)  # a malformed query is reported before any indexing work
    arch = _open(ctx, archive)
    hits = arch.search(text, sel, sort.value, snippets=fmt is not ListFormat.ids)
    output.releases(env, [h.release for h in hits], fmt.value, hits=hits, fields=chosen, pager=not no_pager)
    if not hits:
        _none_found(ctx, arch)


def _complete_id(ctx: typer.Context, incomplete: str) -> list[str]:
    """Release ids starting with what is typed, from the index as it stands."""
    try:
        from cstonews.archive import Archive
        from cstonews.locations import archive_problem, index_path

        env = Environment.from_os()
        given = ctx.params.get("archive") or ctx.find_root().params.get("archive")
        option = Path(given) if given else None  # still a string while completing
        root = env.archive_dir(option)
        if archive_problem(root, option, env.environ):
            return []
        arch = Archive(root, index_path(env.cache_dir, root), busy_timeout=1)
        if not arch.count()[0]:
            arch.refresh()  # a first run: the ids are all to be read
        return arch.ids_starting(incomplete)
    except Exception:  # completion never prints an error into the shell's line
        return []


@_command(
    None,
    "cstonews show 2019-04-02                   (any unique start of an id)",
    "cstonews show 2022-02-09-stanislav-zas -f markdown > zas.md",
    "cstonews show 2019-04-02 --related -n 5",
    summary="Show one release in full: title, date, names, body, photos, contacts, sources.",
)
def show(
    ctx: typer.Context,
    release_id: Annotated[
        str,
        typer.Argument(metavar="ID", help="A release id, or any unique start of one.", autocompletion=_complete_id),
    ],
    fmt: Annotated[ShowFormat, typer.Option("--format", "-f", case_sensitive=False, show_default=False, help="Output format (default: text); table, jsonl, csv and ids with --related.")] = ShowFormat.text,
    no_pager: NoPagerOpt = False,
    related: Annotated[
        bool, typer.Option("--related", help="Instead, list the releases closest in content to this one.")
    ] = False,
    limit: Annotated[int, typer.Option("--limit", "-n", metavar="N", show_default=False, callback=_at_least(1),
                                       help="With --related: at most N (default 10).")] = 10,
    color: ColorOpt = None,
    match: Annotated[
        str | None,
        typer.Option("--match", metavar="QUERY", help="Mark the words this search matched, in any form, as search does."),
    ] = None,
    archive: ArchiveOpt = None,
) -> None:  # fmt: skip
    """Show one release in full: title, date, names, body, photos, contacts, sources."""
    from cstonews import output

    env = _env(ctx, color)
    arch = _open(ctx, archive)
    if related:
        found = arch.get(release_id)
        near = arch.related(found, limit)
        form = "table" if fmt.value in ("text", "markdown") else fmt.value
        output.releases(env, near, form, pager=not no_pager)
        if not near:
            _none_found(ctx, arch, "no release is close enough in content")
        return
    if fmt.value not in SHOW_FORMATS:
        raise CstonewsError(
            f"--format {fmt.value} is for --related lists; one release is text, markdown or json"
        )
    if match is not None:
        from cstonews.query import to_fts

        to_fts(match)  # a malformed query is one line, as in search
    output.release(env, arch.get(release_id), fmt.value, pager=not no_pager, match=match)


class By(str, Enum):
    year = "year"
    month = "month"


@_command(
    None,
    "cstonews stats --since 2020",
    "cstonews stats Afghanistan --by year",
    "cstonews stats --country Belarus -f json",
    summary="Counts: releases per year or month, the countries and people most named; "
    "with a query, when it peaked.",
)
@with_filters
def stats(
    ctx: typer.Context,
    filters: Filters,
    query: Annotated[
        list[str] | None,
        typer.Argument(metavar="[QUERY...]", show_default=False, help="Count only releases matching this search."),
    ] = None,
    by: Annotated[
        By | None,
        typer.Option("--by", case_sensitive=False, show_default=False,
                     help="Bars per year or per month (default: months when the span has at most 40).")
    ] = None,
    top: Annotated[int, typer.Option("--top", metavar="N", show_default=False, callback=_at_least(1),
                                     help="Countries and people shown (default 10).")] = 10,
    fmt: Annotated[StatsFormat, typer.Option("--format", "-f", case_sensitive=False, show_default=False, help="Output format (default: text).")] = StatsFormat.text,
    no_pager: NoPagerOpt = False,
    color: ColorOpt = None,
    archive: ArchiveOpt = None,
) -> None:  # fmt: skip
    """Counts over the archive or a selection: releases per year or month, the most named
    countries and people, the first and last dates. With a query: when it peaked."""
    from cstonews import output
    from cstonews.query import to_fts

    env = _env(ctx, color)
    sel = filters.selection(env.today)
    text = join_query(query) if query else None
    if text is not None:
        to_fts(text)
    arch = _open(ctx, archive)
    st = arch.stats(sel, text)
    output.stats(env, st, fmt.value, by=by.value if by else None, query=text, top=top, pager=not no_pager)
    if not st.total:
        _none_found(ctx, arch)


@_command(
    None,
    "cstonews export -o releases.jsonl",
    "cstonews export --since 2022 -f csv -o 2022.csv",
    "cstonews export --country Kazakhstan -f json | jq length",
    summary="Write the selected releases in full (every field), oldest first, for other tools.",
)
@with_filters
def export(
    ctx: typer.Context,
    filters: Filters,
    fmt: Annotated[ExportFormat, typer.Option("--format", "-f", case_sensitive=False, show_default=False, help="Output format (default: jsonl).")] = ExportFormat.jsonl,
    out: Annotated[
        str | None,
        typer.Option("--output", "-o", metavar="FILE", show_default=False,
                     help="Write here (a new file; - for standard output) instead of standard output."),
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Replace FILE if it exists.")] = False,
    archive: ArchiveOpt = None,
) -> None:  # fmt: skip
    """Write the selected releases in full (every field), oldest first, for other tools."""
    from cstonews import output

    env = _env(ctx)
    path = None if out in (None, "-") else Path(out)
    if path is not None:
        if path.is_dir():
            raise CstonewsError(f"--output: {path} is a folder; give a file name")
        if path.exists() and not force:
            raise CstonewsError(f"{path} exists: give another file, or --force to replace it")
    sel = filters.selection(env.today, reverse=True)
    arch = _open(ctx, archive)
    found = arch.select(sel)
    if path is None:
        output.export(env.stdout, found, fmt.value)
    elif found:
        _write_new(path, lambda stream: output.export(stream, found, fmt.value))
        output.message(env, f"{len(found)} releases written to {path}")
    else:
        output.message(env, f"no releases match: nothing written to {path}")
    if not found:
        _none_found(ctx, arch)


def _write_new(path: Path, write: Any) -> None:
    """Write a file whole or not at all: a temporary file beside it, renamed at the end,
    with the mode a new file gets (the umask's), or the mode of the file it replaces."""
    import os
    import tempfile

    try:
        mode = path.stat().st_mode & 0o7777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
    try:
        fd, tmp = tempfile.mkstemp(dir=path.parent if str(path.parent) else ".", prefix=".cstonews-")
    except OSError as e:
        raise CstonewsError(f"cannot write {path}: {e.strerror or e}") from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as stream:
            write(stream)
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except OSError as e:
        os.unlink(tmp)
        raise CstonewsError(f"cannot write {path}: {e.strerror or e}") from None
    except BaseException:
        os.unlink(tmp)
        raise


@_command(
    None,
    "cstonews parse page.txt",
    "cstonews parse -f json saved/*.txt",
    "curl -s https://example.org/page.txt | cstonews parse -",
    summary="Show how cstonews reads pages, without any archive (warnings included).",
)
def parse(
    ctx: typer.Context,
    files: Annotated[
        list[str], typer.Argument(metavar="FILE...", show_default=False, help="Saved page files to read; - for standard input.")
    ],
    fmt: Annotated[ParseFormat, typer.Option("--format", "-f", case_sensitive=False, show_default=False, help="Output format (default: text).")] = ParseFormat.text,
) -> None:  # fmt: skip
    """Show how cstonews reads pages, without any archive (warnings included).

    A file that cannot be read is named on stderr, the others are still read, and the
    exit code is then 2."""
    from cstonews import output
    from cstonews.parse import read_page
    from cstonews.problems import PageWarning, Problem
    from cstonews.release import PageReading

    env = _env(ctx)
    readings = []
    unreadable = 0
    for f in files:
        if f == "-":
            data = env.stdin.read() if env.stdin is not None else b""
            readings.append(read_page(data, "<stdin>"))
            continue
        try:
            data = Path(f).read_bytes()
        except OSError as e:
            unreadable += 1
            why = "it is a folder" if Path(f).is_dir() else (e.strerror or str(e)).lower()
            output.message(env, f"cannot read {f}: {why}")
            if fmt is ParseFormat.json:  # the JSON still has an entry for every file named
                readings.append(
                    PageReading(f, None, [], [PageWarning(Problem.CANNOT_READ, f"cannot read: {why}")])
                )
            continue
        readings.append(read_page(data, f))
    output.pages(env, readings, fmt.value)
    if unreadable:
        raise typer.Exit(ExitCode.USAGE)


@_command(
    None,
    "cstonews index",
    "cstonews index --verbose | less",
    "cstonews --archive ~/csto index --rebuild",
    summary="Bring the index up to date, comparing every file (catches pages edited in place).",
)
def index(
    ctx: typer.Context,
    rebuild: Annotated[
        bool, typer.Option("--rebuild", help="Forget the index and read every page again.")
    ] = False,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="List every page's warnings.")] = False,
    archive: ArchiveOpt = None,
) -> None:
    """Bring the index up to date, comparing every file (catches pages edited in place)."""
    from cstonews import output
    from cstonews.problems import by_code
    from cstonews.problems import summary as problems_summary

    env = _env(ctx)
    arch = _archive(ctx, archive)
    with output.progress(env, "Indexing") as bar:
        report = arch.rebuild(bar) if rebuild else arch.refresh(full=True, progress=bar)
    if report.note:
        output.message(env, report.note)
    for why in report.unreadable:
        output.message(env, f"{why} (its pages are kept as last read)")
    files, releases = arch.count()
    env.stdout.write(
        f"{files} pages, {releases} releases in {arch.root} ({report.read} read, {report.removed} removed)\n"
    )
    problems = list(arch.warnings())
    if problems:
        env.stdout.write(f"{problems_summary(problems)}\n")
        if verbose:
            for f, w in by_code(problems):
                env.stdout.write(f"  {f}: {w.text}\n")
        else:
            env.stdout.write("(cstonews index --verbose lists them)\n")


@_command(
    None,
    "cstonews browse",
    "cstonews browse 'arms control' --since 2019",
    "cstonews browse --country Armenia --kind article",
    summary="Browse the archive full-screen: search as you type, read, narrow, follow related releases.",
)
@with_filters
def browse(
    ctx: typer.Context,
    filters: Filters,
    query: Annotated[
        list[str] | None, typer.Argument(metavar="[QUERY]...", help="Start with this search.")
    ] = None,
    archive: ArchiveOpt = None,
) -> None:
    """Browse the archive full-screen: search as you type, read, narrow, follow related releases."""
    from cstonews.browse import run as browse_archive
    from cstonews.query import to_fts

    env = _env(ctx)
    filters.selection(env.today)  # bad options are told before the screen opens
    text = " ".join(query or [])
    if text.strip():
        to_fts(text)
    if not (env.stdout_isatty and env.stderr_isatty):
        raise CstonewsError("browse needs a terminal: use list, search or show in scripts")
    arch = _archive(ctx, archive)
    raise typer.Exit(
        browse_archive(arch, filters, lambda f: f.selection(env.today), text, no_color=env.no_color)
    )


class Shell(str, Enum):
    bash = "bash"
    zsh = "zsh"
    fish = "fish"


COMPLETE_VAR = "_CSTONEWS_COMPLETE"  # what the shell's script sets to ask for completions


@_command(
    None,
    "cstonews completion bash > ~/.local/share/bash-completion/completions/cstonews",
    "cstonews completion zsh > ~/.zfunc/_cstonews",
    "cstonews completion fish > ~/.config/fish/completions/cstonews.fish",
    summary="Print the shell completion script for bash, zsh or fish (commands, options, release ids).",
)
def completion(
    ctx: typer.Context,
    shell: Annotated[Shell, typer.Argument(metavar="SHELL", case_sensitive=False, help="bash, zsh or fish.")],
) -> None:
    """Print the shell completion script for bash, zsh or fish (commands, options, release ids).

    Save it where the shell loads completions (see the examples), or load it from the
    shell's start-up file: eval "$(cstonews completion bash)"."""
    from typer._completion_shared import get_completion_script

    script = get_completion_script(prog_name="cstonews", complete_var=COMPLETE_VAR, shell=shell.value)
    _env(ctx).stdout.write(script + "\n")


# --- running ---------------------------------------------------------------------------------


def _app_for(args: list[str]) -> typer.Typer:
    """The app with only the command `args` name, when they plainly name one.

    Typer turns every command's signature into Click options on each run: building one
    command instead of all saves start-up time. The top-level help, a mistyped command,
    or anything unusual gets the whole app.
    """
    i = 0
    while i < len(args) and args[i].startswith("-"):
        if args[i] in ("--archive", "-a", "--color"):
            i += 1  # its value
        elif args[i] in ("-h", "--help", "--version", "--"):
            return app
        i += 1
    if i >= len(args):
        return app
    name = args[i]
    chosen = [c for c in app.registered_commands if _command_name(c) == name]
    if len(chosen) != 1:
        return app
    lean = copy.copy(app)
    lean.registered_commands = chosen
    return lean


def _command_name(info: Any) -> str:
    from typer.main import get_command_name

    return info.name or get_command_name(info.callback.__name__)


def run(argv: list[str] | None = None, env: Environment | None = None) -> int:
    """The program's single exit point: runs the CLI and returns its exit code."""
    import os
    import sys

    if os.environ.get(COMPLETE_VAR):  # the shell asks for completions: Typer's answer them
        from typer.completion import completion_init

        completion_init()
    try:
        result = _app_for(sys.argv[1:] if argv is None else argv)(
            args=argv, prog_name="cstonews", standalone_mode=False, obj=env
        )
    except BaseException as e:
        if isinstance(e, SystemExit):  # shell completion answers and exits
            raise
        message, code = outcome(e)
        if _reader_gone(e):
            _silence_stdout()
            return int(ExitCode.OK)
        if message is None and not is_usage_error(e) and callable(getattr(e, "show", None)):
            e.show()  # type: ignore[attr-defined]
        elif message is not None:
            stream = (env.stderr if env is not None else None) or sys.stderr
            with contextlib.suppress(BrokenPipeError):
                stream.write(f"cstonews: {_inert(message)}\n")
        return code
    return result if isinstance(result, int) else 0


def _reader_gone(e: BaseException) -> bool:
    import errno

    return isinstance(e, OSError) and e.errno == errno.EPIPE


def _silence_stdout() -> None:
    """After `| head` has gone: point stdout at /dev/null so that Python's flush at exit
    has nowhere to fail."""
    import os
    import sys

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


def _inert(text: str) -> str:
    from cstonews.text import inert

    return inert(text)
