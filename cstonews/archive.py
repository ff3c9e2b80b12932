"""The archive: a folder of page files and its derived index (SQLite with FTS5).

The folder is only ever read. The index lives in the cache directory and can be deleted
at any time: it is rebuilt from the pages. Every command first brings it up to date;
directory modification times tell which folders gained, lost or replaced files, so an
unchanged archive costs one `stat` per folder. `refresh(full=True)` also compares the
size and modification time of every file, which catches pages edited in place.

Across pages, a teaser seen on many pages is one release, and a teaser whose text is the
lead (or, for a headline-only teaser, the title) of an article is that article. Each page
contributes *items* (its article and teasers), each with a grouping key; releases are
rebuilt only for the keys a refresh touched.
"""

from __future__ import annotations

import errno
import json
import os
import re
import sqlite3
from collections.abc import Callable, Generator, Iterable, Iterator
from contextlib import closing, contextmanager, suppress
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

from cstonews.errors import Ambiguous, CstonewsError, ExitCode, NotFound
from cstonews.query import all_of, keyword_fts, ranked_fts, snippet, to_fts
from cstonews.ranking import BM25, relevance_sql
from cstonews.release import Release
from cstonews.text import fold_lookalikes, sha1_hex
from cstonews.wordforms import FTS_COLUMNS, FTS_TABLE, search_texts

# Bump when the schema or the parser's reading changes: the index is then rebuilt.
SCHEMA_VERSION = "7"
PAGE_SUFFIX = ".txt"
# A saved page is tens of kilobytes; a file far larger is something else, and reading it
# would stall every command that refreshes.
MAX_PAGE_BYTES = 4 * 1024 * 1024

# Keys hold up to 240 characters and come in no order: a first index of many pages drops
# these while it reads them and makes them once, sorted, before the release build.
_ITEM_INDEXES = """
CREATE INDEX IF NOT EXISTS items_key ON items(key);
-- Articles by the title key they answer to: the release build reads this instead of every
-- item (a cold scan of all items took 14 s at 100,000 pages, this index 0.6 s).
CREATE INDEX IF NOT EXISTS items_article_alias ON items(alias, key) WHERE kind = 'article';
"""

# Made once, sorted, after the release build of a first index, rather than updated with
# every release in no particular order.
_RELEASE_INDEXES = """
CREATE INDEX IF NOT EXISTS releases_date ON releases(date);
-- `list` walks one of these and stops at its limit instead of sorting every release.
CREATE INDEX IF NOT EXISTS releases_newest ON releases(date IS NULL, date DESC, id);
CREATE INDEX IF NOT EXISTS releases_oldest ON releases(date IS NULL, date, id);
CREATE INDEX IF NOT EXISTS named_key ON named(kind, key);
CREATE INDEX IF NOT EXISTS named_rowid ON named(rowid);
"""

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE IF NOT EXISTS dirs(path TEXT PRIMARY KEY, mtime_ns INTEGER);
CREATE TABLE IF NOT EXISTS files(
    id INTEGER PRIMARY KEY, path TEXT UNIQUE, dir TEXT, size INTEGER, mtime_ns INTEGER,
    warnings TEXT);
CREATE INDEX IF NOT EXISTS files_dir ON files(dir);
CREATE TABLE IF NOT EXISTS items(
    file_id INTEGER, ord INTEGER, kind TEXT, key TEXT, alias TEXT, has_date INTEGER,
    data TEXT, PRIMARY KEY(file_id, ord));
""" + _ITEM_INDEXES + """
CREATE TABLE IF NOT EXISTS releases(
    rowid INTEGER PRIMARY KEY, id TEXT UNIQUE, key TEXT UNIQUE, kind TEXT, lang TEXT,
    date TEXT, data TEXT);
-- Who and where each release names, for --country, --person and stats. kind: 'country'
-- (key: the name folded), 'person' (key: surname|initial), 'surname' (key: surname).
CREATE TABLE IF NOT EXISTS named(rowid INTEGER, kind TEXT, key TEXT, name TEXT);
""" + _RELEASE_INDEXES + """
""" + FTS_TABLE + """;
CREATE VIRTUAL TABLE IF NOT EXISTS fts_terms USING fts5vocab(fts, 'row');
"""

_KEY_WORD = re.compile(r"[^\W_]+")
_WORD = re.compile(r"\w+")  # the same where no `_` is: `re` checks it a third faster
_KEY_LEN = 240


def match_key(text: str) -> str:
    """What two copies of one lead (or title) share: letters and digits, case folded, the
    words one space apart, the first 240 characters."""
    t = fold_lookalikes(text).casefold().rstrip(". …")
    # A key is made for every teaser and article read. Its words are looked for in the
    # start of the text first: when they fill the key, a word cut at the end of that start
    # reaches past the key's end, and the rest of the text cannot change the key.
    words = _KEY_WORD if "_" in t else _WORD
    key = " ".join(words.findall(t, 0, _KEY_LEN + 80))
    if len(key) < _KEY_LEN < len(t):
        key = " ".join(words.findall(t))  # the start was mostly spaces and marks
    return key[:_KEY_LEN]


@dataclass
class Selection:
    """Which releases a command asks for."""

    since: date | None = None
    until: date | None = None
    keywords: list[str] = field(default_factory=list)
    kind: str | None = None
    lang: str | None = None
    limit: int = 50  # 0 for all
    reverse: bool = False
    countries: list[str] = field(default_factory=list)  # canonical names; all must be named
    people: list[str] = field(default_factory=list)  # names as typed ("Zas", "S. Zas"); all must be named


@dataclass
class Hit:
    release: Release
    snippet: str  # matched words between \x02 and \x03


@dataclass
class RefreshReport:
    read: int = 0
    removed: int = 0
    warnings: list[tuple[str, str]] = field(default_factory=list)  # (file, warning)
    unsettled: set[str] = field(default_factory=set)  # folders with a file that changed while read
    note: str | None = None  # why the refresh did not happen


Progress = Callable[[int, int], None]


class DamagedIndex(CstonewsError):
    """An index SQLite finds damaged (a disk fault, a file cut short or overwritten)."""

    exit_code = ExitCode.DAMAGED_INDEX

    def __init__(self, why: str) -> None:
        super().__init__(f"the index is damaged ({why}): `cstonews index --rebuild` makes it anew")


def as_damage(e: BaseException) -> DamagedIndex | None:
    """The one-line error for `e` if it says that the index is damaged; None otherwise."""
    if _is_damage(e):
        return DamagedIndex(str(e) if type(e) is sqlite3.DatabaseError else "text in it is not UTF-8")
    return None


_SQLITE_CORRUPT, _SQLITE_NOTADB = 11, 26  # a damaged file, and one that is no database


def _is_damage(e: BaseException) -> bool:
    if isinstance(e, sqlite3.OperationalError) and str(e).startswith("Could not decode to UTF-8"):
        return True  # text that is not UTF-8: Python's error, not SQLite's
    code = getattr(e, "sqlite_errorcode", None)  # Python 3.11 on
    if isinstance(e, sqlite3.DatabaseError) and isinstance(code, int):
        return code & 0xFF in (_SQLITE_CORRUPT, _SQLITE_NOTADB)  # extended codes too
    # Before 3.11: those two come as the base class, every other failure (a lock, a full
    # disk, a read-only file) as a subclass.
    return type(e) is sqlite3.DatabaseError


def _set_aside(db_file: Path, damage: BaseException) -> str:
    """Move a damaged index (and its write-ahead log) out of the way, to `NAME.damaged`,
    for whoever wants to look at it (an older one there is replaced); the note saying so."""
    aside = db_file.with_name(db_file.name + ".damaged")
    for suffix in ("", "-wal", "-shm"):
        with suppress(FileNotFoundError):
            os.replace(f"{db_file}{suffix}", f"{aside}{suffix}")
    return f"the index was damaged ({damage}): set aside as {aside.name}, and made anew"


def _page_stat(e: os.DirEntry[str]) -> os.stat_result | None:
    """A page file's stat; a broken or looping symlink's own, so that it is warned of once."""
    try:
        if e.is_file():
            return e.stat()
    except OSError:
        pass
    return e.stat(follow_symlinks=False) if e.is_symlink() else None


def _stat(path: str) -> tuple[int, int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_size, st.st_mtime_ns


def _read_error(path: Path, e: OSError) -> str:
    """Why a page file could not be read, in plain words."""
    if e.errno == errno.ELOOP:
        return "cannot read: a symbolic link loop"
    if path.is_symlink() and e.errno == errno.ENOENT:
        return "cannot read: a broken symbolic link"
    return f"cannot read: {e.strerror or e}"


# An item as stored: ord, kind, key, alias, dated, JSON (UTF-8).
_Item = tuple[int, str, str, "str | None", bool, bytes]


def _keys_of(items: Iterable[_Item]) -> set[str]:
    """The grouping keys whose releases these items take part in."""
    return {k for _, _, key, alias, _, _ in items for k in (key, alias) if k}


@dataclass
class _PageRows:
    """One page file as read, ready for the index (made in a worker process when parallel)."""

    rel: str
    size_mtime: tuple[int, int]
    warnings: list[str]
    items: list[_Item]
    unsettled: bool = False  # the file changed while it was read


def read_page_rows(root: str | Path, rel: str, size_mtime: tuple[int, int]) -> _PageRows:
    """Read and parse one page file into the rows the index stores. Never raises."""
    from cstonews import parse  # its patterns cost start-up time; only refreshes need it

    # A str path, read unbuffered: pathlib's joins and reads cost 11.6 us a page, these 6.3.
    path = os.path.join(root, rel)
    size = size_mtime[0]
    data: bytes | None = None
    unsettled = False
    if size > MAX_PAGE_BYTES and os.path.isfile(path):
        why = f"too large for a saved page ({size / 1e6:.1f} MB; pages are under {MAX_PAGE_BYTES >> 20} MB)"
        page = parse.PageReading(rel, None, [], [why])
    else:
        try:
            with open(path, "rb", buffering=0) as f:
                data = f.readall()
        except OSError as e:
            page = parse.PageReading(rel, None, [], [_read_error(Path(path), e)])
    if data is not None:
        page = parse.read_page(data, rel, teaser_entities=False)  # see _as_release
        if _stat(path) != size_mtime:
            # Changed while being read: stored with an impossible mtime, so that the
            # next refresh reads it again rather than trusting a half-written copy.
            size_mtime = (size_mtime[0], -1)
            unsettled = True
    found: list[tuple[Release, str, str | None]] = [(t, match_key(t.lead), None) for t in page.teasers]
    if page.article:
        a = page.article
        key = match_key(a.lead) if a.lead else "title " + match_key(a.title or "")
        found.append((a, key, match_key(a.title or "") or None))
    items = [
        (n, str(r.kind), key, alias, r.date is not None, _stored(r))
        for n, (r, key, alias) in enumerate(found)
        if key
    ]
    return _PageRows(rel, size_mtime, page.warnings, items, unsettled)


def _stored(release: Release) -> bytes:
    """A release (or item) as the index stores it: the JSON of `release.to_dict()` in
    UTF-8, compact, written straight from its fields (no copy, as `to_dict` makes).

    By orjson: the JSON of every teaser and article read took 40 us a page with the
    standard library's encoder, 7 us with orjson (5,000 pages, 16,589 releases), and
    UTF-8 bytes cross from a worker process to the index without being decoded."""
    import orjson  # only an index's writes need it: read commands do not load it

    try:
        return orjson.dumps(release)  # a dataclass: its fields in order, as `vars` has them
    except TypeError:  # a lone surrogate: escaped, as the standard library can
        return _json_bytes(vars(release))


def _json_bytes(d: dict[str, Any]) -> bytes:
    """`d` as `_stored` writes it, by the standard library (non-ASCII escaped)."""
    return json.dumps(d, separators=(",", ":")).encode()


def _as_release(item: dict[str, Any]) -> Release:
    """The release an item stands for. Teasers are stored without their names (most
    announce an article the archive holds, whose release is the article's): a teaser that
    is a release of its own gets them here."""
    release = Release.from_dict(item)
    if release.kind == "teaser":
        from cstonews.parse import add_entities

        add_entities(release)
    return release


# What the index writes for releases: rows of `releases`, of the full-text index and of
# `named`. The long texts are UTF-8, as SQLite keeps them: a release build hands them from
# one process to another, and decoding them on the way took as long as writing them
# (`CAST(? AS TEXT)` stores them as text).
_Rows = tuple[
    list[tuple[int, str, str, str, "str | None", "str | None", bytes]],
    list[tuple[int, bytes, bytes, bytes, bytes]],
    list[tuple[int, str, str, str]],
]


class _ReleaseRows:
    """Releases made ready for the index, numbered from row `rowid` on, in the order they
    are to be written. An id in `taken` gets its key's suffix, as the index's UNIQUE
    requires (the first release to take an id keeps it): checked here, the writer only
    writes (a set of 100,318 ids took 14.5 MB, strings included)."""

    def __init__(self, rowid: int, taken: set[str]) -> None:
        self.rowid = rowid
        self.taken = taken
        self.rows: _Rows = ([], [], [])

    def add(self, key: str, release: Release, stored: bytes | None) -> None:
        """Add `release` (whose JSON is `stored`, if already written)."""
        if release.id in self.taken:
            # Another release has this id (same date, same first words): this one's key
            # tells them apart.
            release.id = f"{release.id}-{sha1_hex(key)[:6]}"
            stored = None
        self.taken.add(release.id)
        if stored is None:
            stored = _stored(release)
        rowid = self.rowid
        self.rowid += 1
        releases, texts, names = self.rows
        releases.append((rowid, release.id, key, release.kind, release.lang, release.date, stored))
        body = "\n".join(release.body or [release.lead])
        texts.append((rowid, *search_texts(release.title or "", body)))
        names += [(rowid, *n) for n in _named_rows(release)]

    def __len__(self) -> int:
        return len(self.rows[0])

    def take(self) -> _Rows:
        """The rows added since the last call."""
        rows, self.rows = self.rows, ([], [], [])
        return rows


# Every item, sorted by grouping key, the best of each group first: an article, a dated
# one, the first path. Sorted by SQLite, which spills to disk: every row streams through
# once and no table of keys is held in memory. The items are read in the order they were
# written (NOT INDEXED), not in key order through an index: once the kernel has dropped
# them from its cache, reading them in key order is a random read each. A headline teaser
# (keyed by an article's title) is listed twice: under its own key, flagged as claimed,
# and as an extra row of each article it belongs to, which only adds its page to the
# sources.
_ITEMS_BY_KEY = (
    "SELECT i.key, 0, i.kind = 'teaser', NOT i.has_date, f.path, i.ord, CAST(i.data AS BLOB), "
    "  i.kind = 'teaser' AND EXISTS("
    "    SELECT 1 FROM items c WHERE c.alias = i.key AND c.kind = 'article') "
    "FROM items i NOT INDEXED JOIN files f ON f.id = i.file_id "
    "UNION ALL "
    "SELECT a.key, 1, 1, 0, f.path, t.ord, NULL, 0 "
    "FROM (SELECT DISTINCT key, alias FROM items WHERE kind = 'article' AND alias IS NOT NULL) a "
    "JOIN items t ON t.key = a.alias AND t.kind = 'teaser' JOIN files f ON f.id = t.file_id "
    "ORDER BY 1, 2, 3, 4, 5, 6"
)


def _grouped_releases(db: sqlite3.Connection, prefix: str) -> Iterator[_Rows]:
    """The rows of every release of the index's items, in batches, in key order, numbered
    from 1 (the releases table is emptied first); page paths joined to `prefix`. Only
    reads `db`."""
    out = _ReleaseRows(1, set())
    group: list[tuple[Any, ...]] = []
    for row in db.execute(_ITEMS_BY_KEY):
        if group and row[0] != group[0][0]:
            _add_release(group, prefix, out)
            group = []
            if len(out) >= _RELEASE_BATCH:
                yield out.take()
        group.append(row)
    if group:
        _add_release(group, prefix, out)
    if len(out):
        yield out.take()


def _add_release(group: list[tuple[Any, ...]], prefix: str, out: _ReleaseRows) -> None:
    """One release from its rows (key, extra, teaser, undated, path, ord, data, claimed),
    the best first."""
    key, _, _, _, _, _, data, claimed = group[0]
    if claimed:
        return  # a headline teaser with no article of its own key: part of another
    release = _as_release(json.loads(data))
    was, release.sources = release.sources, sorted({prefix + row[4] for row in group})
    # An article's release is its item with the sources of the whole group: stored as
    # the item's JSON (UTF-8, as read: most rows are never decoded) with that one list
    # replaced, not written out again. A teaser's gains its names: written out again.
    stored = _with_sources(data, was, release.sources) if release.kind == "article" else None
    out.add(key, release, stored)


def _with_sources(stored: bytes, old: list[str], new: list[str]) -> bytes:
    """`stored` (an item's JSON in UTF-8, as `_stored` wrote it, whose sources are `old`)
    with its list of sources replaced by `new`, as `_stored` would write it.

    The list is found as written, key and all: a quote inside a JSON string is escaped,
    and only a key is followed by a colon, so `"sources":` is only ever the key. (Its
    end was once sought as `],"`, which a source ending in `],` also holds.)"""
    import orjson

    try:
        was = b'"sources":' + orjson.dumps(old)
        at = stored.find(was)
        if at < 0:  # not written by `_stored`: decoded whole
            return orjson.dumps({**json.loads(stored), "sources": new})
        return stored[:at] + b'"sources":' + orjson.dumps(new) + stored[at + len(was) :]
    except TypeError:  # a lone surrogate
        return _json_bytes({**json.loads(stored), "sources": new})


def _group_apart(db_file: str, generation: str, prefix: str, out: Any, not_ours: Any = None) -> None:
    """In a child process: `_grouped_releases` of the index at `generation`, sent to `out`
    a batch at a time; then None, or the exception that stopped it. `not_ours` is the
    parent's end of the pipe: held open here, it kept a child whose parent was killed
    waiting to send forever, its read transaction pinning the index's WAL."""
    if not_ours is not None:
        not_ours.close()
    try:
        uri = f"{Path(db_file).resolve().as_uri()}?mode=ro"
        db = sqlite3.connect(uri, uri=True, isolation_level=None)
        _sort_in_threads(db)
        db.execute("BEGIN")  # one snapshot throughout
        row = db.execute("SELECT value FROM meta WHERE key='generation'").fetchone()
        if (row[0] if row else "") != generation:
            raise CstonewsError("the index changed while its releases were being built")
        for batch in _grouped_releases(db, prefix):
            out.send(batch)
        out.send(None)
    except KeyboardInterrupt:
        pass  # the parent was interrupted too, and says so
    except BaseException as e:
        with suppress(Exception):
            out.send(e)
    finally:
        out.close()


_FTS_INSERT = f"INSERT INTO fts(rowid, {', '.join(FTS_COLUMNS)}) VALUES(?{', CAST(? AS TEXT)' * len(FTS_COLUMNS)})"


def _cores() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def _sort_in_threads(db: sqlite3.Connection) -> None:
    """Let SQLite sort in as many threads as there are cores (for the statements that sort
    more than fits in memory): the release build's sort of every item took 1.1 s instead
    of 2.0-5.8 s at 100,000 pages on two cores."""
    db.execute(f"PRAGMA threads={min(_cores(), 8)}")


def _widen_pipe(fd: int) -> None:
    """Let a pipe hold 1 MB instead of 64 KB, where Linux allows it: a release build sends
    6 MB batches, and fewer, larger writes took its 30,000-page build from 3.0 to 2.8 s."""
    try:
        import fcntl

        fcntl.fcntl(fd, fcntl.F_SETPIPE_SZ, 1 << 20)
    except (ImportError, AttributeError, OSError):
        pass  # not Linux, or not allowed: the default size works, a little slower


def _processes() -> Any:
    """multiprocessing, forking where it can (no re-import in each child)."""
    import multiprocessing

    return multiprocessing.get_context("fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn")


def read_pages(root: Path, files: list[tuple[str, tuple[int, int]]]) -> Iterator[_PageRows]:
    """Read page files in order; on several cores, in worker processes.

    Each worker has a pipe for its chunks of pages and one for what it read; chunk k goes
    to worker k % cores, and at most `_AHEAD` chunks a worker are in flight, so memory
    stays flat however large the archive. Not multiprocessing.Pool: its thread that
    watches the workers woke for every result waiting in the pipe, and spun through 1.5 s
    of CPU while 30,000 pages were read (9.4 to 9.8 s; 8.3 s with these workers). Nor
    concurrent.futures: when the parent is killed, its workers wait for work forever.
    """
    cores = _cores()
    top = str(root)  # sent with every chunk: a str pickles in a few bytes, a Path as parts
    if cores < 2 or len(files) < PARALLEL_MIN:
        for rel, sm in files:
            yield read_page_rows(top, rel, sm)
        return
    chunks = [files[i : i + _CHUNK] for i in range(0, len(files), _CHUNK)]
    workers = _Readers(cores)
    try:
        for k in range(min(len(chunks), cores * _AHEAD)):
            workers.send(k, (top, chunks[k]))
        for k in range(len(chunks)):
            got = workers.recv(k)
            if k + cores * _AHEAD < len(chunks):
                workers.send(k + cores * _AHEAD, (top, chunks[k + cores * _AHEAD]))
            yield from got
    finally:
        workers.close()


class _Readers:
    """Worker processes reading chunks of pages (`_read_chunks`), each through pipes of
    its own. A worker holds no other end of its pipes: when this process ends, even
    killed, its workers read the end of their pipe and exit."""

    def __init__(self, n: int) -> None:
        ctx = _processes()
        self.tasks: list[Any] = []  # ours: we send
        self.results: list[Any] = []  # ours: we receive
        self.procs: list[Any] = []
        for _ in range(n):
            task_r, task_w = ctx.Pipe(duplex=False)
            result_r, result_w = ctx.Pipe(duplex=False)
            _widen_pipe(result_w.fileno())  # a worker goes on reading while we write
            proc = ctx.Process(
                target=_read_chunks,
                args=(task_r, result_w, [task_w, result_r, *self.tasks, *self.results]),
                daemon=True,
            )
            proc.start()
            task_r.close()
            result_w.close()
            self.tasks.append(task_w)
            self.results.append(result_r)
            self.procs.append(proc)

    def send(self, k: int, chunk: tuple[str, list[tuple[str, tuple[int, int]]]]) -> None:
        # A broken pipe: the worker is gone. What it read before it ended is still in its
        # results pipe; `recv` hands that on, then says it ended, in chunk order.
        with suppress(OSError):
            self.tasks[k % len(self.tasks)].send(chunk)

    def recv(self, k: int) -> list[_PageRows]:
        """What chunk k read: each worker answers its chunks in the order it was sent them."""
        try:
            got = self.results[k % len(self.results)].recv()
        except EOFError:
            raise CstonewsError("reading pages stopped: a worker process ended early") from None
        if isinstance(got, BaseException):
            raise got
        return got

    def close(self) -> None:
        for conn in (*self.tasks, *self.results):
            conn.close()  # a worker waiting for work reads the end of it and exits
        for proc in self.procs:
            proc.join(timeout=1)
            if proc.is_alive():  # still reading a chunk nobody waits for
                proc.terminate()
                proc.join()


def _read_chunks(tasks: Any, results: Any, not_ours: list[Any]) -> None:
    """In a worker: read the chunks of pages that come through `tasks`, and send back what
    each one yields (or the exception that stopped it), until the pipe ends."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    for conn in not_ours:
        conn.close()  # inherited ends: held here, they would keep our pipes open
    try:
        while True:
            top, chunk = tasks.recv()
            try:
                got: Any = [read_page_rows(top, rel, sm) for rel, sm in chunk]
            except Exception as e:
                got = e
            results.send(got)
    except (EOFError, OSError):
        pass  # the parent is done, or gone


# Reading in parallel pays for its worker processes from this many files on.
PARALLEL_MIN = 300
_CHUNK = 16  # pages a worker is sent at a time
_AHEAD = 4  # chunks a worker may have waiting
# A first index of this many files is written in batches and its releases built at the end.
BULK_MIN = 2000
_BATCH = 1000
_RELEASE_BATCH = 1000  # releases written at a time by the release build


@lru_cache(maxsize=16384)  # the same few people are named in release after release
def person_key(name: str) -> str:
    """What spellings of one person share: `zas|s` for "Stanislav ZAS" and "S. Zas"."""
    from cstonews.entities import person_keys

    surname, initial = person_keys(name)
    return f"{surname}|{initial or ''}"


def _named_rows(r: Release) -> list[tuple[str, str, str]]:
    rows = [("country", c.casefold(), c) for c in dict.fromkeys([*r.countries, *r.other_countries])]
    for p in r.people:
        key = person_key(p)
        rows += [("person", key, p), ("surname", key.split("|")[0], p)]
    return rows


def _execute_all(db: sqlite3.Connection, sql: str) -> None:
    for statement in sql.split(";"):
        if statement.strip():
            db.execute(statement)


def _drop_indexes(db: sqlite3.Connection, sql: str) -> None:
    """Drop the indexes `sql` creates."""
    for name in re.findall(r"INDEX IF NOT EXISTS (\w+)", sql):
        db.execute(f"DROP INDEX IF EXISTS {name}")


def _commit(db: sqlite3.Connection) -> None:
    """Commit a write, marked with a generation never used before: a search ranked ahead on
    another state of the index (`ranking.rank_ahead`) is then known."""
    db.execute("INSERT OR REPLACE INTO meta VALUES('generation', ?)", (os.urandom(8).hex(),))
    db.execute("COMMIT")


class Archive:
    def __init__(self, root: Path, db_file: Path | None, busy_timeout: float = 30) -> None:
        """Open the index of `root` at `db_file` (None: a temporary in-memory index)."""
        self.busy_timeout = busy_timeout
        if not root.is_dir():
            raise CstonewsError(f"archive folder not found: {root}", ExitCode.USAGE)
        try:
            str(root.resolve()).encode()
        except UnicodeEncodeError:
            shown = os.fsencode(root).decode(errors="replace")
            raise CstonewsError(
                f"the archive folder's path is not valid UTF-8: {shown} (rename it to index it)", ExitCode.USAGE
            ) from None
        self.root = root
        self.db_note: str | None = None
        # Page paths in releases: the folder as pathlib spells it, joined by string (on a
        # first index of 100,000 pages, pathlib's joins cost 2.6 s of the release build).
        self._prefix = str(root / "_")[:-1]
        self.db_file: Path | None = None  # None: in memory
        self.db = self._connect(db_file)

    def _connect(self, db_file: Path | None, retry: bool = True) -> sqlite3.Connection:
        if db_file is not None:
            db: sqlite3.Connection | None = None
            try:
                db_file.parent.mkdir(parents=True, exist_ok=True)
                db = sqlite3.connect(db_file, timeout=self.busy_timeout, isolation_level=None)
                db.execute("PRAGMA journal_mode=WAL")
                self.db_file = db_file
                return self._prepare(db)
            except (OSError, sqlite3.Error) as e:
                if db is not None:
                    db.close()
                if retry and _is_damage(e):  # not a database, or a damaged one: made anew
                    with suppress(OSError):  # else the temporary index, as for any unwritable one
                        self.db_note = _set_aside(db_file, e)
                        return self._connect(db_file, retry=False)
                self.db_file = None
                self.db_note = f"cannot write the index in {db_file.parent} ({e}); using a temporary one"
        return self._prepare(sqlite3.connect(":memory:", isolation_level=None))

    def _prepare(self, db: sqlite3.Connection) -> sqlite3.Connection:
        db.execute("PRAGMA synchronous=NORMAL")
        version = None
        try:
            row = db.execute("SELECT value FROM meta WHERE key='schema'").fetchone()
            version = row[0] if row else None
        except sqlite3.OperationalError:
            pass
        if version != SCHEMA_VERSION:
            # Only a new or outdated index is written here: an ordinary open must not
            # queue behind another process's long refresh. Under the write lock, the
            # version is asked again: another process may have just made the index.
            db.execute("BEGIN IMMEDIATE")
            try:
                row = db.execute(
                    "SELECT value FROM sqlite_master m, meta WHERE m.name='meta' AND meta.key='schema'"
                ).fetchone()
            except sqlite3.OperationalError:
                row = None
            try:
                if not row or row[0] != SCHEMA_VERSION:
                    self._drop(db)
                    _execute_all(db, _SCHEMA)
                    # FTS5 writes a segment for every 1 MB of terms by default, and merging
                    # those was most of the full-text inserts of a first index: with 16 MB,
                    # 3.9 s instead of 6.4 s at 100,000 releases. An SQLite without the
                    # option keeps its default.
                    with suppress(sqlite3.OperationalError):
                        db.execute("INSERT INTO fts(fts, rank) VALUES('hashsize', ?)", (16 << 20,))
                    db.execute("INSERT OR REPLACE INTO meta VALUES('schema', ?)", (SCHEMA_VERSION,))
                    db.execute("INSERT OR REPLACE INTO meta VALUES('root', ?)", (str(self.root.resolve()),))
                _commit(db)
            except BaseException:
                db.execute("ROLLBACK")
                raise
        return db

    @staticmethod
    def _drop(db: sqlite3.Connection) -> None:
        for table in ("meta", "dirs", "files", "items", "releases", "named", "fts_terms", "fts"):
            db.execute(f"DROP TABLE IF EXISTS {table}")

    def close(self) -> None:
        self.db.close()

    # --- keeping the index up to date ----------------------------------------------------

    def rebuild(self, progress: Progress | None = None) -> RefreshReport:
        """Forget what the index holds and read every page again. A damaged index, whose
        tables SQLite cannot empty, is set aside and made anew; `note` then says so."""
        note = None
        try:
            self.db.execute("BEGIN IMMEDIATE")
            try:
                for table in ("dirs", "files", "items", "releases", "named", "fts"):
                    self.db.execute(f"DELETE FROM {table}")
                _commit(self.db)
            except BaseException:
                with suppress(sqlite3.Error):
                    self.db.execute("ROLLBACK")
                raise
        except sqlite3.Error as e:
            if not _is_damage(e) or self.db_file is None:
                raise
            self.db.close()
            try:
                note = _set_aside(self.db_file, e)
            except OSError as moving:
                why = f"the index is damaged ({e}) and cannot be moved aside ({moving})"
                raise CstonewsError(why, ExitCode.DAMAGED_INDEX) from None
            self.db = self._connect(self.db_file, retry=False)
        report = self.refresh(full=True, progress=progress)
        report.note = report.note or note
        return report

    def refresh(self, full: bool = False, progress: Progress | None = None) -> RefreshReport:
        """Bring the index up to date with the folder; returns what was read."""
        known_dirs = dict(self.db.execute("SELECT path, mtime_ns FROM dirs"))
        if full or not known_dirs:
            scan = self._scan_dirs(None)
        else:
            changed = []
            for rel, mtime in known_dirs.items():
                try:
                    st = os.stat(self.root / rel)
                except OSError:
                    changed.append(rel)
                    continue
                if st.st_mtime_ns != mtime:
                    changed.append(rel)
            if not changed and not self._releases_owed():
                return RefreshReport()
            scan = self._scan_dirs(changed)
        try:
            return self._apply(scan, progress)
        except sqlite3.OperationalError as e:
            if "locked" not in str(e) or full:
                raise
            # Another process has held the index for the whole timeout (a long `index`):
            # a read command answers from the index as it stands rather than fail.
            report = RefreshReport()
            report.note = "another cstonews is still updating this index: answering from it as it stands"
            return report

    def _scan_dirs(self, only: list[str] | None) -> _Scan:
        """List page files: of the whole tree (only=None) or of the folders in `only`.

        A changed folder is listed again, and folders new under it are walked whole; a
        folder that vanished fails its own `stat`, so it is in `only` too.
        """
        scan = _Scan(full=only is None)
        known = set() if only is None else {r for (r,) in self.db.execute("SELECT path FROM dirs")}
        todo = [""] if only is None else list(only)
        while todo:
            rel = todo.pop()
            scan.listed_dirs.append(rel)
            path = self.root / rel if rel else self.root
            try:
                st = os.stat(path)
                entries = list(os.scandir(path))
            except OSError:
                continue  # gone or unreadable: its files drop out of the index
            scan.dirs[rel] = st.st_mtime_ns
            for e in entries:
                child = f"{rel}/{e.name}" if rel else e.name
                try:
                    if not _utf8(e.name):
                        if e.is_dir(follow_symlinks=False) or e.name.endswith(PAGE_SUFFIX):
                            _unnamed(scan, child, e)
                    elif e.is_dir(follow_symlinks=False):
                        if child not in known:
                            todo.append(child)
                    elif e.name.endswith(PAGE_SUFFIX):
                        fst = _page_stat(e)
                        if fst is not None:
                            scan.files[child] = (fst.st_size, fst.st_mtime_ns)
                except OSError:
                    continue
        return scan

    def _apply(self, scan: _Scan, progress: Progress | None) -> RefreshReport:
        report = RefreshReport()
        db = self.db
        listed = set(scan.listed_dirs)
        # The write lock comes first: another process may have indexed these files while
        # this one was listing folders, and the comparison must see its work.
        db.execute("BEGIN IMMEDIATE")
        try:
            old: dict[str, tuple[int, int, int]] = {}
            for fid, path, d, size, mtime in db.execute("SELECT id, path, dir, size, mtime_ns FROM files"):
                if scan.full or d in listed:
                    old[path] = (fid, size, mtime)
            changed = sorted(p for p, sm in scan.files.items() if p not in old or old[p][1:] != sm)
            to_read = [p for p in changed if p not in scan.unnamed]
            unnamed = [p for p in changed if p in scan.unnamed]
            gone = [p for p in old if p not in scan.files]
            total = len(to_read)
            # A first index of a large archive is committed in batches, so that a crash
            # or a kill keeps what was read; releases are then built once, at the end,
            # and a mark in `meta` says they are owed until they are.
            bulk = not old and total >= BULK_MIN
            if bulk:
                db.execute("INSERT OR REPLACE INTO meta VALUES('releases', 'owed')")
                _drop_indexes(db, _ITEM_INDEXES)
            if progress:
                progress(0, total)
            affected: set[str] = set()
            for p in gone:
                affected |= _keys_of(self._remove_file(old[p][0]))
                report.removed += 1
            for p in unnamed:
                if p in old:
                    affected |= _keys_of(self._remove_file(old[p][0]))
                self._store(_PageRows(p, scan.files[p], [scan.unnamed[p]], []), report)
                report.read += 1
            for n, page in enumerate(read_pages(self.root, [(p, scan.files[p]) for p in to_read]), 1):
                before = self._remove_file(old[page.rel][0]) if page.rel in old else set()
                after = self._store(page, report)
                if not bulk:
                    # Only the items that changed touch their keys' releases: a page saved
                    # again mostly keeps its sidebar, whose teasers (the same rows as
                    # before) would each have had their release worked out again.
                    affected |= _keys_of(before ^ after)
                report.read += 1
                if progress and (n % 50 == 0 or n == total):
                    progress(n, total)
                if bulk and n % _BATCH == 0:
                    _commit(db)
                    db.execute("BEGIN IMMEDIATE")
            if self._releases_owed():
                _sort_in_threads(db)  # for the indexes made now and after the build
                _execute_all(db, _ITEM_INDEXES)  # dropped by the bulk read, maybe by a killed one
                # The build reads the items as committed (see `_release_batches`). Another
                # process may take the lock in between: it then builds them itself.
                _commit(db)
                db.execute("BEGIN IMMEDIATE")
                if self._releases_owed():
                    self._build_all_releases()
                    db.execute("DELETE FROM meta WHERE key='releases'")
            else:
                self._regroup(affected)
            for d in listed:
                if d in report.unsettled:
                    # A file changed while it was read: the next command lists it again.
                    db.execute("INSERT OR REPLACE INTO dirs VALUES(?, -1)", (d,))
                elif d in scan.dirs:
                    db.execute("INSERT OR REPLACE INTO dirs VALUES(?, ?)", (d, scan.dirs[d]))
                else:
                    db.execute("DELETE FROM dirs WHERE path = ?", (d,))
            _commit(db)
        except BaseException:
            db.execute("ROLLBACK")
            raise
        return report

    def _releases_owed(self) -> bool:
        return self.db.execute("SELECT 1 FROM meta WHERE key='releases'").fetchone() is not None

    def _build_all_releases(self) -> None:
        """Every release from the items, in one pass over them sorted by grouping key.

        The same rules as `_release_of`, without a query per key: on a first index of a
        hundred thousand pages, those queries cost more than reading the pages. The
        reading and grouping run in a second process where there are cores for it (see
        `_release_batches`); this one writes.
        """
        db = self.db
        db.execute("DELETE FROM releases")
        db.execute("DELETE FROM named")
        db.execute("DELETE FROM fts")
        _drop_indexes(db, _RELEASE_INDEXES)
        # FTS5 merges its segments once 4 of a size have gathered; 16 while the whole
        # archive is written: its full-text inserts took 3.5 s instead of 4.3 s at 100,000
        # releases, and searches the same time after. Refreshes merge as usual.
        with suppress(sqlite3.OperationalError):
            db.execute("INSERT INTO fts(fts, rank) VALUES('automerge', 16)")
        with closing(self._release_batches()) as batches:
            for batch in batches:
                self._write_releases(batch)
        with suppress(sqlite3.OperationalError):
            db.execute("INSERT INTO fts(fts, rank) VALUES('automerge', 4)")
        _execute_all(db, _RELEASE_INDEXES)

    def _release_batches(self) -> Generator[_Rows, None, None]:
        """The releases of `_grouped_releases`, in batches, in key order.

        Grouping is half the build's time (reading the sorted items, decoding them, their
        searchable text and names) and writing the other half, on one core while the
        other idled: at 100,000 pages the whole build took 20 s. A child process reads
        the index file as committed (the caller holds the write lock, so nothing else
        changes it) and hands batches over while this process writes the last one.
        """
        if self.db_file is None or _cores() < 2:
            yield from _grouped_releases(self.db, self._prefix)
            return
        ctx = _processes()
        ours, theirs = ctx.Pipe(duplex=False)
        _widen_pipe(theirs.fileno())
        child = ctx.Process(
            target=_group_apart,
            args=(str(self.db_file), self._generation(), self._prefix, theirs, ours),
            daemon=True,
        )
        child.start()
        theirs.close()
        try:
            while True:
                try:
                    got = ours.recv()
                except EOFError:
                    raise CstonewsError("the release build stopped: its process ended early") from None
                if got is None:
                    break
                if isinstance(got, BaseException):
                    raise got
                yield got
        finally:
            ours.close()
            if child.is_alive():
                child.terminate()
            child.join()

    def _source(self, rel: str) -> str:
        """A page's path as releases give it: `root / rel`."""
        return self._prefix + rel

    def _write_releases(self, rows: _Rows) -> None:
        """Store releases, their searchable text and their names, numbered and checked."""
        releases, texts, names = rows
        db = self.db
        db.executemany(
            "INSERT INTO releases(rowid, id, key, kind, lang, date, data) VALUES(?, ?, ?, ?, ?, ?, CAST(? AS TEXT))",
            releases,
        )
        db.executemany(_FTS_INSERT, texts)
        db.executemany("INSERT INTO named VALUES(?, ?, ?, ?)", names)

    def _remove_file(self, file_id: int) -> set[_Item]:
        """Remove a page file from the index; returns the items it had."""
        items = {
            (n, kind, key, alias, bool(dated), data)
            for n, kind, key, alias, dated, data in self.db.execute(
                "SELECT ord, kind, key, alias, has_date, CAST(data AS BLOB) FROM items WHERE file_id = ?", (file_id,)
            )
        }
        self.db.execute("DELETE FROM items WHERE file_id = ?", (file_id,))
        self.db.execute("DELETE FROM files WHERE id = ?", (file_id,))
        return items

    def _store(self, page: _PageRows, report: RefreshReport) -> set[_Item]:
        """Put one read page's rows in the index; returns its items, and those of a copy
        it replaced (all of which then count as changed)."""
        row = self.db.execute("SELECT id FROM files WHERE path = ?", (page.rel,)).fetchone()
        # Indexed meanwhile by another process, between two batches of this one.
        replaced = self._remove_file(row[0]) if row else set()
        for w in page.warnings:
            report.warnings.append((page.rel, w))
        if page.unsettled:
            report.unsettled.add(page.rel.rpartition("/")[0])
        cur = self.db.execute(
            "INSERT INTO files(path, dir, size, mtime_ns, warnings) VALUES(?, ?, ?, ?, ?)",
            (page.rel, page.rel.rpartition("/")[0], *page.size_mtime, json.dumps(page.warnings)),
        )
        file_id = cur.lastrowid
        self.db.executemany(
            "INSERT INTO items VALUES(?, ?, ?, ?, ?, ?, CAST(? AS TEXT))", [(file_id, *item) for item in page.items]
        )
        return set(page.items) | replaced

    def _regroup(self, keys: set[str]) -> None:
        """Rebuild the releases of the grouping keys a change touched.

        As if every release of these keys were deleted and they were then built again in
        key order; but a release that comes out the same as it was stays as it is. A page
        saved again mostly changes its own article: the releases its sidebar announces
        are the same, and deleting a release from the full-text index (which reads its
        text back) cost 0.6 ms each on a cold index of 100,000 releases.
        """
        db = self.db
        if not keys:
            return
        expanded = set(keys)
        for k in keys:
            expanded.update(
                a
                for (a,) in db.execute(
                    "SELECT alias FROM items WHERE kind='article' AND key=? AND alias IS NOT NULL", (k,)
                )
            )
            expanded.update(
                a for (a,) in db.execute("SELECT key FROM items WHERE kind='article' AND alias=?", (k,))
            )
        pending = set(expanded)  # keys whose releases are still as they were
        # The full-text index is changed last, its deletions then its insertions, each in
        # rowid order: FTS5 writes out what it holds in memory as a new segment whenever
        # a rowid comes that is not above the last one, and deleting a release's old row
        # then adding its new one did that for every release (1,000 pages re-saved at
        # 100,000: 1.9 s of deletions, 1.1 s to commit).
        gone: list[int] = []
        texts: list[tuple[int, bytes, bytes, bytes, bytes]] = []
        for k in sorted(expanded):
            pending.discard(k)
            release = self._release_of(k)
            old = db.execute("SELECT rowid, data FROM releases WHERE key = ?", (k,)).fetchall()
            rows: _Rows | None = None
            if release is not None:
                # An id is taken by a release as it now stands: not by this key's old one,
                # nor by one of a key still to come (both count as deleted). The old
                # release of a key to come makes way now: it is built again in its turn.
                taken: set[str] = set()
                for old_rowid, h in db.execute("SELECT rowid, key FROM releases WHERE id = ?", (release.id,)).fetchall():
                    if h in pending:
                        self._drop_release(old_rowid, gone)
                    elif h != k:
                        taken.add(release.id)
                (rowid,) = db.execute("SELECT ifnull(max(rowid), 0) + 1 FROM releases").fetchone()
                made = _ReleaseRows(rowid, taken)
                made.add(k, release, None)
                rows = made.take()
                if len(old) == 1 and old[0][1].encode() == rows[0][0][-1]:
                    continue  # the same release: its row, full text and names stand
            for (rowid, _) in old:
                self._drop_release(rowid, gone)
            if rows is not None:
                self._write_releases((rows[0], [], rows[2]))
                texts += rows[1]
        db.executemany("DELETE FROM fts WHERE rowid = ?", [(r,) for r in sorted(gone)])
        db.executemany(_FTS_INSERT, sorted(texts))

    def _drop_release(self, rowid: int, fts_gone: list[int]) -> None:
        """Delete a release and its names; its full-text row joins `fts_gone`, deleted
        later (see `_regroup`)."""
        self.db.execute("DELETE FROM named WHERE rowid = ?", (rowid,))
        self.db.execute("DELETE FROM releases WHERE rowid = ?", (rowid,))
        fts_gone.append(rowid)

    def _occurrences(self, where: str, args: Iterable[Any]) -> list[tuple[str, str | None, dict[str, Any]]]:
        rows = self.db.execute(
            "SELECT f.path, i.alias, i.data FROM items i JOIN files f ON f.id = i.file_id "
            f"WHERE {where} ORDER BY i.has_date DESC, f.path, i.ord",
            tuple(args),
        )
        return [(p, alias, json.loads(d)) for p, alias, d in rows]

    def _release_of(self, key: str) -> Release | None:
        """The release the items of grouping key `key` make, if any (id not yet checked)."""
        db = self.db
        articles = self._occurrences("i.kind='article' AND i.key=?", (key,))
        if articles:
            aliases = sorted({a for _, a, _ in articles if a})
            marks = ",".join("?" * len(aliases))
            teasers = self._occurrences(
                f"i.kind='teaser' AND (i.key=? OR i.key IN ({marks}))", (key, *aliases)
            )
            data = articles[0][2]
            occurrences = articles + teasers
        else:
            claimed = db.execute(
                "SELECT 1 FROM items WHERE kind='article' AND alias=? LIMIT 1", (key,)
            ).fetchone()
            if claimed:
                return None  # a headline teaser: part of the article with this title
            occurrences = self._occurrences("i.kind='teaser' AND i.key=?", (key,))
            if not occurrences:
                return None
            data = occurrences[0][2]
        release = _as_release(data)
        release.sources = sorted({self._source(p) for p, _, _ in occurrences})
        return release

    def warnings(self) -> Iterator[tuple[str, str]]:
        """(file, warning) for every indexed page that has warnings."""
        for path, ws in self.db.execute("SELECT path, warnings FROM files ORDER BY path"):
            for w in json.loads(ws):
                yield path, w

    def count(self) -> tuple[int, int]:
        """(page files, releases) in the index."""
        files = self.db.execute("SELECT count(*) FROM files").fetchone()[0]
        releases = self.db.execute("SELECT count(*) FROM releases").fetchone()[0]
        return files, releases

    # --- queries -------------------------------------------------------------------------

    def _where(self, sel: Selection, match: str | None, with_fts: bool = True) -> tuple[str, list[Any], str]:
        """SQL conditions for the selection, their arguments, and the full-text match.

        The full-text match becomes a set of rowids that releases are checked against
        while an index hands them over in date order, stopping at the limit. Without
        `with_fts`, it is only returned, for a query ranked by relevance to ask itself.
        """
        clauses: list[str] = []
        args: list[Any] = []
        if sel.since or sel.until:
            clauses.append("(r.date IS NULL) = 0")  # lets a date range seek releases_newest/oldest
        if sel.since:
            clauses.append("r.date >= ?")
            args.append(sel.since.isoformat())
        if sel.until:
            clauses.append("r.date <= ?")
            args.append(sel.until.isoformat())
        if sel.kind:
            clauses.append("r.kind = ?")
            args.append(sel.kind)
        if sel.lang:
            clauses.append("r.lang = ?")
            args.append(sel.lang)
        for c in sel.countries:
            clauses.append("r.rowid IN (SELECT rowid FROM named WHERE kind='country' AND key=?)")
            args.append(c.casefold())
        for p in sel.people:
            key = person_key(p)
            if key.endswith("|"):  # a surname alone matches every spelling with it
                clauses.append("r.rowid IN (SELECT rowid FROM named WHERE kind='surname' AND key=?)")
                args.append(key[:-1])
            else:
                clauses.append("r.rowid IN (SELECT rowid FROM named WHERE kind='person' AND key IN (?, ?))")
                args += [key, key.split("|")[0] + "|"]
        kw = keyword_fts(sel.keywords) if sel.keywords else ""
        full_match = all_of(match or "", kw)
        if full_match and with_fts:
            # `+` keeps SQLite from fetching every matching release by rowid and sorting
            # them all (0.1 s for a common word in 100,000 releases).
            clauses.append("+r.rowid IN (SELECT rowid FROM fts WHERE fts MATCH ?)")
            args.append(full_match)
        return (" WHERE " + " AND ".join(clauses)) if clauses else "", args, full_match

    def _order(self, sel: Selection) -> str:
        # Unknown dates last either way; matches the releases_newest/oldest indexes.
        direction = "ASC" if sel.reverse else "DESC"
        return f" ORDER BY r.date IS NULL, r.date {direction}, r.id"

    def _limit(self, sel: Selection) -> str:
        return f" LIMIT {int(sel.limit)}" if sel.limit and sel.limit > 0 else ""

    def _load(self, rowids: list[int]) -> list[Release]:
        """Releases by rowid, in the order given.

        Queries sort rowids first and load only the releases they show: sorting the
        stored JSON of every match was most of a search's time on a large archive.
        """
        data = self._by_rowid("SELECT rowid, data FROM releases WHERE rowid IN ({})", [], rowids)
        try:
            stored = [json.loads(data[r]) for r in rowids]
        except KeyError:  # a match or a listed row whose release is gone
            raise DamagedIndex("it names releases it does not hold") from None
        except ValueError:
            raise DamagedIndex("a release's stored JSON cannot be read") from None
        return [Release.from_dict(d) for d in stored]

    def _by_rowid(self, sql: str, args: list[Any], rowids: list[int]) -> dict[int, Any]:
        """{rowid: value} of a query that ends `rowid IN ({})`, asked 500 rowids at a time
        (older SQLite takes at most 999 parameters)."""
        found: dict[int, Any] = {}
        for i in range(0, len(rowids), 500):
            part = rowids[i : i + 500]
            found.update(self._run(sql.format(",".join("?" * len(part))), [*args, *part]))
        return found

    @contextmanager
    def _snapshot(self) -> Iterator[None]:
        """One read transaction: a query's several statements see the same index, even
        while another process refreshes it."""
        self.db.execute("BEGIN")
        try:
            yield
        finally:
            self.db.execute("COMMIT")

    def select(self, sel: Selection) -> list[Release]:
        """Releases matching the selection, newest first (unknown dates last)."""
        where, args, _ = self._where(sel, None)
        sql = f"SELECT r.rowid FROM releases r{where}{self._order(sel)}{self._limit(sel)}"
        with self._snapshot():
            return self._load([rowid for (rowid,) in self._run(sql, args)])

    def search(self, query: str, sel: Selection, sort: str = "relevance", snippets: bool = True) -> list[Hit]:
        """Full-text search; best match first (title weighs ten times the body). Without
        `snippets`, hits come with empty snippets, which cost a pass over each hit's text."""
        with self._snapshot():
            return self._search(query, sel, sort, snippets)

    def _search(self, query: str, sel: Selection, sort: str, with_snippets: bool) -> list[Hit]:
        if sort == "relevance":
            where, args, _ = self._where(sel, to_fts(query), with_fts=False)
            # The other conditions as a set of rowids, which each match is checked against
            # in memory: a join fetched the release of each of 100,000 matches.
            chosen = f" AND +rowid IN (SELECT r.rowid FROM releases r{where})" if where else ""
            # The words as typed first, then other forms: the second tier is only asked
            # for what the first leaves of the limit.
            rowids: list[int] = []
            for tier in ranked_fts(query, sel.keywords):
                left = sel.limit - len(rowids) if sel.limit > 0 else 0
                if sel.limit > 0 and left <= 0:
                    break
                rowids += [rowid for (rowid,) in self._ranked(relevance_sql(chosen, left), [tier, *args])]
        else:
            where, args, _ = self._where(sel, to_fts(query))
            sql = f"SELECT r.rowid FROM releases r{where}{self._order(sel)}{self._limit(sel)}"
            rowids = [rowid for (rowid,) in self._ranked(sql, args)]
        releases = self._load(rowids)
        if not with_snippets:
            return [Hit(r, "") for r in releases]
        return [Hit(r, snippet(query, "\n".join(r.body or [r.lead]))) for r in releases]

    def stats(self, sel: Selection, query: str | None = None) -> Stats:
        """Counts over every release the selection (and the query, if any) matches."""
        where, args, _ = self._where(sel, to_fts(query) if query else None)
        chosen = f"SELECT r.rowid FROM releases r{where}"
        st = Stats()
        with self._snapshot():
            for d, n in self._run(f"SELECT r.date, count(*) FROM releases r{where} GROUP BY r.date", args):
                st.total += n
                if d is None:
                    st.undated += n
                    continue
                st.by_year[d[:4]] = st.by_year.get(d[:4], 0) + n
                st.by_month[d[:7]] = st.by_month.get(d[:7], 0) + n
                st.first = min(st.first or d, d)
                st.last = max(st.last or d, d)
            named = self._run(
                f"SELECT kind, key, name, count(DISTINCT rowid) FROM named WHERE rowid IN ({chosen}) "
                "AND kind IN ('country', 'person') GROUP BY kind, key, name",
                args,
            )
        from cstonews.entities import MEMBERS

        countries: dict[str, int] = {}
        persons: dict[str, dict[str, int]] = {}  # person key -> {spelling: releases}
        for kind, key, name, n in named:
            if kind == "country":
                countries[name] = countries.get(name, 0) + n
            else:
                persons.setdefault(key, {})[name] = persons.setdefault(key, {}).get(name, 0) + n
        st.countries = _by_count({c: n for c, n in countries.items() if c in MEMBERS})
        st.other_countries = _by_count({c: n for c, n in countries.items() if c not in MEMBERS})
        st.people = _by_count(_merge_people(persons))
        return st

    def related(self, release: Release, limit: int = 10) -> list[Release]:
        """The releases closest in content to `release`, best first.

        Its most distinctive words (rare in the archive, but not unique to it) are asked
        of the full-text index at once; bm25 ranks the releases that share the most.
        """
        from cstonews.text import content_terms

        words = content_terms(" ".join([release.title or "", release.lead, *release.body[:4]]))
        if not words:
            return []
        with self._snapshot():
            total = self.db.execute("SELECT count(*) FROM releases").fetchone()[0] or 1
            marks = ",".join("?" * len(words))
            freq = dict(self._run(f"SELECT term, doc FROM fts_terms WHERE term IN ({marks})", words))
            # Words in a fifth of the archive say little and cost a long posting list.
            useful = sorted((w for w in words if 2 <= freq.get(w, 0) <= max(2, total // 5)), key=lambda w: freq[w])
            if not useful:
                return []
            match = " OR ".join(f'"{w}"' for w in useful[:16])
            rows = self._run(
                "SELECT r.rowid FROM fts JOIN releases r ON r.rowid = fts.rowid "
                f"WHERE fts MATCH ? AND r.id != ? ORDER BY {BM25}, r.rowid LIMIT ?",
                [match, release.id, limit],
            )
            return self._load([rowid for (rowid,) in rows])

    def _ranked(self, sql: str, args: list[Any]) -> list[Any]:
        """The rows of `sql`: those `rank_ahead` found, if it asked the same of the index as
        it stands in this snapshot, else asked now."""
        return self._run(sql, args)

    def _generation(self) -> str:
        """The mark of the last write to the index, as this connection sees it ("" if none)."""
        row = self.db.execute("SELECT value FROM meta WHERE key='generation'").fetchone()
        return row[0] if row else ""

    def _run(self, sql: str, args: list[Any]) -> list[Any]:
        try:
            return self.db.execute(sql, args).fetchall()
        except sqlite3.OperationalError as e:
            if "fts5" in str(e) or "syntax" in str(e):
                raise CstonewsError(f"cannot search for that: {e}") from e
            raise

    def get(self, prefix: str) -> Release:
        """The release whose id is `prefix`, or the only one that starts with it."""
        prefix = prefix.strip()
        if not prefix:
            raise CstonewsError("an id (or the start of one) is needed")
        row = self.db.execute("SELECT data FROM releases WHERE id = ?", (prefix,)).fetchone()
        if row:
            return Release.from_dict(json.loads(row[0]))
        upper = prefix[:-1] + chr(ord(prefix[-1]) + 1) if ord(prefix[-1]) < 0x10FFFF else prefix
        rows = self.db.execute(
            "SELECT id, data FROM releases WHERE id >= ? AND id < ? ORDER BY id LIMIT 21",
            (prefix, upper),
        ).fetchall()
        if not rows:
            raise NotFound(f"no release with an id starting {prefix!r}")
        if len(rows) > 1:
            raise Ambiguous(prefix, [r[0] for r in rows[:20]], more=len(rows) > 20)
        return Release.from_dict(json.loads(rows[0][1]))


@dataclass
class Stats:
    """What `stats` reports: counts by period, by country and by person, and the span."""

    total: int = 0
    undated: int = 0
    first: str | None = None
    last: str | None = None
    by_year: dict[str, int] = field(default_factory=dict)
    by_month: dict[str, int] = field(default_factory=dict)
    countries: dict[str, int] = field(default_factory=dict)
    other_countries: dict[str, int] = field(default_factory=dict)
    people: dict[str, int] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "total": self.total,
            "undated": self.undated,
            "first": self.first,
            "last": self.last,
            "by_year": dict(sorted(self.by_year.items())),
            "by_month": dict(sorted(self.by_month.items())),
            "countries": self.countries,
            "other_countries": self.other_countries,
            "people": self.people,
        }


def _by_count(counts: dict[str, int]) -> dict[str, int]:
    return dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))


def _merge_people(persons: dict[str, dict[str, int]]) -> dict[str, int]:
    """Releases per person: spellings with one key are one person, shown by the fullest;
    a surname written alone joins the one person with that surname, if there is one."""
    by_surname: dict[str, list[str]] = {}
    for key in persons:
        surname, initial = key.split("|")
        if initial:
            by_surname.setdefault(surname, []).append(key)
    merged: dict[str, dict[str, int]] = {}
    for key, spellings in persons.items():
        surname, initial = key.split("|")
        if not initial and len(by_surname.get(surname, [])) == 1:
            key = by_surname[surname][0]
        into = merged.setdefault(key, {})
        for name, n in spellings.items():
            into[name] = into.get(name, 0) + n
    out: dict[str, int] = {}
    for spellings in merged.values():
        # The fullest spelling: a written first name, not all capitals, then the most used.
        name = max(spellings, key=lambda s: (not s.split()[0].endswith("."), not s.isupper(), spellings[s], s))
        out[name] = out.get(name, 0) + sum(spellings.values())
    return out


@dataclass
class _Scan:
    files: dict[str, tuple[int, int]] = field(default_factory=dict)  # path -> (size, mtime)
    # Files and folders whose names are not UTF-8, under a name the index can hold: why
    # they cannot be read (see `_unnamed`).
    unnamed: dict[str, str] = field(default_factory=dict)
    dirs: dict[str, int] = field(default_factory=dict)  # listed folder -> mtime
    listed_dirs: list[str] = field(default_factory=list)
    full: bool = False


def _utf8(name: str) -> bool:
    """Can `name` (as os.scandir gives it) be written as UTF-8? A name of other bytes comes
    with lone surrogates in it, which SQLite and JSON cannot hold."""
    try:
        name.encode()
    except UnicodeEncodeError:
        return False
    return True


def _unnamed(scan: _Scan, child: str, e: os.DirEntry[str]) -> None:
    """A page file or folder whose name is not UTF-8: the index holds it as a file that
    could not be read, under its name with the bad bytes escaped (`\\xff`), so that
    `index` lists it and the others are read as usual."""
    shown = os.fsencode(child).decode(errors="backslashreplace")
    st = e.stat(follow_symlinks=False)
    scan.files[shown] = (st.st_size, st.st_mtime_ns)
    what = "folder" if e.is_dir(follow_symlinks=False) else "file"
    scan.unnamed[shown] = f"cannot read: the {what} name is not valid UTF-8 (rename the {what} to index it)"
