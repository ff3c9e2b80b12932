"""Page files read into the rows the index stores: on several cores, in worker processes.

A page file yields *items* (its article and its teasers). Each is stored twice over: as
the release the parser read (`data`, JSON) and as identity sees it (`ident`, with the
keys by which it meets other items; see `identity`).
"""

from __future__ import annotations

import errno
import json
import os
from collections.abc import Iterator
from functools import lru_cache, partial
from typing import TYPE_CHECKING, Any, NamedTuple

from cstonews import identity
from cstonews.problems import PageWarning, Problem
from cstonews.release import PageReading, Release
from cstonews.scan import FileStat

if TYPE_CHECKING:
    from cstonews.workers import Workers

# A saved page is tens of kilobytes; a file far larger is something else, and reading it
# would stall every command that refreshes.
MAX_PAGE_BYTES = 4 * 1024 * 1024
# Reading in parallel pays for its worker processes from this many files on.
PARALLEL_MIN = 300
CHUNK = 16  # pages a worker is given at a time
AHEAD = 12  # chunks per worker in flight: work for a quarter second while the main process commits


# Tuples rather than dataclasses: workers send every page's rows to the main process,
# and a tuple is unpickled quicker.
class StoredItem(NamedTuple):
    ord: int
    kind: str
    ident: bytes  # JSON of the identity item (UTF-8), without its row id
    data: bytes  # JSON of the release, UTF-8
    keys: list[tuple[int, bool]]


class PageRows(NamedTuple):
    """One page file as read, ready for the index."""

    rel: str
    stat: FileStat
    warnings: list[PageWarning]
    items: list[StoredItem]
    unsettled: bool = False  # the file changed while it was read: read it again next time
    unreadable: bool = False  # it is there but cannot be read now: keep what the index had


def read_file(root: str, rel: str, stat: FileStat) -> PageRows:
    """Read and parse one page file. Never raises."""
    from cstonews import parse  # its patterns cost start-up time; only refreshes need it

    path = os.path.join(root, rel)
    data: bytes | None = None
    if stat[0] > MAX_PAGE_BYTES and os.path.isfile(path):
        why = (
            f"too large for a saved page ({stat[0] / 1e6:.1f} MB; pages are under {MAX_PAGE_BYTES >> 20} MB)"
        )
        return PageRows(rel, stat, [PageWarning(Problem.TOO_LARGE, why)], [])
    try:
        with open(path, "rb", buffering=0) as f:
            data = f.readall()
    except OSError as e:
        gone = e.errno == errno.ENOENT and not os.path.islink(path)
        return PageRows(
            rel, stat, [PageWarning(Problem.CANNOT_READ, read_error(path, e))], [], unreadable=not gone
        )
    page = parse.read_page(data, rel, teaser_entities=False)  # names: see as_release
    unsettled = _stat(path) != stat
    if unsettled:
        # Stored with an impossible mtime, so that the next refresh reads it again rather
        # than trust a half-written copy.
        stat = (stat[0], -1, stat[2])
    return PageRows(rel, stat, page.warnings, items_of(page, stat[1]), unsettled)


def items_of(page: PageReading, saved: int) -> list[StoredItem]:
    """The items of a page as read, for the index."""
    cut = page.cut_off
    found = [*page.teasers, page.article] if page.article else list(page.teasers)
    out = []
    for n, r in enumerate(found):
        if not (r.lead or r.title or r.body):
            continue
        # Teasers' lists are cached, as the same teasers recur; an article is its page's own.
        make = _teaser_list if r.kind == "teaser" else _item_list
        stored_item, item_keys = make(
            r.kind, r.title, r.lead, tuple(r.body), r.date, r.date_precision, r.date_source,
            tuple(r.attachments), cut and r.kind == "article", _slug(r.id),
        )  # fmt: skip
        stored_item = stored_item[1:]  # a copy (the cached list stays as it is), without the ref
        stored_item[1:3] = [page.source, n]
        stored_item[_SAVED - 1] = saved
        out.append(StoredItem(n, r.kind, _json(stored_item), stored(r), item_keys))
    return out


_SAVED = 14  # where `Item.to_list` puts when the page was saved


def _item_list(
    kind: str,
    title: str | None,
    lead: str,
    body: tuple[str, ...],
    date: str | None,
    precision: str | None,
    date_source: str | None,
    attachments: tuple[str, ...],
    cut: bool,
    slug: str | None,
) -> tuple[list[Any], list[tuple[int, bool]]]:
    """An item as the index stores it (`Item.to_list`), but for its page, its place on it
    and when it was saved, which the caller fills in (its keys do not depend on them);
    and its keys."""
    it = identity.item_of(
        kind, title=title, lead=lead, body=body, date=date, precision=precision, date_source=date_source,
        attachments=attachments, cut=cut, slug=slug,
    )  # fmt: skip
    item_keys = identity.keys(it)
    return it.to_list(item_keys), item_keys


_teaser_list = lru_cache(maxsize=1024)(_item_list)


def _slug(parsed_id: str) -> str | None:
    """The slug of an id the parser made (`date-slug` or `undated-slug`)."""
    if parsed_id.startswith("undated-"):
        return parsed_id[8:]
    return parsed_id[11:] if parsed_id[:4].isdigit() and len(parsed_id) > 11 else None


def ident_item(ref: int, ident: str | bytes) -> identity.Item:
    """The identity item stored as `ident` (see `items_of`), with its row id."""
    return identity.Item.from_list([ref, *loads(ident)])


def loads(stored: str | bytes) -> Any:
    """JSON the index stored (`_json`, `stored`): by orjson, or by the standard library
    where it escaped a lone surrogate, which orjson refuses."""
    import orjson

    try:
        return orjson.loads(stored)
    except orjson.JSONDecodeError:
        return json.loads(stored)


def _json(value: Any) -> bytes:
    import orjson

    try:
        return orjson.dumps(value)
    except TypeError:  # a lone surrogate: escaped, as the standard library can
        return json.dumps(value).encode()


def stored(release: Release) -> bytes:
    """A release as the index stores it: its JSON in UTF-8, compact (by orjson, which
    also lets the bytes cross from a worker into SQLite without being decoded)."""
    import orjson  # only writes need it: read commands do not load it

    try:
        return orjson.dumps(release)
    except TypeError:  # a lone surrogate: escaped, as the standard library can
        return json.dumps(vars(release), separators=(",", ":")).encode()


def read_error(path: str, e: OSError) -> str:
    """Why a page file could not be read, in plain words."""
    if e.errno == errno.ELOOP:
        return "cannot read: a symbolic link loop"
    if os.path.islink(path) and e.errno == errno.ENOENT:
        return "cannot read: a broken symbolic link"
    return f"cannot read: {e.strerror or e}"


def _stat(path: str) -> FileStat | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_size, st.st_mtime_ns, st.st_ino


def read_pages(
    root: str, files: list[tuple[str, FileStat]], pool: Workers | None = None
) -> Iterator[PageRows]:
    """Read page files, in order; on several cores, in worker processes (`pool`, or a
    pool of its own)."""
    from cstonews import workers
    from cstonews.database import cores

    if pool is None and cores() >= 2 and len(files) >= PARALLEL_MIN:
        own = workers.start(cores())
        try:
            yield from read_pages(root, files, own)
        finally:
            own.close()
        return
    chunks = [files[i : i + CHUNK] for i in range(0, len(files), CHUNK)]
    for got in workers.in_order(pool, partial(_read_chunk, root), chunks, AHEAD):
        yield from got


def _read_chunk(root: str, chunk: list[tuple[str, FileStat]]) -> list[PageRows]:
    return [read_file(root, rel, st) for rel, st in chunk]
