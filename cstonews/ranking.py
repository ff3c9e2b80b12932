"""How a search orders its matches, and a ranking begun while the command line loads.

Ranking a common word is most of a search on a large archive: bm25 over 94,000 matches
in 100,000 releases takes 65 ms, and loading Typer and the CLI most of the rest. SQLite
lets go of Python's lock while a statement runs, so a plain search (see `head_start`)
starts its ranking in a thread first, and the two overlap on two cores.

The thread first ranks most of the matches: those with rowids up to five sixths of the
largest. If the CLI has loaded before it is done, the search ranks the rest itself, on
the core the imports have freed, while the thread finishes; otherwise (a smaller archive)
the thread ranks the rest too. The two parts are merged. bm25's statistics are the whole
index's whatever rowids a query asks for, so the parts' scores compare and their best are
the best of all. Ranking in two threads at once needs SQLite's memory statistics off
(`quiet_allocations`): with them, two connections ranking at once took twice the CPU of
one.

This module is the archive's (archive.py asks its queries), kept apart and light to
import (no dataclasses, no JSON) so that the thread starts before those have loaded.
"""

from __future__ import annotations

import sqlite3
from contextlib import suppress

TYPE_CHECKING = False  # typing is not loaded yet at a head start: mypy reads this name alone
if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path
    from typing import Any

# Relevance: a title word weighs ten times a body word. Called by name rather than through
# FTS5's configurable `rank` column: 65 ms instead of 112 ms to rank 94,000 matches.
BM25 = "bm25(fts, 10.0, 1.0)"
# Where the thread's part of a ranking ends, read in its own transaction; the search asks
# for the rest only in the same state of the index. Five sixths: at 100,000 pages, 3/4,
# 4/5, 7/8 and 9/10 left the search 1 to 4 ms slower (medians of 21 interleaved runs).
_PART_END = "SELECT max(rowid) * 5 / 6 FROM releases"
_SQLITE_CONFIG_MEMSTATUS = 9  # from sqlite3.h


def relevance_sql(chosen: str, limit: int) -> str:
    """The query ranking the matches of `fts MATCH ?` (and of the conditions `chosen`)."""
    sql = f"SELECT rowid FROM fts WHERE fts MATCH ?{chosen} ORDER BY {BM25}, rowid"
    return f"{sql} LIMIT {int(limit)}" if limit > 0 else sql


def part_sql(chosen: str, limit: int, upper: bool) -> str:
    """`relevance_sql` over the rowids up to a bound, or above it (`upper`), with each
    match's score first; the bound is the query's last argument."""
    side = ">" if upper else "<="
    sql = f"SELECT {BM25}, rowid FROM fts WHERE fts MATCH ?{chosen} AND rowid {side} ? ORDER BY {BM25}, rowid"
    return f"{sql} LIMIT {int(limit)}" if limit > 0 else sql


def merged(lower: list[Any], upper: list[Any], limit: int) -> list[tuple[int]]:
    """The rows of `relevance_sql`, from the scored rows of its two parts."""
    best = sorted(lower + upper)  # by score, then rowid: the query's own order
    return [(rowid,) for _, rowid in (best[:limit] if limit > 0 else best)]


def quiet_allocations() -> bool:
    """Turn SQLite's memory statistics off, as its documentation advises for speed: they
    count every allocation under one lock for the whole process. Ranking 94,000 matches
    then takes 64 ms instead of 70, and two connections ranking in two threads each take
    what they would alone instead of twice as much. SQLite takes this setting only while
    shut down, which it may be only with nothing allocated: no connection open. True if
    the statistics are off; False if they could not be turned off (SQLite out of reach,
    or a connection open)."""
    global _quiet
    if _quiet is None:
        _quiet = _turn_off_memory_statistics()
    return _quiet


_quiet: bool | None = None  # once off, SQLite reports no memory in use: it is not asked twice


def _turn_off_memory_statistics() -> bool:
    try:
        import _sqlite3
        import ctypes

        lib = ctypes.CDLL(_sqlite3.__file__)  # finds the SQLite it links to as well
        if lib.sqlite3_compileoption_used(b"DEFAULT_MEMSTATUS=0"):
            return True  # built without them
        lib.sqlite3_memory_used.restype = ctypes.c_int64
        if lib.sqlite3_memory_used() != 0 or lib.sqlite3_shutdown() != 0:
            return False  # a connection is open: shutting down would pull SQLite from under it
        quiet = lib.sqlite3_config(_SQLITE_CONFIG_MEMSTATUS, ctypes.c_int(0)) == 0
        return lib.sqlite3_initialize() == 0 and quiet
    except (ImportError, OSError, AttributeError):  # no ctypes, or SQLite's names not exported
        return False


class _Ahead:
    """A ranking run on a connection of its own, in a thread, and the state it saw. With
    `split`, the thread ranks the part up to `_PART_END`, and the rest is ranked by
    whichever of the thread and the search comes to it first: the search, if the thread
    is still at its part when the CLI has loaded; else the thread, which on a smaller
    archive has ranked everything before then."""

    def __init__(self, db_file: Path, chosen: str, limit: int, args: list[Any], split: bool) -> None:
        import threading  # only a plain search needs it

        self.chosen, self.limit, self.args = chosen, limit, args
        self.split = split and limit > 0  # with no limit, each part would return every match
        self.generation = ""  # of the index it read: `meta`'s mark of the last write
        self.part_end: int | None = None
        self.rows: list[Any] | None = None
        self.rest: list[Any] | None = None  # the part after `part_end`, if the thread ranked it
        self.rest_taken = False  # by the thread or the search, whichever came first
        self.rest_lock = threading.Lock()
        self.db: sqlite3.Connection | None = None
        self.seen = threading.Event()  # set once `generation` and `part_end` are known
        self.thread = threading.Thread(target=self._run, args=(db_file,), daemon=True)
        self.thread.start()

    def _run(self, db_file: Path) -> None:
        try:
            # Read-only, and never waiting for a lock: at worst this is wasted work.
            uri = f"{db_file.resolve().as_uri()}?mode=ro"
            self.db = sqlite3.connect(uri, uri=True, timeout=0, isolation_level=None, check_same_thread=False)
            self.db.execute("BEGIN")
            row = self.db.execute("SELECT value FROM meta WHERE key='generation'").fetchone()
            self.generation = row[0] if row else ""
            sql, args = relevance_sql(self.chosen, self.limit), self.args
            if self.split:
                (self.part_end,) = self.db.execute(_PART_END).fetchone()
                sql, args = part_sql(self.chosen, self.limit, upper=False), [*args, self.part_end]
            self.seen.set()
            self.rows = self.db.execute(sql, args).fetchall()
            if self.split and self._take_rest():
                self.rest = self.db.execute(*self._rest_query()).fetchall()
            self.db.execute("COMMIT")
        except Exception:  # no index yet, not one of ours, interrupted: the search asks itself
            self.rows = None
        finally:
            self.seen.set()
            if self.db is not None:
                with suppress(sqlite3.Error):
                    self.db.close()

    def rows_at(self, generation: str, ask: Callable[[str, list[Any]], list[Any]]) -> list[Any] | None:
        """The rows, if they were read from the index at `generation`, the part not begun
        asked through `ask` (of the caller's snapshot); else None."""
        self.seen.wait()
        if not generation or self.generation != generation:
            self.cancel()  # the index has changed since: these rows are of no use
            return None
        if not self.split:
            self.thread.join()
            return self.rows
        rest = None
        if self._take_rest():
            try:  # ranked here while the thread ranks its part
                rest = ask(*self._rest_query())
            except BaseException:
                self.cancel()
                raise
        self.thread.join()
        rest = self.rest if rest is None else rest
        return merged(self.rows, rest, self.limit) if self.rows is not None and rest is not None else None

    def _rest_query(self) -> tuple[str, list[Any]]:
        """The query of the part after `part_end`, and its arguments."""
        return part_sql(self.chosen, self.limit, upper=True), [*self.args, self.part_end]

    def _take_rest(self) -> bool:
        """Claim the part after `part_end`; False if the other side has it already."""
        with self.rest_lock:
            taken, self.rest_taken = self.rest_taken, True
        return not taken

    def cancel(self) -> None:
        db = self.db
        if db is not None and self.thread.is_alive():
            with suppress(sqlite3.Error):
                db.interrupt()
        self.thread.join()


_AHEAD: dict[tuple[str, str, tuple[Any, ...]], _Ahead] = {}


def rank_ahead(db_file: Path, chosen: str, limit: int, args: list[Any], split: bool = False) -> None:
    """Start `relevance_sql(chosen, limit)` on the index `db_file`, for `take` to pick up;
    `split`: only part of it (see the module's docstring)."""
    sql = relevance_sql(chosen, limit)
    _AHEAD[str(db_file), sql, tuple(args)] = _Ahead(db_file, chosen, limit, args, split)


def take(
    db_file: Path,
    sql: str,
    args: list[Any],
    generation: Callable[[], str],
    ask: Callable[[str, list[Any]], list[Any]],
) -> list[Any] | None:
    """The rows of `sql` begun ahead, if they were read from the index at the generation
    the caller's snapshot has (asked only when something was begun), with any part not
    begun asked through `ask`; None if nothing was begun, or it read another state."""
    ahead = _AHEAD.pop((str(db_file), sql, tuple(args)), None)
    return ahead.rows_at(generation(), ask) if ahead is not None else None


def cancel_ahead() -> None:
    """Stop and forget the rankings begun ahead that no search took up."""
    while _AHEAD:
        _AHEAD.popitem()[1].cancel()
