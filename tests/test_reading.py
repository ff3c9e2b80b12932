"""Page files read into rows, alone or by a pool of worker processes."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from cstonews import database, reading
from cstonews.errors import CstonewsError, ExitCode
from cstonews.problems import Problem
from cstonews.scan import FileStat


def _page(title: str, lead: str) -> str:
    return f"{title}\n\n{lead}\n\nBack to the section\n"


def _pages_to_read(root: Path, n: int) -> list[tuple[str, FileStat]]:
    root.mkdir()
    for i in range(n):
        (root / f"p{i:03d}.txt").write_text(
            _page(f"Meeting {i} in Minsk", f"On May {1 + i % 28}, 2021, meeting {i} was held in Minsk.")
        )
    (root / "empty.txt").write_bytes(b"")
    (root / "gone.txt").symlink_to(root / "nowhere.txt")
    files = []
    for p in sorted(root.iterdir()):
        st = p.lstat()
        files.append((p.name, (st.st_size, st.st_mtime_ns, st.st_ino)))
    return files


def test_pages_read_by_workers_are_those_read_alone_in_the_same_order(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = _pages_to_read(tmp_path / "a", 50)
    monkeypatch.setattr(database, "cores", lambda: 1)
    alone = list(reading.read_pages(str(tmp_path / "a"), files))
    monkeypatch.setattr(database, "cores", lambda: 2)
    monkeypatch.setattr(reading, "PARALLEL_MIN", 0)
    monkeypatch.setattr(reading, "CHUNK", 3)  # many chunks, a few in flight at a time
    monkeypatch.setattr(reading, "AHEAD", 2)
    apart = list(reading.read_pages(str(tmp_path / "a"), files))
    assert [p.rel for p in apart] == [rel for rel, _ in files]
    assert apart == alone
    assert any(p.items for p in apart) and any(
        w.code is Problem.CANNOT_READ for p in apart for w in p.warnings
    )


@pytest.mark.parametrize("how", ["raises", "dies"])
def test_a_worker_that_fails_stops_the_reading_with_an_error_not_a_hang(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, how: str
) -> None:
    files = _pages_to_read(tmp_path / "a", 40)
    real = reading.read_file

    def failing(top: str, rel: str, st: FileStat) -> object:  # in the worker (forked)
        if rel == "p030.txt":
            if how == "dies":
                os._exit(3)
            raise RuntimeError("a bug in the parser")
        return real(top, rel, st)

    monkeypatch.setattr(reading, "read_file", failing)
    monkeypatch.setattr(database, "cores", lambda: 2)
    monkeypatch.setattr(reading, "PARALLEL_MIN", 0)
    monkeypatch.setattr(reading, "CHUNK", 2)
    want = (CstonewsError, "a worker process ended early") if how == "dies" else (RuntimeError, "a bug")
    got = []
    with pytest.raises(want[0], match=want[1]) as raised:
        for p in reading.read_pages(str(tmp_path / "a"), files):
            got.append(p.rel)
    assert got == [rel for rel, _ in files][: got.index("p029.txt") + 1]  # every page before, in order
    if how == "dies":
        assert raised.value.exit_code == ExitCode.FAILURE  # type: ignore[attr-defined]


def test_a_file_that_cannot_be_read_now_is_told_from_one_that_is_gone(tmp_path: Path) -> None:
    root = tmp_path / "a"
    root.mkdir()
    (root / "dir.txt").mkdir()  # there, but not a file that can be read
    gone = reading.read_file(str(root), "missing.txt", (10, 1, 1))
    there = reading.read_file(str(root), "dir.txt", (10, 1, 1))
    assert gone.unreadable is False and gone.warnings[0].code is Problem.CANNOT_READ
    assert there.unreadable is True and there.warnings[0].code is Problem.CANNOT_READ


def test_a_page_changed_while_it_was_read_is_read_again_next_time(tmp_path: Path) -> None:
    root = tmp_path / "a"
    root.mkdir()
    (root / "p.txt").write_text(_page("Talks in Minsk", "On May 3, 2021, talks were held in Minsk."))
    st = (root / "p.txt").stat()
    rows = reading.read_file(str(root), "p.txt", (st.st_size + 1, st.st_mtime_ns, st.st_ino))
    assert rows.unsettled and rows.stat[1] == -1


def test_each_item_is_stored_with_its_identity_and_keys(tmp_path: Path) -> None:
    root = tmp_path / "a"
    root.mkdir()
    (root / "p.txt").write_text("A teaser of another release, which is long enough to count.\n\n" + _page(
        "Talks in Minsk", "On May 3, 2021, talks were held in Minsk."))  # fmt: skip
    st = (root / "p.txt").stat()
    rows = reading.read_file(str(root), "p.txt", (st.st_size, st.st_mtime_ns, st.st_ino))
    assert [it.kind for it in rows.items] == ["teaser", "article"]
    article = reading.ident_item(7, rows.items[1].ident)
    assert article.ref == 7 and article.title == "talks in minsk" and article.source == "p.txt"
    assert article.saved == st.st_mtime_ns and rows.items[1].keys
