"""A plain search's ranking begun before the CLI loads: used only when it is exactly the
search's own query on the index as the search sees it."""

from __future__ import annotations

import gc
import os
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cstonews import __main__ as entry
from cstonews import head_start, ranking
from cstonews.archive import Archive, Selection
from cstonews.cli import app
from cstonews.locations import default_cache_dir, index_path
from cstonews.query import all_of, to_fts


@pytest.fixture(autouse=True)
def _nothing_left_running():
    yield
    head_start.finish()
    assert not ranking._AHEAD


@pytest.fixture
def taken(monkeypatch: pytest.MonkeyPatch) -> list[list | None]:
    """What each search found begun ahead for its query took: the rows, or None if it
    dropped them. Searches that found nothing begun are left out."""
    got: list[list | None] = []
    real = ranking.take

    def spy(db_file: Path, sql: str, args: list, generation: Callable[[], str], ask: Callable) -> list | None:
        begun = (str(db_file), sql, tuple(args)) in ranking._AHEAD
        rows = real(db_file, sql, args, generation, ask)
        if begun:
            got.append(rows)
        return rows

    monkeypatch.setattr(ranking, "take", spy)
    return got


@pytest.mark.parametrize(
    ("argv", "plain"),
    [
        (["search", "arms"], (None, "arms", 50)),
        (["-a", "D", "search", "arms control", "-n", "5", "-f", "ids"], ("D", "arms control", 5)),
        (["--archive", "D", "search", "x", "--archive", "E"], ("E", "x", 50)),
        (["search", "x", "--limit", "0", "--format", "json"], (None, "x", 0)),
        (["search", "x", "--since", "2019"], None),  # a filter: left to the CLI
        (["search", "x", "--sort", "date"], None),
        (["search", "x", "-n", "five"], None),
        (["search", "x", "-n"], None),
        (["search", "x", "y"], None),
        (["search", "--", "-x"], None),
        (["search"], None),
        (["list"], None),
        (["--version"], None),
        ([], None),
    ],
)
def test_only_plain_searches_are_started_ahead(argv: list[str], plain: tuple | None) -> None:
    assert head_start.plain_search(argv) == plain


def _indexed(archive_dir: Path) -> Archive:
    arch = Archive(archive_dir, index_path(default_cache_dir(os.environ), archive_dir))
    arch.refresh()
    return arch


def test_the_search_takes_the_ranking_begun_ahead(archive_dir: Path, taken: list) -> None:
    arch = _indexed(archive_dir)
    expected = [h.release.id for h in arch.search("security OR Moscow", Selection(limit=3))]
    assert len(expected) == 3 and taken == []  # nothing begun, nothing asked

    head_start.start(["--archive", str(archive_dir), "search", "security OR Moscow", "-n", "3"], os.environ)
    assert len(ranking._AHEAD) == 1
    found = [h.release.id for h in arch.search("security OR Moscow", Selection(limit=3))]
    assert found == expected and len(taken) == 1 and taken[0] is not None
    assert not ranking._AHEAD  # taken once


def test_a_ranking_ahead_of_a_changed_index_is_dropped(archive_dir: Path, taken: list) -> None:
    arch = _indexed(archive_dir)
    head_start.start(["-a", str(archive_dir), "search", "Sevan"], os.environ)
    (ahead,) = ranking._AHEAD.values()
    assert ahead.seen.wait(10)  # it has read the index as it stands: the change comes after
    (archive_dir / "sevan.txt").write_text("Lake Sevan talks\n\nOn May 2, 2021, talks on Lake Sevan were held.\n")
    st = archive_dir.stat()
    os.utime(archive_dir, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))
    assert arch.refresh().read == 1  # a write: the index is at a new generation

    hits = arch.search("Sevan", Selection())
    assert taken == [None]
    assert [h.release.title for h in hits] == ["Lake Sevan talks"]


def test_another_query_does_not_take_it(archive_dir: Path, taken: list) -> None:
    arch = _indexed(archive_dir)
    head_start.start(["-a", str(archive_dir), "search", "Moscow"], os.environ)
    arch.search("Moscow", Selection(limit=5))  # another limit: another query
    arch.search("Moscow", Selection(kind="article"))
    assert taken == [] and len(ranking._AHEAD) == 1  # never asked for; stopped at the end


def test_nothing_is_started_without_an_index_or_with_a_bad_query(archive_dir: Path, tmp_path: Path) -> None:
    cache = default_cache_dir(os.environ)
    head_start.start(["-a", str(archive_dir), "search", "Moscow"], os.environ)
    assert not ranking._AHEAD and not index_path(cache, archive_dir).exists()  # nothing made either
    head_start.start(["-a", str(tmp_path / "missing"), "search", "Moscow"], os.environ)
    _indexed(archive_dir)
    head_start.start(["-a", str(archive_dir), "search", "(Moscow"], os.environ)
    assert not ranking._AHEAD


def test_a_ranking_no_search_takes_is_stopped(archive_dir: Path) -> None:
    _indexed(archive_dir)
    head_start.start(["-a", str(archive_dir), "search", "Moscow"], os.environ)
    (ahead,) = ranking._AHEAD.values()
    head_start.finish()
    assert not ranking._AHEAD and not ahead.thread.is_alive()


def test_the_command_prints_the_same_with_a_head_start(
    archive_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], taken: list
) -> None:
    _indexed(archive_dir)
    args = ["--archive", str(archive_dir), "search", "security", "-f", "ids"]
    plain = CliRunner().invoke(app, args)
    monkeypatch.setattr(sys, "argv", ["cstonews", *args])
    try:
        assert entry.main() == plain.exit_code == 0
    finally:
        gc.unfreeze()
    assert capsys.readouterr().out == plain.stdout
    assert len(plain.stdout.splitlines()) == 13  # a common word: most of the samples' releases
    assert len(taken) == 1 and taken[0] is not None  # the head start was taken up


def test_a_head_start_that_cannot_start_a_thread_leaves_the_command_alone(
    archive_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import threading

    _indexed(archive_dir)

    def refuse(self: threading.Thread) -> None:
        raise RuntimeError("can't start new thread")

    monkeypatch.setattr(threading.Thread, "start", refuse)
    head_start.start(["-a", str(archive_dir), "search", "Moscow"], os.environ)  # no exception
    assert not ranking._AHEAD


@pytest.mark.parametrize(
    "part_end",
    [
        "SELECT max(rowid) * 5 / 6 FROM releases",  # the one used
        "SELECT max(rowid) / 2 FROM releases",
        "SELECT 0",  # the thread's part is empty
        "SELECT max(rowid) FROM releases",  # the search's part is empty
    ],
)
@pytest.mark.parametrize("query", ["security", "security OR Moscow", '"Collective Security"', "Armenia"])
@pytest.mark.parametrize("limit", [1, 3, 50])
def test_a_ranking_split_in_two_gives_the_whole_rankings_rows(
    archive_dir: Path, monkeypatch: pytest.MonkeyPatch, taken: list, part_end: str, query: str, limit: int
) -> None:
    arch = _indexed(archive_dir)
    expected = [h.release.id for h in arch.search(query, Selection(limit=limit))]
    assert expected

    monkeypatch.setattr(ranking, "_PART_END", part_end)
    ranking.rank_ahead(arch.db_file, "", limit, [all_of(to_fts(query))], split=True)
    (ahead,) = ranking._AHEAD.values()
    found = [h.release.id for h in arch.search(query, Selection(limit=limit))]
    assert found == expected
    assert len(taken) == 1 and taken[0] is not None and ahead.split and ahead.part_end is not None


def test_both_parts_of_a_split_ranking_count(archive_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The best matches lie on both sides of the middle: neither part alone gives them."""
    arch = _indexed(archive_dir)
    monkeypatch.setattr(ranking, "_PART_END", "SELECT max(rowid) / 2 FROM releases")
    ranking.rank_ahead(arch.db_file, "", 6, [all_of(to_fts("security"))], split=True)
    (ahead,) = ranking._AHEAD.values()
    hits = arch.search("security", Selection(limit=6))
    rowids = [arch.db.execute("SELECT rowid FROM releases WHERE id = ?", (h.release.id,)).fetchone()[0] for h in hits]
    assert len(rowids) == 6
    assert any(r <= ahead.part_end for r in rowids) and any(r > ahead.part_end for r in rowids)


def test_a_search_with_no_limit_is_not_split(archive_dir: Path, taken: list) -> None:
    arch = _indexed(archive_dir)
    expected = [h.release.id for h in arch.search("security", Selection(limit=0))]
    ranking.rank_ahead(arch.db_file, "", 0, [all_of(to_fts("security"))], split=True)
    (ahead,) = ranking._AHEAD.values()
    assert [h.release.id for h in arch.search("security", Selection(limit=0))] == expected
    assert not ahead.split and taken[0] is not None


def _python(code: str) -> str:
    r = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, check=False)
    assert r.returncode == 0, r.stderr
    return r.stdout


def test_memory_statistics_are_turned_off_only_with_no_connection_open() -> None:
    out = _python(
        """
        import sqlite3
        from cstonews import ranking
        db = sqlite3.connect(":memory:")
        db.execute("CREATE TABLE t(x)")
        print(ranking.quiet_allocations())  # refused: the open connection is left alone
        db.execute("INSERT INTO t VALUES (1)")
        print(db.execute("SELECT x FROM t").fetchall())
        db.close()
        ranking._quiet = None  # asked again, as in a process that had not asked yet
        print(ranking.quiet_allocations(), ranking.quiet_allocations())
        print(sqlite3.connect(":memory:").execute("SELECT 2").fetchall())
        """
    )
    assert out.split("\n")[:4] == ["False", "[(1,)]", "True True", "[(2,)]"]


def test_the_command_in_its_own_process_splits_its_ranking_and_prints_the_same(archive_dir: Path) -> None:
    _indexed(archive_dir)
    args = ["--archive", str(archive_dir), "search", "security OR Moscow", "-n", "7", "-f", "ids"]
    plain = CliRunner().invoke(app, args)
    assert plain.exit_code == 0 and len(plain.stdout.splitlines()) == 7
    r = subprocess.run([sys.executable, "-m", "cstonews", *args], capture_output=True, text=True, check=False)
    assert (r.returncode, r.stdout, r.stderr) == (0, plain.stdout, "")  # a small index: not split
    split_run = f"""
        import sys
        from cstonews import head_start, ranking
        head_start.SPLIT_FROM_BYTES = 0  # as if the samples' index were large
        real = ranking.rank_ahead
        ranking.rank_ahead = lambda *a, split: print(split, file=sys.stderr) or real(*a, split=split)
        sys.argv = ["cstonews", *{args!r}]
        from cstonews.__main__ import main
        sys.exit(main())
        """
    r = subprocess.run([sys.executable, "-c", textwrap.dedent(split_run)], capture_output=True, text=True, check=False)
    assert (r.returncode, r.stdout, r.stderr) == (0, plain.stdout, "True\n")


def test_a_small_index_is_ranked_ahead_whole(archive_dir: Path) -> None:
    _indexed(archive_dir)
    head_start.start(["-a", str(archive_dir), "search", "Moscow"], os.environ)
    (ahead,) = ranking._AHEAD.values()
    assert not ahead.split


@pytest.mark.parametrize("first", ["thread", "search"])
def test_the_rest_of_a_split_ranking_is_ranked_by_whoever_comes_to_it_first(
    archive_dir: Path, monkeypatch: pytest.MonkeyPatch, first: str
) -> None:
    import threading

    arch = _indexed(archive_dir)
    expected = [h.release.id for h in arch.search("security", Selection(limit=6))]
    monkeypatch.setattr(ranking, "_PART_END", "SELECT max(rowid) / 2 FROM releases")
    asked: list[str] = []
    real_run, real_take_rest = arch._run, ranking._Ahead._take_rest
    monkeypatch.setattr(arch, "_run", lambda sql, args: asked.append(sql) or real_run(sql, args))
    searched = threading.Event()

    def search_first(self: ranking._Ahead) -> bool:  # the thread waits until the search has claimed
        in_thread = threading.current_thread() is not threading.main_thread()
        if in_thread:
            assert searched.wait(10)
        took = real_take_rest(self)
        searched.set()
        return took

    if first == "search":
        monkeypatch.setattr(ranking._Ahead, "_take_rest", search_first)
    ranking.rank_ahead(arch.db_file, "", 6, [all_of(to_fts("security"))], split=True)
    (ahead,) = ranking._AHEAD.values()
    if first == "thread":
        ahead.thread.join()  # its part done before the search comes: it ranks the rest as well
    assert [h.release.id for h in arch.search("security", Selection(limit=6))] == expected
    rest_asked = [sql for sql in asked if "rowid >" in sql]
    if first == "thread":
        assert ahead.rest is not None and rest_asked == []
    else:
        assert ahead.rest is None and len(rest_asked) == 1
