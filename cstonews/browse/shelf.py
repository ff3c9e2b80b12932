"""The archive as the browser reads it: pages of rows, counts, related releases, and the
index refresh, each asked of the archive's public face in threads of their own.

An SQLite connection belongs to the thread that opened it, so each reading thread opens
an `Archive` of its own, and the refresh runs in a thread with another. An index held in
memory (the cache was not writable) is one connection: reading and refreshing then share
one thread, and a query waits for the refresh.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    from cstonews.archive import Archive, RefreshReport, Selection, Stats
    from cstonews.release import Release

T = TypeVar("T")
PAGE = 200  # rows asked for at a time; a screen shows a few dozen


@dataclass
class Row:
    release: Release
    snippet: str = ""  # a search's matched words between \x02 and \x03


@dataclass
class Page:
    rows: list[Row]
    offset: int
    last: bool  # no rows after these


class Shelf:
    def __init__(self, root: Path, db_file: Path | None, readers: int = 2, page_size: int = PAGE) -> None:
        self.root = root
        self.db_file = db_file
        self.page_size = page_size
        # One reader for an index in memory: a second would open an empty one of its own.
        self._readers = ThreadPoolExecutor(
            1 if db_file is None else readers, thread_name_prefix="cstonews-read"
        )
        self._local = threading.local()
        self._opened: list[Archive] = []
        self._lock = threading.Lock()
        self._closed = threading.Event()

    def _archive(self) -> Archive:
        arch = getattr(self._local, "archive", None)
        if arch is None:
            from cstonews.archive import Archive

            arch = self._local.archive = Archive(self.root, self.db_file)
            with self._lock:
                self._opened.append(arch)
        return arch

    def _ask(self, pool: ThreadPoolExecutor, work: Callable[[Archive], T]) -> Future[T]:
        return pool.submit(lambda: work(self._archive()))

    # --- what the browser asks ---------------------------------------------------------

    def page(self, sel: Selection, query: str, offset: int) -> Future[Page]:
        """`page_size` rows of the selection from `offset` on: newest first, or a search's
        matches best first."""
        size = self.page_size
        part = replace(sel, limit=size + 1, offset=offset)  # one more tells whether any follow

        def work(arch: Archive) -> Page:
            if query.strip():
                rows = [Row(h.release, h.snippet) for h in arch.search(query, part, "relevance")]
            else:
                rows = [Row(r) for r in arch.select(part)]
            return Page(rows[:size], offset, last=len(rows) <= size)

        return self._ask(self._readers, work)

    def stats(self, sel: Selection, query: str) -> Future[Stats]:
        return self._ask(self._readers, lambda arch: arch.stats(sel, query.strip() or None))

    def related(self, release: Release, limit: int = 20) -> Future[list[Release]]:
        return self._ask(self._readers, lambda arch: arch.related(release, limit))

    def release(self, release_id: str) -> Future[Release]:
        return self._ask(self._readers, lambda arch: arch.get(release_id))

    def count(self) -> Future[tuple[int, int]]:
        return self._ask(self._readers, lambda arch: arch.count())

    def refresh(self, progress: Callable[[int, int], None] | None = None) -> Future[RefreshReport]:
        """Bring the index up to date in a thread of its own. Quitting does not wait for
        it: the thread is a daemon, and its next progress report ends it (the refresh's
        transaction is rolled back; a first index keeps the batches it committed)."""
        if self.db_file is None:
            return self._ask(self._readers, lambda arch: arch.refresh(progress=self._until_closed(progress)))
        done: Future[RefreshReport] = Future()

        def work() -> None:
            if not done.set_running_or_notify_cancel():
                return
            try:
                done.set_result(self._archive().refresh(progress=self._until_closed(progress)))
            except BaseException as e:
                done.set_exception(e)

        threading.Thread(target=work, name="cstonews-index", daemon=True).start()
        return done

    def _until_closed(self, progress: Callable[[int, int], None] | None) -> Callable[[int, int], None]:
        def report(done: int, total: int) -> None:
            if self._closed.is_set():
                raise Closed("the browser was closed")
            if progress is not None:
                progress(done, total)

        return report

    def close(self) -> None:
        """Stop every query where it is, and the threads with them."""
        self._closed.set()
        self._readers.shutdown(wait=False, cancel_futures=True)
        with self._lock:
            for arch in self._opened:
                arch.db.interrupt()  # the one call on a connection any thread may make
            self._opened.clear()


class Closed(Exception):
    """Raised in a refresh still running when the browser is closed."""
