"""How a search orders its matches, and a ranking begun while the command line loads.

Ranking a common word is most of a search on a large archive: bm25 over 94,000 matches
in 100,000 releases takes 65 ms, and loading Typer and the CLI most of the rest. SQLite
lets go of Python's lock while a statement runs, so a plain search (see `head_start`)
starts its ranking in a thread first, and the two overlap on two cores.

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


def relevance_sql(chosen: str, limit: int) -> str:
    """The query ranking the matches of `fts MATCH ?` (and of the conditions `chosen`)."""
    sql = f"SELECT rowid FROM fts WHERE fts MATCH ?{chosen} ORDER BY {BM25}, rowid"
    return f"{sql} LIMIT {int(limit)}" if limit > 0 else sql


class _Ahead:
    """One query run on a connection of its own, in a thread, and the state it saw."""

    def __init__(self, db_file: Path, sql: str, args: list[Any]) -> None:
        import threading  # only a plain search needs it

        self.generation = ""  # of the index it read: `meta`'s mark of the last write
        self.rows: list[Any] | None = None
        self.db: sqlite3.Connection | None = None
        self.seen = threading.Event()  # set once `generation` is known
        self.thread = threading.Thread(target=self._run, args=(db_file, sql, args), daemon=True)
        self.thread.start()

    def _run(self, db_file: Path, sql: str, args: list[Any]) -> None:
        try:
            # Read-only, and never waiting for a lock: at worst this is wasted work.
            uri = f"{db_file.resolve().as_uri()}?mode=ro"
            self.db = sqlite3.connect(uri, uri=True, timeout=0, isolation_level=None, check_same_thread=False)
            self.db.execute("BEGIN")
            row = self.db.execute("SELECT value FROM meta WHERE key='generation'").fetchone()
            self.generation = row[0] if row else ""
            self.seen.set()
            self.rows = self.db.execute(sql, args).fetchall()
            self.db.execute("COMMIT")
        except Exception:  # no index yet, not one of ours, interrupted: the search asks itself
            self.rows = None
        finally:
            self.seen.set()
            if self.db is not None:
                with suppress(sqlite3.Error):
                    self.db.close()

    def rows_at(self, generation: str) -> list[Any] | None:
        """The rows, if they were read from the index at `generation`; else None."""
        self.seen.wait()
        if not generation or self.generation != generation:
            self.cancel()  # the index has changed since: these rows are of no use
            return None
        self.thread.join()
        return self.rows

    def cancel(self) -> None:
        db = self.db
        if db is not None and self.thread.is_alive():
            with suppress(sqlite3.Error):
                db.interrupt()
        self.thread.join()


_AHEAD: dict[tuple[str, str, tuple[Any, ...]], _Ahead] = {}


def rank_ahead(db_file: Path, sql: str, args: list[Any]) -> None:
    """Start `sql` on the index `db_file` in a thread, for `take` to pick up."""
    _AHEAD[str(db_file), sql, tuple(args)] = _Ahead(db_file, sql, args)


def take(db_file: Path, sql: str, args: list[Any], generation: Callable[[], str]) -> list[Any] | None:
    """The rows of `sql` begun ahead, if they were read from the index at the generation
    the caller's snapshot has (asked only when something was begun); None if nothing was
    begun, or it read another state."""
    ahead = _AHEAD.pop((str(db_file), sql, tuple(args)), None)
    return ahead.rows_at(generation()) if ahead is not None else None


def cancel_ahead() -> None:
    """Stop and forget the rankings begun ahead that no search took up."""
    while _AHEAD:
        _AHEAD.popitem()[1].cancel()
