"""Worker processes: work spread over the cores, its results taken in order.

The standard library's process pool, started by fork where the system has it (workers
then share the parent's loaded modules), with what it takes for workers to end with their
parent: Ctrl-C is the parent's to handle, and a worker whose parent has gone, even
killed, ends rather than wait for work forever.
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from cstonews.errors import Failure

if TYPE_CHECKING:  # the pool's module (and logging, which it loads) only where a pool starts
    from concurrent.futures import Executor

J = TypeVar("J")
R = TypeVar("R")


@dataclass
class Workers:
    executor: Executor
    size: int

    def close(self) -> None:
        self.executor.shutdown(wait=True, cancel_futures=True)


def start(size: int, now: bool = False) -> Workers:
    """A pool of `size` worker processes (close it when done); `now`: started at once,
    forked from this process as it is now, rather than at the first job."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    methods = multiprocessing.get_all_start_methods()
    ctx = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
    pool = ProcessPoolExecutor(size, mp_context=ctx, initializer=_worker_start, initargs=(os.getpid(),))
    if now:
        pool.submit(int).result()  # a fork-started pool starts all its workers at its first job
    return Workers(pool, size)


def in_order(workers: Workers | None, fn: Callable[[J], R], jobs: Iterable[J], ahead: int) -> Iterator[R]:
    """`fn(job)` for each job, in the jobs' order: by the workers, `ahead` jobs in flight
    for each (enough to keep them busy, and memory flat); without workers, here."""
    if workers is None:
        for job in jobs:
            yield fn(job)
        return
    from concurrent.futures.process import BrokenProcessPool

    pending: deque[Any] = deque()
    todo = iter(jobs)
    for job in todo:
        pending.append(workers.executor.submit(fn, job))
        if len(pending) >= workers.size * ahead:
            break
    while pending:
        try:
            got = pending.popleft().result()
        except BrokenProcessPool:
            raise Failure("the index stopped: a worker process ended early") from None
        for job in todo:
            pending.append(workers.executor.submit(fn, job))
            break
        yield got


def _worker_start(parent: int) -> None:
    """In a worker: leave Ctrl-C to the parent, and end when the parent has gone."""
    import signal
    import threading
    import time

    signal.signal(signal.SIGINT, signal.SIG_IGN)

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, daemon=True).start()
