"""Bringing the index up to date with the folder: storing the items of the pages that
changed, and making again the releases a change touched.

Both a first index and a refresh go through `apply`: the pages that changed are read,
their items stored with the keys by which they meet other items, and the releases are
worked out by `identity.cluster` over connected components of items. A first index does
that for every component at the end; a refresh only for the components that hold an
item it added or removed, which gives the same releases (the tests hold a refresh after
any edits equal to a rebuild, ids included).
"""

from __future__ import annotations

import json
import sqlite3
from array import array
from collections.abc import Callable, Iterable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any, NamedTuple
from urllib.parse import quote

from cstonews import identity, workers
from cstonews.database import (
    ITEM_INDEXES,
    RELEASE_INDEXES,
    checkpoints_aside,
    cores,
    drop_indexes,
    execute_all,
    file_of,
    sort_in_threads,
)
from cstonews.problems import PageWarning
from cstonews.reading import PageRows, ident_item, loads, read_pages, stored
from cstonews.release import Release
from cstonews.scan import Scan, changed_dirs, scan, within
from cstonews.wordforms import FTS_COLUMNS, search_texts

Progress = Callable[[int, int], None]

# A first index of this many files is committed in batches and its releases made at the end.
BULK_MIN = 2000
BATCH = 1000
RELEASE_BATCH = 1000  # items clustered and written at a time by the release build
RELEASE_AHEAD = 2  # batches per worker in flight
RELEASE_COMMIT = 10  # batches a first index's release build writes in a transaction
_TEMP_ID = "\x00"  # a release's id until `_settle_ids` gives it its own
_FTS_INSERT = (
    f"INSERT INTO fts(rowid, {', '.join(FTS_COLUMNS)}) VALUES(?{', CAST(? AS TEXT)' * len(FTS_COLUMNS)})"
)


@dataclass
class RefreshReport:
    read: int = 0
    removed: int = 0
    warnings: list[tuple[str, PageWarning]] = field(default_factory=list)  # (file, warning)
    unsettled: set[str] = field(default_factory=set)  # folders with a file that changed while read
    unreadable: list[str] = field(default_factory=list)  # what could not be read, and was kept
    note: str | None = None  # why the refresh did not happen


@dataclass
class _Touched:
    """What a change touched: the items added, and the keys and releases of those removed."""

    items: set[int] = field(default_factory=set)
    keys: set[tuple[int, bool]] = field(default_factory=set)
    releases: set[int] = field(default_factory=set)
    track: bool = True  # False where every release is made anew anyway (a bulk first index)


def refresh(
    db: sqlite3.Connection, root: Path, full: bool = False, progress: Progress | None = None
) -> RefreshReport:
    """Bring the index up to date with the folder; returns what was read."""
    known = {p: (m, i) for p, m, i in db.execute("SELECT path, mtime_ns, ino FROM dirs")}
    if full or not known:
        found = scan(root)
    else:
        changed = changed_dirs(root, known)
        if not changed and not releases_owed(db):
            return RefreshReport()
        found = scan(root, changed, known)
    return apply(db, root, found, progress)


def releases_owed(db: sqlite3.Connection) -> bool:
    return db.execute("SELECT 1 FROM meta WHERE key='releases'").fetchone() is not None


def apply(db: sqlite3.Connection, root: Path, found: Scan, progress: Progress | None) -> RefreshReport:
    """Store what `found` says changed, and make the releases it touched; one transaction
    (a first index of many pages: one per batch, its releases owed until made)."""
    report = RefreshReport()
    prefix = str(root / "_")[:-1]
    listed = set(found.listed)
    # The write lock comes first: another process may have indexed these files while
    # this one was listing folders, and the comparison must see its work.
    db.execute("BEGIN IMMEDIATE")
    pool: workers.Workers | None = None
    builders: workers.Workers | None = None
    aside = ExitStack()
    try:
        old: dict[str, tuple[int, int, int, int]] = {}
        any_files = False
        for fid, path, d, size, mtime, ino in db.execute(
            "SELECT id, path, dir, size, mtime_ns, ino FROM files"
        ):
            any_files = True
            if found.full or d in listed:
                old[path] = (fid, size, mtime, ino)
        changed = sorted(p for p, st in found.files.items() if p not in old or old[p][1:] != st)
        to_read = [p for p in changed if p not in found.unnamed]
        # A folder that cannot be listed keeps its pages until it can.
        gone = [p for p in old if p not in found.files and not within(p, found.unreadable)]
        report.unreadable += [why for _, why in sorted(found.unreadable.items())]
        total = len(to_read)
        bulk = not any_files and total >= BULK_MIN
        if bulk:
            db.execute("INSERT OR REPLACE INTO meta VALUES('releases', 'owed')")
            drop_indexes(db, ITEM_INDEXES)
            aside.enter_context(checkpoints_aside(db))
        if progress:
            progress(0, total)
        touched = _Touched(track=not bulk)
        next_id = db.execute("SELECT ifnull(max(id), 0) + 1 FROM items").fetchone()[0]
        # A first index of many pages reads them in worker processes, and makes its
        # releases in others, from the items it has committed. Those are started now,
        # while this process is small: forked later, they would copy the memory that
        # reading the pages leaves behind here as soon as they reuse it.
        if bulk and cores() >= 2 and file_of(db):
            builders = workers.start(cores(), now=True)
            pool = workers.start(cores())
        for p in gone:
            _remove_file(db, old[p][0], touched)
            report.removed += 1
        for p in (p for p in changed if p in found.unnamed):
            if p in old:
                _remove_file(db, old[p][0], touched)
            next_id = _store(
                db, PageRows(p, found.files[p], [found.unnamed[p]], []), next_id, report, touched
            )
        files = [(p, found.files[p]) for p in to_read]
        for n, page in enumerate(read_pages(str(root), files, pool), 1):
            if page.unreadable and page.rel in old:
                # Kept as the index had it, and read again by the next command.
                db.execute("UPDATE files SET mtime_ns = -1 WHERE id = ?", (old[page.rel][0],))
                report.unreadable.append(f"{page.rel}: {page.warnings[0].text}")
                report.unsettled.add(page.rel.rpartition("/")[0])
            else:
                if page.rel in old:
                    _remove_file(db, old[page.rel][0], touched)
                next_id = _store(db, page, next_id, report, touched)
            report.read += 1
            if progress and (n % 50 == 0 or n == total):
                progress(n, total)
            if bulk and n % BATCH == 0:
                db.execute("COMMIT")
                db.execute("BEGIN IMMEDIATE")
        if bulk:  # the pages read are kept, whatever happens to the release build
            db.execute("COMMIT")
            db.execute("BEGIN IMMEDIATE")
            # What was listed and read gives its memory back before the release build.
            del files, changed, to_read
            found.files.clear()
            if pool is not None:
                pool.close()
                pool, builders = builders, None
        if releases_owed(db):
            sort_in_threads(db)
            execute_all(db, ITEM_INDEXES)  # dropped by the bulk read, maybe by a killed one
            build_all(db, prefix, pool if bulk else None)
            db.execute("DELETE FROM meta WHERE key='releases'")
        else:
            regroup(db, prefix, touched)
        for d in listed:
            if d in report.unsettled or d in found.unreadable:
                db.execute("INSERT OR REPLACE INTO dirs VALUES(?, -1, 0)", (d,))  # listed again next time
            elif d in found.dirs:
                db.execute("INSERT OR REPLACE INTO dirs VALUES(?, ?, ?)", (d, *found.dirs[d]))
            else:
                db.execute("DELETE FROM dirs WHERE path = ?", (d,))
        db.execute("COMMIT")
    except BaseException:
        db.execute("ROLLBACK")
        raise
    finally:
        for started in (pool, builders):
            if started is not None:
                started.close()
        aside.close()
    return report


def _remove_file(db: sqlite3.Connection, file_id: int, touched: _Touched) -> None:
    """Remove a page file and its items; what they touched joins `touched`."""
    rows = db.execute(
        "SELECT i.id, m.release, i.ident FROM items i LEFT JOIN members m ON m.item = i.id WHERE i.file_id = ?",
        (file_id,),
    ).fetchall()
    for item_id, release, ident in rows:
        ks = identity.keys(ident_item(item_id, ident))
        touched.keys.update(ks)
        touched.items.discard(item_id)
        if release is not None:
            touched.releases.add(release)
        db.executemany("DELETE FROM item_keys WHERE key = ? AND item = ?", [(k, item_id) for k, _ in ks])
        db.execute("DELETE FROM members WHERE item = ?", (item_id,))
    db.execute("DELETE FROM items WHERE file_id = ?", (file_id,))
    db.execute("DELETE FROM files WHERE id = ?", (file_id,))


def _store(
    db: sqlite3.Connection, page: PageRows, next_id: int, report: RefreshReport, touched: _Touched
) -> int:
    """Put one read page in the index; returns the next free item id."""
    row = db.execute("SELECT id FROM files WHERE path = ?", (page.rel,)).fetchone()
    if row:  # indexed meanwhile by another process, between two batches of this one
        _remove_file(db, row[0], touched)
    report.warnings += [(page.rel, w) for w in page.warnings]
    if page.unsettled:
        report.unsettled.add(page.rel.rpartition("/")[0])
    cur = db.execute(
        "INSERT INTO files(path, dir, size, mtime_ns, ino, warnings) VALUES(?, ?, ?, ?, ?, ?)",
        (page.rel, page.rel.rpartition("/")[0], *page.stat, json.dumps([w.to_json() for w in page.warnings])),
    )
    file_id = cur.lastrowid
    items, keys = [], []
    for it in page.items:
        items.append((next_id, file_id, it.ord, it.kind, it.ident, it.data))
        keys += [(k, next_id, hub) for k, hub in it.keys]
        if touched.track:
            touched.items.add(next_id)
        next_id += 1
    db.executemany(
        "INSERT INTO items(id, file_id, ord, kind, ident, data) VALUES(?, ?, ?, ?, CAST(? AS TEXT), CAST(? AS TEXT))",
        items,
    )
    db.executemany("INSERT INTO item_keys VALUES(?, ?, ?)", keys)
    return next_id


# --- releases ----------------------------------------------------------------------------


def _idents(db: sqlite3.Connection, ids: Iterable[int]) -> dict[int, identity.Item]:
    ids = list(ids)
    out: dict[int, identity.Item] = {}
    for i in range(0, len(ids), 500):
        part = ids[i : i + 500]
        marks = ",".join("?" * len(part))
        for item_id, ident in db.execute(f"SELECT id, ident FROM items WHERE id IN ({marks})", part):
            out[item_id] = ident_item(item_id, ident)
    return out


def _component_of(db: sqlite3.Connection, touched: _Touched) -> dict[int, identity.Item]:
    """Every item connected to what a change touched (see `identity.links`)."""
    found = _idents(db, touched.items)
    queue = list(touched.keys) + [k for it in found.values() for k in identity.keys(it)]
    seen: set[tuple[int, bool]] = set()
    while queue:
        key, hub = queue.pop()
        if (key, hub) in seen:
            continue
        seen.add((key, hub))
        rows = db.execute("SELECT item, hub FROM item_keys WHERE key = ?", (key,)).fetchall()
        if hub and all(h for _, h in rows):
            continue  # hubs only: they do not meet each other
        new = [item for item, _ in rows if item not in found]
        if new:
            more = _idents(db, new)
            found.update(more)
            queue += [k for it in more.values() for k in identity.keys(it)]
    return found


class _Made(NamedTuple):  # sent from a worker: a tuple is unpickled quicker
    """A release made from a cluster of items, as the index writes it."""

    row: tuple[Any, ...]  # (plain, suffix, kind, lang, date, data)
    text: tuple[bytes, ...]  # its full-text columns (FTS_COLUMNS)
    names: list[tuple[str, str, str]]  # who and where it names (`named_rows`)
    items: list[int]  # the items it is made of


def made(groups: list[list[identity.Item]], data: dict[int, bytes], prefix: str) -> list[_Made]:
    """The releases these clusters make, told by their best items (`data`: their stored
    releases, see `_data`), with every page in `sources`."""
    out = []
    for group in groups:
        best = group[0]
        release = Release.from_dict(loads(data[best.ref]))
        release.id = ""  # the index keeps it beside the release (see `_settle_ids`)
        release.sources = sorted({prefix + it.source for it in group})
        if release.date is None:
            dated = next((it for it in group if it.kind == "article" and it.date), None)
            if dated is not None:
                other = loads(data[dated.ref])
                release.date, release.date_precision = other["date"], other["date_precision"]
                release.date_source = other["date_source"]
        if release.kind == "teaser":
            from cstonews.parse import add_entities  # teasers are stored without their names

            add_entities(release)
        row = (
            identity.plain_id(best, release.date),
            identity.suffix(best, release.date),
            release.kind,
            release.lang,
            release.date,
            stored(release),
        )
        body = "\n".join(release.body or [release.lead])
        text = search_texts(release.title or "", body)
        out.append(_Made(row, text, named_rows(release), [it.ref for it in group]))
    return out


class _Writer:
    """Releases written to the index, each with a rowid of its own.

    Written `whole` (every release of the index), a release whose plain id no release
    before had takes it as it is written, which is its id unless another comes with it;
    `finish` has `_settle_ids` settle the plain ids that came again. This spares
    rewriting every row to settle every plain id, as a refresh does for those it wrote.
    """

    def __init__(self, db: sqlite3.Connection, whole: bool = False) -> None:
        self.db = db
        self.next_rowid = db.execute("SELECT ifnull(max(rowid), 0) + 1 FROM releases").fetchone()[0]
        self.seen: set[str] | None = set() if whole else None
        self.again: set[str] = set()

    def write(
        self, releases: list[_Made], old: dict[tuple[Any, ...], int] | None = None
    ) -> tuple[list[tuple[Any, ...]], list[tuple[int, int]], set[str]]:
        """Write these releases; one that stands in `old` as it is keeps its row (and leaves
        `old`). Returns the full-text rows still to be inserted, the (item, release) pairs,
        and the plain ids written."""
        rows: list[tuple[Any, ...]] = []
        names: list[tuple[Any, ...]] = []
        texts: list[tuple[Any, ...]] = []
        members: list[tuple[int, int]] = []
        plains: set[str] = set()
        for r in releases:
            rowid = old.pop(r.row, 0) if old is not None else 0
            if not rowid:
                rowid = self.next_rowid
                self.next_rowid += 1
                rows.append((rowid, self._id(rowid, r.row[0]), *r.row))
                names += [(rowid, *n) for n in r.names]
                texts.append((rowid, *r.text))
            plains.add(r.row[0])
            members += [(item, rowid) for item in r.items]
        self.db.executemany(
            "INSERT INTO releases(rowid, id, plain, suffix, kind, lang, date, data) VALUES(?, ?, ?, ?, ?, ?, ?, CAST(? AS TEXT))",
            rows,
        )
        self.db.executemany("INSERT INTO named VALUES(?, ?, ?, ?)", names)
        return texts, sorted(members), plains

    def _id(self, rowid: int, plain: str) -> str:
        if self.seen is None or plain in self.seen:
            if self.seen is not None:
                self.again.add(plain)
            return f"{_TEMP_ID}{rowid}"
        self.seen.add(plain)
        return plain

    def finish(self) -> None:
        if self.again:
            _settle_ids(self.db, self.again)


def _data(db: sqlite3.Connection, groups: list[list[identity.Item]]) -> dict[int, bytes]:
    """The stored releases of the items that may speak for these clusters."""
    wanted = [g[0].ref for g in groups] + [
        it.ref for g in groups for it in g[1:] if it.kind == "article" and it.date
    ]
    out: dict[int, bytes] = {}
    for i in range(0, len(wanted), 500):
        part = wanted[i : i + 500]
        marks = ",".join("?" * len(part))
        out.update(db.execute(f"SELECT id, CAST(data AS BLOB) FROM items WHERE id IN ({marks})", part))
    return out


def regroup(db: sqlite3.Connection, prefix: str, touched: _Touched) -> None:
    """Make again the releases of the components a change touched. A release that comes
    out as it was stays as it is (its row, full text and names)."""
    if not touched.items and not touched.keys:
        return
    items = _component_of(db, touched)
    groups = identity.cluster(items.values())
    old = set(touched.releases)
    for ids in _chunks(list(items), 500):
        marks = ",".join("?" * len(ids))
        old.update(
            r for (r,) in db.execute(f"SELECT DISTINCT release FROM members WHERE item IN ({marks})", ids)
        )
    old_rows: dict[tuple[Any, ...], int] = {}
    plains: set[str] = set()
    for rowid in old:
        got = db.execute(
            "SELECT plain, suffix, kind, lang, date, CAST(data AS BLOB) FROM releases WHERE rowid = ?",
            (rowid,),
        ).fetchone()
        if got:
            old_rows[tuple(got)] = rowid
            plains.add(got[0])
    texts, members, written = _Writer(db).write(made(groups, _data(db, groups), prefix), old_rows)
    plains |= written
    gone = sorted(old_rows.values())
    db.executemany("DELETE FROM named WHERE rowid = ?", [(r,) for r in gone])
    db.executemany("DELETE FROM releases WHERE rowid = ?", [(r,) for r in gone])
    db.executemany("INSERT OR REPLACE INTO members VALUES(?, ?)", members)
    # The full-text index is changed last, deletions then insertions, each in rowid order:
    # FTS5 starts a new segment whenever a rowid comes that is not above the last one.
    db.executemany("DELETE FROM fts WHERE rowid = ?", [(r,) for r in gone])
    db.executemany(_FTS_INSERT, sorted(texts))
    _settle_ids(db, plains)


def build_all(db: sqlite3.Connection, prefix: str, pool: workers.Workers | None = None) -> None:
    """Every release from every item: the components of all items, each clustered (by
    the `pool`'s workers, which read the items as the index has committed them, while
    this process commits what they made as it goes: the releases stay owed until made)."""
    db.execute("DELETE FROM releases")
    db.execute("DELETE FROM named")
    db.execute("DELETE FROM fts")
    drop_indexes(db, RELEASE_INDEXES)
    db.execute("DELETE FROM members")
    # While the whole archive is written, FTS5 merges its segments 16 at a time, not 4.
    db.execute("INSERT INTO fts(fts, rank) VALUES('automerge', 16)")
    top = db.execute("SELECT ifnull(max(id), 0) FROM items").fetchone()[0]
    comps = identity.Components(top + 1)
    # `identity.links` in SQL: the items of a key held by a spoke or more, joined to its
    # first spoke.
    for first, items in db.execute(
        "SELECT min(item) FILTER (WHERE hub = 0), group_concat(item) FROM item_keys"
        " GROUP BY key HAVING count(*) > 1 AND min(hub) = 0"
    ):
        comps.join(first, map(int, items.split(",")))
    # The ids from an index of the table: the table itself is most of the index's bytes.
    ids = array("q", sorted(i for (i,) in db.execute("SELECT id FROM items INDEXED BY items_file")))
    source = db if pool is None else file_of(db)
    build = partial(_build_part, source, prefix)
    writer = _Writer(db, whole=True)
    parts = workers.in_order(pool, build, _batches(comps.each(ids)), RELEASE_AHEAD)
    for n, part in enumerate(parts, 1):
        _write_batch(db, writer, part)
        if pool is not None and n % RELEASE_COMMIT == 0:
            # The log is then copied into the index file as the build goes (see
            # `checkpoints_aside`), not all of it at the end, with every core but one idle.
            db.execute("COMMIT")
            db.execute("BEGIN IMMEDIATE")
    writer.finish()
    db.execute("INSERT INTO fts(fts, rank) VALUES('automerge', 4)")
    execute_all(db, RELEASE_INDEXES)


def _batches(comps: Iterable[list[int]]) -> Iterator[list[list[int]]]:
    """Components in batches of about RELEASE_BATCH items."""
    batch: list[list[int]] = []
    size = 0
    for comp in comps:
        batch.append(comp)
        size += len(comp)
        if size >= RELEASE_BATCH:
            yield batch
            batch, size = [], 0
    if batch:
        yield batch


_worker_db: dict[str, sqlite3.Connection] = {}


def _build_part(source: sqlite3.Connection | str, prefix: str, comps: list[list[int]]) -> list[_Made]:
    """The releases of these components (in a worker, `source` names the index file)."""
    if isinstance(source, str):
        if source not in _worker_db:
            _worker_db[source] = sqlite3.connect(f"file:{quote(source)}?mode=ro", uri=True)
        db = _worker_db[source]
    else:
        db = source
    items = _idents(db, [i for c in comps for i in c])
    groups = [g for c in comps for g in identity.cluster(items[i] for i in c)]
    return made(groups, _data(db, groups), prefix)


def _write_batch(db: sqlite3.Connection, writer: _Writer, releases: list[_Made]) -> None:
    texts, members, _ = writer.write(releases)
    db.executemany("INSERT INTO members VALUES(?, ?)", members)
    db.executemany(_FTS_INSERT, texts)


def _settle_ids(db: sqlite3.Connection, plains: set[str]) -> None:
    """Give each release of these plain ids its id: the plain id where it is the only
    release with it, else the plain id and its own suffix."""
    args = [json.dumps(sorted(plains))]
    where = "plain IN (SELECT value FROM json_each(?))"
    # Every id of these plains set aside first, so that no two rows meet on the way.
    db.execute(f"UPDATE releases SET id = ? || rowid WHERE {where}", [_TEMP_ID, *args])
    db.execute(
        "UPDATE releases SET id = CASE WHEN (SELECT count(*) FROM releases r WHERE r.plain = releases.plain) = 1 "
        f"THEN plain ELSE plain || '-' || suffix END WHERE {where}",
        args,
    )


def named_rows(r: Release) -> list[tuple[str, str, str]]:
    """Who and where a release names, as the index keeps them."""
    from cstonews.entities import person_key

    rows = [("country", c.casefold(), c) for c in dict.fromkeys([*r.countries, *r.other_countries])]
    for p in r.people:
        key = person_key(p)
        rows += [("person", key, p), ("surname", key.split("|")[0], p)]
    return rows


def _chunks(xs: list[int], n: int) -> Iterable[list[int]]:
    for i in range(0, len(xs), n):
        yield xs[i : i + n]
