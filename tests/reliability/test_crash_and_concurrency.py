"""SIGKILL in the middle of indexing, and several processes indexing and querying at once:
afterwards every command gives the complete, correct answer."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from contextlib import closing
from pathlib import Path

from conftest import Untouched, cst, good_pages

from cstonews.locations import index_path


def reference(root: Path, tmp: Path) -> list[str]:
    r = cst("--archive", str(root), "list", "-n", "0", "-f", "ids", cache=tmp / "reference-cache")
    assert r.code == 0 and r.err == ""
    return r.out.splitlines()


def survivors(marker: str, within: float) -> list[int]:
    """The processes (other than this one) whose command line names `marker`, once they
    have had `within` seconds to end; killed, once found."""
    if not Path("/proc").is_dir():
        return []  # no way to list processes by command line here
    deadline = time.monotonic() + within
    while True:
        found = []
        for pid in filter(str.isdigit, os.listdir("/proc")):
            try:
                cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace")
            except OSError:
                continue
            if marker in cmdline and int(pid) != os.getpid():
                found.append(int(pid))
        if not found or time.monotonic() > deadline:
            for pid in found:  # not left behind by a failing test
                os.kill(pid, signal.SIGKILL)
            return found
        time.sleep(0.2)


def test_sigkill_during_index_loses_nothing(tmp_path: Path, untouched: Untouched) -> None:
    root = tmp_path / "archive"
    good_pages(root, 5000)
    untouched.watch(root)
    want = reference(root, tmp_path)
    assert len(want) == 5000 and len(set(want)) == 5000

    cache = tmp_path / "cache"
    env = {**os.environ, "CSTONEWS_CACHE_DIR": str(cache)}
    killed = 0
    # Different points of a first index and of rebuilds: before a first batch of pages is
    # committed, and after one or more (the next command finishes a half-built index).
    for n, delay in enumerate((0.4, 0.7, 1.0, 1.3, 0.55)):
        args = ["index"] if n == 0 else ["index", "--rebuild"]
        p = subprocess.Popen([sys.executable, "-m", "cstonews", "--archive", str(root), *args],
                             env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
        time.sleep(delay)
        if p.poll() is None:
            p.send_signal(signal.SIGKILL)
            killed += 1
        p.wait()
    assert killed >= 3, "the index finished before it could be killed: make the archive larger"
    # The processes a killed index had started (page readers, the release build) end
    # with it: left waiting, they held memory and the index file (a read transaction
    # pins the WAL).
    assert not survivors(str(root), within=10), "processes of a killed index are still running"

    after = cst("--archive", str(root), "list", "-n", "0", "-f", "ids", cache=cache)
    assert after.code == 0 and "Traceback" not in after.err
    got = after.out.splitlines()
    assert len(got) == len(set(got)), "duplicates after a crash"
    assert got == want
    found = cst("--archive", str(root), "search", '"working group"', "-n", "0", "-f", "ids", cache=cache)
    assert sorted(found.out.splitlines()) == sorted(want)
    # A first index drops the item indexes while it reads: the command that finished it made them.
    with closing(sqlite3.connect(index_path(cache, root))) as db:
        indexes = {n for (n,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
    assert {"item_keys_key", "items_file", "releases_newest", "named_key"} <= indexes


def test_processes_indexing_and_querying_at_once_agree(tmp_path: Path, untouched: Untouched) -> None:
    root = tmp_path / "archive"
    good_pages(root, 1500)
    untouched.watch(root)
    want = reference(root, tmp_path)

    cache = tmp_path / "cache"
    env = {**os.environ, "CSTONEWS_CACHE_DIR": str(cache)}
    base = [sys.executable, "-m", "cstonews", "--archive", str(root)]
    commands = [
        ["index"], ["list", "-n", "0", "-f", "ids"], ["index", "--rebuild"],
        ["search", "Minsk", "-n", "0", "-f", "ids"], ["list", "-n", "0", "-f", "ids"], ["index"],
    ]  # fmt: skip
    procs = [subprocess.Popen(base + c, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for c in commands]  # fmt: skip
    results = [p.communicate(timeout=300) for p in procs]
    for c, p, (_out, err) in zip(commands, procs, results, strict=True):
        assert p.returncode == 0, (c, err)
        assert "locked" not in err and "Traceback" not in err, (c, err)
    assert results[1][0].splitlines() == want and results[4][0].splitlines() == want
    assert sorted(results[3][0].splitlines()) == sorted(want)
    final = cst("--archive", str(root), "list", "-n", "0", "-f", "ids", cache=cache)
    assert final.out.splitlines() == want


def test_a_read_command_does_not_fail_behind_a_long_index(tmp_path: Path) -> None:
    """While another process holds the index for longer than the busy timeout (a long
    `index`), a read command answers from the index as it stands, and says so."""
    from cstonews.archive import Archive

    root = tmp_path / "archive"
    good_pages(root, 3)
    db = tmp_path / "index.sqlite"
    Archive(root, db).refresh()
    good_pages(root, 2, "more")  # two more pages: the next command wants to refresh
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        arch = Archive(root, db, busy_timeout=0.3)
        report = arch.refresh()
        assert report.note is not None and "still updating" in report.note
        assert arch.count()[0] == 3
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert Archive(root, db).refresh().read == 2


# Killed halfway through reading pages in worker processes, which then still have work to
# send. argv: archive folder, index file, which.
_KILLED_MIDWAY = """
import os, signal, sys
from pathlib import Path
from cstonews import database, reading
root = Path(sys.argv[1])
database.cores = lambda: 2
files = sorted((p.name, (p.stat().st_size, p.stat().st_mtime_ns, p.stat().st_ino)) for p in root.iterdir())
going = reading.read_pages(str(root), files)  # held: a generator let go of cleans up
next(going)
os.kill(os.getpid(), signal.SIGKILL)
"""


def test_processes_a_killed_index_started_end_with_it(tmp_path: Path) -> None:
    root = tmp_path / "archive"
    good_pages(root, 3000)
    db_file = tmp_path / "index.sqlite"
    assert cst("--archive", str(root), "list", "-n", "1", cache=tmp_path / "cache").code == 0
    made = index_path(tmp_path / "cache", root)
    made.rename(db_file)
    for which in ("read",):
        marker = f"{tmp_path}/{which}"
        p = subprocess.run([sys.executable, "-c", _KILLED_MIDWAY, str(root), str(db_file), which, marker])
        assert p.returncode == -signal.SIGKILL
        assert not survivors(marker, within=10), f"{which}: children of a killed process still running"
