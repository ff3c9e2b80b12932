"""A search's ranking, begun before the command line has loaded.

`cstonews search WORD` spends about half its time loading Typer and the CLI, and on a
large archive most of the rest ranking the matches (65 ms for a word in 94,000 of
100,000 releases). Neither needs the other until the end, so for the plain form of the
command the ranking starts first, in a thread (`ranking.rank_ahead`): at 100,000 pages,
`search security` took 106 ms instead of 133 (medians of 31 interleaved runs). The thread
ranks five sixths of the matches and the search the rest once the CLI has loaded, on the
core the imports have freed: 98 ms instead of 109 with `-f ids` (21 interleaved runs).

Only the forms read here are started ahead, and the CLI still parses and checks every
command. A ranking begun ahead is used only if the search then asks exactly the same
query of the index in exactly the same state; otherwise it is dropped, so a command
misread here costs some work on another core and changes nothing.
"""

from __future__ import annotations

TYPE_CHECKING = False  # typing itself is not loaded yet: mypy reads this name alone
if TYPE_CHECKING:
    from collections.abc import Mapping

# Below this size of index (some 50,000 pages), the thread has ranked every match before
# the CLI has loaded: a split would only add the loading of ctypes (2 ms) and a second
# query. At 30,000 pages (580 MB) it made the search 2 to 5 ms slower, at 100,000 pages
# (2 GB) 11 ms quicker (medians of 21 and 31 interleaved runs).
SPLIT_FROM_BYTES = 1 << 30

_ARCHIVE = ("--archive", "-a")
_LIMIT = ("--limit", "-n")
_FORMAT = ("--format", "-f")  # changes how results are printed, not which
_started = False


def plain_search(argv: list[str]) -> tuple[str | None, str, int] | None:
    """(--archive, QUERY, --limit) of `[-a DIR] search QUERY [-a DIR] [-n N] [-f FORMAT]`;
    None for any other command line."""
    archive: str | None = None
    i = 0
    if argv[:1] and argv[0] in _ARCHIVE and len(argv) > 1:
        archive, i = argv[1], 2
    if argv[i : i + 1] != ["search"]:
        return None
    query: str | None = None
    limit = 50
    rest = argv[i + 1 :]
    while rest:
        arg = rest.pop(0)
        if arg in (*_ARCHIVE, *_LIMIT, *_FORMAT):
            if not rest:
                return None
            value = rest.pop(0)
            if arg in _ARCHIVE:
                archive = value
            elif arg in _LIMIT:
                if not value.isdigit():
                    return None
                limit = int(value)
        elif arg.startswith("-") or query is not None:
            return None  # another option, `--`, or a second argument: left to the CLI
        else:
            query = arg
    return (archive, query, limit) if query else None


def start(argv: list[str], environ: Mapping[str, str]) -> None:
    """Begin the ranking of a plain search's matches, if `argv` is one."""
    found = plain_search(argv)
    if found is None:
        return
    archive, query, limit = found
    from pathlib import Path

    from cstonews.locations import archive_dir, default_cache_dir, index_path
    from cstonews.query import all_of, to_fts
    from cstonews.ranking import quiet_allocations, rank_ahead

    global _started
    try:
        match = all_of(to_fts(query))
        root = archive_dir(Path(archive) if archive is not None else None, environ)
        db_file = index_path(default_cache_dir(environ), root)
        if root.is_dir() and db_file.is_file():
            _started = True
            # Split only an index large enough for the ranking to outlast the imports, and
            # only where two connections can rank at once (see `ranking`).
            split = db_file.stat().st_size >= SPLIT_FROM_BYTES and quiet_allocations()
            # The query `Archive.search` asks for a selection with no more than a limit.
            rank_ahead(db_file, "", limit, [match], split=split)
    except Exception:  # a bad query or folder (the CLI says what is wrong), no thread to be had
        return


def finish() -> None:
    """Stop a ranking begun ahead that the command did not take up."""
    if _started:
        from cstonews.ranking import cancel_ahead

        cancel_ahead()
