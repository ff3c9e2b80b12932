"""The index file: its schema, opening it, and what happens when it is damaged.

The index is derived: it lives in the cache directory and can be deleted at any time.
An index of another schema version is emptied and made anew; a file that is not a
database is set aside (`NAME.damaged`) and made anew; damage SQLite finds inside a
database stops a command with one line, and `cstonews index --rebuild` remakes it.
SQLite's own errors become `CstonewsError`s here, so that no layer above sees them.
"""

from __future__ import annotations

import os
import re
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from cstonews.errors import CstonewsError, ExitCode, Failure
from cstonews.wordforms import FTS_TABLE

# Bump when the schema or the reading of pages changes: the index is then made anew.
SCHEMA_VERSION = "9"

# Made after a first index has written its rows, sorted, rather than kept up to date
# row by row in no particular order.
ITEM_INDEXES = """
CREATE INDEX IF NOT EXISTS items_file ON items(file_id);
CREATE INDEX IF NOT EXISTS item_keys_key ON item_keys(key, item, hub);
"""

RELEASE_INDEXES = """
CREATE INDEX IF NOT EXISTS releases_plain ON releases(plain);
CREATE INDEX IF NOT EXISTS releases_date ON releases(date);
-- `list` walks one of these and stops at its limit instead of sorting every release.
CREATE INDEX IF NOT EXISTS releases_newest ON releases(date IS NULL, date DESC, id);
CREATE INDEX IF NOT EXISTS releases_oldest ON releases(date IS NULL, date, id);
CREATE INDEX IF NOT EXISTS named_key ON named(kind, key);
CREATE INDEX IF NOT EXISTS named_rowid ON named(rowid);
"""

SCHEMA = (
    """
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT);
-- Every folder listed, and every page file: what they were when last read.
CREATE TABLE IF NOT EXISTS dirs(path TEXT PRIMARY KEY, mtime_ns INTEGER, ino INTEGER);
CREATE TABLE IF NOT EXISTS files(
    id INTEGER PRIMARY KEY, path TEXT UNIQUE, dir TEXT, size INTEGER, mtime_ns INTEGER,
    ino INTEGER, warnings TEXT);
CREATE INDEX IF NOT EXISTS files_dir ON files(dir);
-- A page's article and teasers: how identity sees each (`ident`, with its keys), and the
-- release it reads as (`data`).
CREATE TABLE IF NOT EXISTS items(
    id INTEGER PRIMARY KEY, file_id INTEGER, ord INTEGER, kind TEXT, ident TEXT, data TEXT);
-- The keys by which items meet (see identity.keys), and the release each item is part of.
CREATE TABLE IF NOT EXISTS item_keys(key INTEGER, item INTEGER, hub INTEGER);
CREATE TABLE IF NOT EXISTS members(item INTEGER PRIMARY KEY, release INTEGER);
"""
    + ITEM_INDEXES
    + """
-- `id` is `plain` alone, or `plain-suffix` where several releases share `plain`.
CREATE TABLE IF NOT EXISTS releases(
    rowid INTEGER PRIMARY KEY, id TEXT UNIQUE, plain TEXT, suffix TEXT, kind TEXT, lang TEXT,
    date TEXT, data TEXT);
-- Who and where each release names, for --country, --person and stats. kind: 'country'
-- (key: the name folded), 'person' (key: surname|initial), 'surname' (key: surname).
CREATE TABLE IF NOT EXISTS named(rowid INTEGER, kind TEXT, key TEXT, name TEXT);
"""
    + RELEASE_INDEXES
    + """
"""
    + FTS_TABLE
    + """;
CREATE VIRTUAL TABLE IF NOT EXISTS fts_terms USING fts5vocab(fts, 'row');
"""
)

_TABLES = ("meta", "dirs", "files", "items", "item_keys", "members", "releases", "named", "fts_terms", "fts")


class DamagedIndex(CstonewsError):
    """An index SQLite finds damaged (a disk fault, a file cut short or overwritten)."""

    exit_code = ExitCode.DAMAGED_INDEX

    def __init__(self, why: str) -> None:
        super().__init__(f"the index is damaged ({why}): `cstonews index --rebuild` makes it anew")


_SQLITE_CORRUPT, _SQLITE_NOTADB = 11, 26  # a damaged file, and one that is no database


def is_damage(e: BaseException) -> bool:
    """Does `e` say that the index file is damaged?"""
    if isinstance(e, sqlite3.OperationalError) and str(e).startswith("Could not decode to UTF-8"):
        return True  # text that is not UTF-8: Python's error, not SQLite's
    code = getattr(e, "sqlite_errorcode", None)  # Python 3.11 on
    if isinstance(e, sqlite3.DatabaseError) and isinstance(code, int):
        return code & 0xFF in (_SQLITE_CORRUPT, _SQLITE_NOTADB)  # extended codes too
    # Before 3.11: those two come as the base class, every other failure as a subclass.
    return type(e) is sqlite3.DatabaseError


def as_error(e: sqlite3.Error) -> CstonewsError:
    """The one-line error a user sees for a failure of SQLite."""
    if is_damage(e):
        return DamagedIndex(str(e) if type(e) is sqlite3.DatabaseError else "text in it is not UTF-8")
    if isinstance(e, sqlite3.OperationalError) and ("fts5" in str(e) or "syntax" in str(e)):
        return CstonewsError(f"cannot search for that: {e}")
    if isinstance(e, sqlite3.OperationalError) and "locked" in str(e):
        return Failure("the index is locked by another cstonews for too long; try again")
    return Failure(f"the index could not be used: {e}")


@contextmanager
def sqlite_errors() -> Iterator[None]:
    """SQLite's errors inside as cstonews errors."""
    try:
        yield
    except sqlite3.Error as e:
        raise as_error(e) from e


def set_aside(db_file: Path, damage: BaseException) -> str:
    """Move a damaged index (and its write-ahead log) to `NAME.damaged`, for whoever wants
    to look at it (an older one there is replaced); the note saying so."""
    aside = db_file.with_name(db_file.name + ".damaged")
    for suffix in ("", "-wal", "-shm"):
        with suppress(FileNotFoundError):
            os.replace(f"{db_file}{suffix}", f"{aside}{suffix}")
    return f"the index was damaged ({damage}): set aside as {aside.name}, and made anew"


def execute_all(db: sqlite3.Connection, sql: str) -> None:
    for statement in sql.split(";"):
        if statement.strip():
            db.execute(statement)


def drop_indexes(db: sqlite3.Connection, sql: str) -> None:
    """Drop the indexes `sql` creates."""
    for name in re.findall(r"INDEX IF NOT EXISTS (\w+)", sql):
        db.execute(f"DROP INDEX IF EXISTS {name}")


@contextmanager
def transaction(db: sqlite3.Connection) -> Iterator[None]:
    """One write transaction, taken at once (BEGIN IMMEDIATE): committed, or rolled back
    on any exception, Ctrl-C included."""
    db.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        with suppress(sqlite3.Error):
            db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")


class Database:
    """An open index: its connection, and a note on how it was opened, if anything
    unusual happened (set aside as damaged, or kept in memory)."""

    def __init__(self, db_file: Path | None, root: Path, busy_timeout: float = 30) -> None:
        self.root = root
        self.busy_timeout = busy_timeout
        self.note: str | None = None
        self.file: Path | None = None  # None: in memory
        self.db = self._connect(db_file)

    def _connect(self, db_file: Path | None, retry: bool = True) -> sqlite3.Connection:
        if db_file is not None:
            db: sqlite3.Connection | None = None
            try:
                db_file.parent.mkdir(parents=True, exist_ok=True)
                db = sqlite3.connect(db_file, timeout=self.busy_timeout, isolation_level=None)
                # Before WAL mode makes the file: a new index's pages hold a whole release
                # row, rather than a chain of overflow pages.
                db.execute("PRAGMA page_size=16384")
                db.execute("PRAGMA journal_mode=WAL")
                self.file = db_file
                return self._prepare(db)
            except (OSError, sqlite3.Error) as e:
                if db is not None:
                    db.close()
                if retry and is_damage(e):  # not a database, or a damaged one: made anew
                    with suppress(OSError):  # else the temporary index, as for any unwritable one
                        self.note = set_aside(db_file, e)
                        return self._connect(db_file, retry=False)
                self.file = None
                self.note = f"cannot write the index in {db_file.parent} ({e}); using a temporary one"
        return self._prepare(sqlite3.connect(":memory:", isolation_level=None))

    def _prepare(self, db: sqlite3.Connection) -> sqlite3.Connection:
        db.execute("PRAGMA synchronous=NORMAL")
        if _version(db) != SCHEMA_VERSION:
            # Only a new or outdated index is written here, under the write lock, where the
            # version is asked again: another process may have just made the index.
            with transaction(db):
                if _version(db) != SCHEMA_VERSION:
                    for table in _TABLES:
                        db.execute(f"DROP TABLE IF EXISTS {table}")
                    execute_all(db, SCHEMA)
                    # FTS5 writes a segment for every 1 MB of terms by default; merging
                    # them was most of a first index's full-text work.
                    with suppress(sqlite3.OperationalError):
                        db.execute("INSERT INTO fts(fts, rank) VALUES('hashsize', ?)", (16 << 20,))
                    db.execute("INSERT OR REPLACE INTO meta VALUES('schema', ?)", (SCHEMA_VERSION,))
                    db.execute("INSERT OR REPLACE INTO meta VALUES('root', ?)", (str(self.root.resolve()),))
        return db

    def empty(self) -> None:
        """Forget everything the index holds. A damaged index, whose tables SQLite cannot
        empty, is set aside and made anew (`note` says so)."""
        try:
            with transaction(self.db):
                for table in ("dirs", "files", "items", "item_keys", "members", "releases", "named", "fts"):
                    self.db.execute(f"DELETE FROM {table}")
                self.db.execute("DELETE FROM meta WHERE key = 'releases'")
        except sqlite3.Error as e:
            if not is_damage(e) or self.file is None:
                raise
            self.db.close()
            try:
                self.note = set_aside(self.file, e)
            except OSError as moving:
                why = f"the index is damaged ({e}) and cannot be moved aside ({moving})"
                raise CstonewsError(why, ExitCode.DAMAGED_INDEX) from None
            self.db = self._connect(self.file, retry=False)

    def close(self) -> None:
        self.db.close()


def _version(db: sqlite3.Connection) -> str | None:
    try:
        row = db.execute("SELECT value FROM meta WHERE key='schema'").fetchone()
    except sqlite3.OperationalError:
        return None
    return row[0] if row else None


def file_of(db: sqlite3.Connection) -> str:
    """The path of the index file `db` is open on; "" for an index in memory."""
    return str(db.execute("PRAGMA database_list").fetchone()[2])


@contextmanager
def checkpoints_aside(db: sqlite3.Connection, every: float = 0.5) -> Iterator[None]:
    """While a long write goes on, the write-ahead log is copied into the index file by a
    thread with a connection of its own, every `every` seconds, rather than by `db` at its
    commits: there the copy and its waits for the disk held up the writer, and the worker
    processes waiting for it to take what they had made. `db` still checkpoints once the
    log reaches 64 MB, which then has little left to copy, so that the log starts again
    from its beginning rather than grow for the whole write."""
    import threading

    path = file_of(db)
    if not path:  # in memory: no log
        yield
        return
    stop = threading.Event()

    def run() -> None:
        try:
            other = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        except sqlite3.Error:
            return  # the log then grows until `db` copies it, after the write
        try:
            while not stop.wait(every):
                with suppress(sqlite3.Error):  # busy: the next turn tries again
                    other.execute("PRAGMA wal_checkpoint(PASSIVE)")
        finally:
            other.close()

    db.execute("PRAGMA wal_autocheckpoint=4096")  # pages of 16 KB
    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()
        with suppress(sqlite3.Error):  # a failure of `db` is already on its way up
            db.execute("PRAGMA wal_autocheckpoint=1000")  # SQLite's default


def cores() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def sort_in_threads(db: sqlite3.Connection) -> None:
    """Let SQLite sort in as many threads as there are cores, for the statements that
    sort more than fits in memory (the indexes a first index makes)."""
    db.execute(f"PRAGMA threads={min(cores(), 8)}")
