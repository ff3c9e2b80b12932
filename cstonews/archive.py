"""The archive: a folder of page files and its derived index, as the CLI sees it.

The folder is only ever read. The index (SQLite with FTS5, see `database`) lives in the
cache directory and can be deleted at any time: it is made again from the pages. Every
command first brings it up to date (`refresh`); the queries are in `queries`, and which
page items are one release in `identity`.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from cstonews.database import Database, as_error, is_damage, sqlite_errors
from cstonews.errors import CstonewsError, ExitCode
from cstonews.problems import PageWarning
from cstonews.queries import Hit, Queries, Stats
from cstonews.refresh import Progress, RefreshReport
from cstonews.release import Release
from cstonews.selection import DEFAULT_LIMIT, Selection

__all__ = ["DEFAULT_LIMIT", "Archive", "Hit", "RefreshReport", "Selection", "Stats", "as_damage"]


def as_damage(e: BaseException) -> CstonewsError | None:
    """The one-line error for `e` if it says that the index is damaged; None otherwise."""
    return as_error(e) if isinstance(e, sqlite3.Error) and is_damage(e) else None


class Archive:
    def __init__(self, root: Path, db_file: Path | None, busy_timeout: float = 30) -> None:
        """Open the index of `root` at `db_file` (None: a temporary in-memory index)."""
        if not root.is_dir():
            what = "is a file, not a folder" if root.exists() else "not found"
            raise CstonewsError(f"archive folder {what}: {root}", ExitCode.USAGE)
        try:
            str(root.resolve()).encode()
        except UnicodeEncodeError:
            shown = os.fsencode(root).decode(errors="replace")
            raise CstonewsError(
                f"the archive folder's path is not valid UTF-8: {shown} (rename it to index it)",
                ExitCode.USAGE,
            ) from None
        self.root = root
        with sqlite_errors():
            self.database = Database(db_file, root, busy_timeout)
        self.db_note = self.database.note

    @property
    def db(self) -> sqlite3.Connection:
        return self.database.db

    @property
    def db_file(self) -> Path | None:
        return self.database.file

    def close(self) -> None:
        self.database.close()

    def refresh(self, full: bool = False, progress: Progress | None = None) -> RefreshReport:
        """Bring the index up to date with the folder; returns what was read."""
        from cstonews import refresh

        try:
            return refresh.refresh(self.db, self.root, full, progress)
        except sqlite3.OperationalError as e:
            if "locked" not in str(e) or full:
                raise as_error(e) from e
            # Another process has held the index for the whole timeout (a long `index`):
            # a read command answers from the index as it stands rather than fail.
            return RefreshReport(
                note="another cstonews is still updating this index: answering from it as it stands"
            )
        except sqlite3.Error as e:
            raise as_error(e) from e

    def rebuild(self, progress: Progress | None = None) -> RefreshReport:
        """Forget what the index holds and read every page again."""
        with sqlite_errors():
            self.database.empty()
        report = self.refresh(full=True, progress=progress)
        report.note = report.note or self.database.note
        return report

    # The queries, on the index as it stands.

    @property
    def _queries(self) -> Queries:
        return Queries(self.db)

    def select(self, sel: Selection) -> list[Release]:
        with sqlite_errors():
            return self._queries.select(sel)

    def search(self, query: str, sel: Selection, sort: str = "relevance", snippets: bool = True) -> list[Hit]:
        with sqlite_errors():
            return self._queries.search(query, sel, sort, snippets)

    def stats(self, sel: Selection, query: str | None = None) -> Stats:
        with sqlite_errors():
            return self._queries.stats(sel, query)

    def related(self, release: Release, limit: int = 10) -> list[Release]:
        with sqlite_errors():
            return self._queries.related(release, limit)

    def get(self, prefix: str) -> Release:
        with sqlite_errors():
            return self._queries.get(prefix)

    def ids_starting(self, prefix: str, limit: int = 200) -> list[str]:
        with sqlite_errors():
            return self._queries.ids_starting(prefix, limit)

    def count(self) -> tuple[int, int]:
        with sqlite_errors():
            return self._queries.count()

    def warnings(self) -> list[tuple[str, PageWarning]]:
        with sqlite_errors():
            return list(self._queries.warnings())
