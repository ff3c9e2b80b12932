"""Pages that change between commands or while being read, and caches that cannot be
written: answers stay complete and current, and the archive folder is never written."""

from __future__ import annotations

import json
import os
import shutil
import threading
from pathlib import Path

from conftest import SAMPLES, Untouched, cst, good_pages, needs_permissions, page


def titles(root: Path, cache: Path, **kw: bool) -> tuple[set[str], str]:
    r = cst("--archive", str(root), "list", "-n", "0", "-f", "json", cache=cache, **kw)
    assert r.code == 0, r.err
    return {x["title"] for x in json.loads(r.out) if x["kind"] == "article"}, r.err


def test_added_renamed_deleted_replaced_edited(tmp_path: Path) -> None:
    root = tmp_path / "archive"
    names = good_pages(root, 6)
    cache = tmp_path / "cache"
    assert titles(root, cache)[0] == set(names)

    (root / "sub").mkdir()
    (root / "sub" / "new.txt").write_text(page("A new page in a new folder", "On May 2, 2020, it came."))
    (root / "p00000.txt").rename(root / "sub" / "moved.txt")
    (root / "p00001.txt").unlink()
    (root / "p00002.txt").unlink()
    (root / "p00002.txt").write_text(page("A replacing page", "On May 3, 2020, it replaced another."))
    got, _ = titles(root, cache)
    assert got == (set(names) - {names[1], names[2]}) | {"A new page in a new folder", "A replacing page"}

    # Edited in place (same folder, so its mtime is unchanged): `index` compares every file.
    target = root / "p00003.txt"
    stat = target.stat()
    target.write_text(page("An edited page", "On May 4, 2020, it was edited."))
    os.utime(root, ns=(root.stat().st_atime_ns, root.stat().st_mtime_ns))  # folder looks untouched
    assert stat.st_mtime_ns != target.stat().st_mtime_ns
    assert cst("--archive", str(root), "index", cache=cache).code == 0
    got, _ = titles(root, cache)
    assert "An edited page" in got and names[3] not in got
    ids = cst("--archive", str(root), "list", "-n", "0", "-f", "ids", cache=cache).out.splitlines()
    assert len(ids) == len(set(ids)) == len(got)

    shutil.rmtree(root / "sub")
    got, _ = titles(root, cache)
    assert "A new page in a new folder" not in got and names[0] not in got


def test_a_page_changing_while_read_is_read_again(tmp_path: Path) -> None:
    root = tmp_path / "archive"
    good_pages(root, 1500)
    hot = root / "hot.txt"
    versions = [page(f"Version {i} of a page being saved", "On May 5, 2020, " + "word " * (50 + i * 40))
                for i in range(5)]  # fmt: skip
    hot.write_text(versions[0])
    stop = threading.Event()

    def rewrite() -> None:
        i = 0
        while not stop.is_set():
            i = (i + 1) % len(versions)
            with open(hot, "w") as f:  # written in two steps, like a browser saving a page
                f.write(versions[i][:30])
                f.flush()
                f.write(versions[i][30:])

    writer = threading.Thread(target=rewrite)
    writer.start()
    try:
        cache = tmp_path / "cache"
        first = cst("--archive", str(root), "list", "-n", "1", cache=cache)
        assert first.code == 0
    finally:
        stop.set()
        writer.join()
    final_title = hot.read_text().split("\n")[0]
    got, _ = titles(root, cache)
    assert final_title in got
    assert sum(1 for t in got if t.startswith("Version ")) == 1


def test_read_only_cache_falls_back_to_memory(tmp_path: Path, untouched: Untouched) -> None:
    needs_permissions()
    root = tmp_path / "archive"
    names = good_pages(root, 4)
    untouched.watch(root)
    cache = tmp_path / "ro-cache"
    cache.mkdir()
    cache.chmod(0o555)
    got, err = titles(root, cache, drop_root=True)
    assert got == set(names)
    assert len(err.splitlines()) == 1 and "cannot write the index" in err and "temporary" in err
    assert list(cache.iterdir()) == []
    s = cst("--archive", str(root), "search", "Minsk", "-f", "ids", cache=cache, drop_root=True)
    assert s.code == 0 and len(s.out.splitlines()) == 4


def test_missing_cache_is_created_or_avoided(tmp_path: Path, untouched: Untouched) -> None:
    root = tmp_path / "archive"
    names = good_pages(root, 3)
    untouched.watch(root)
    deep = tmp_path / "not" / "yet" / "there"
    got, err = titles(root, deep)
    assert got == set(names) and err == "" and list((deep / "indexes").glob("*.sqlite"))
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")
    got, err = titles(root, blocked / "cache")
    assert got == set(names) and "cannot write the index" in err and len(err.splitlines()) == 1


# --- an index that SQLite finds damaged -----------------------------------------------------


def _index_file(cache: Path) -> Path:
    (found,) = (cache / "indexes").glob("*.sqlite")
    return found


def _ids(root: Path, cache: Path) -> list[str]:
    r = cst("--archive", str(root), "list", "-n", "0", "-f", "ids", cache=cache)
    assert (r.code, r.err) == (0, ""), r.err
    return r.out.split()


def test_an_index_that_is_not_a_database_is_set_aside_and_made_anew(tmp_path: Path) -> None:
    root, cache = tmp_path / "archive", tmp_path / "cache"
    good_pages(root, 4)
    expected = _ids(root, cache)
    db = _index_file(cache)
    db.write_bytes(os.urandom(6000))  # overwritten, or cut short: no SQLite header
    r = cst("--archive", str(root), "list", "-n", "0", "-f", "ids", cache=cache)
    assert r.code == 0 and r.out.split() == expected
    assert r.err == (
        f"cstonews: the index was damaged (file is not a database): set aside as {db.name}.damaged, and made anew\n"
    )
    assert (db.parent / f"{db.name}.damaged").stat().st_size == 6000  # kept for whoever looks into it
    assert _ids(root, cache) == expected  # the new index is kept: no note the next time


def test_a_damaged_index_stops_a_command_with_one_line_and_index_rebuild_remakes_it(tmp_path: Path) -> None:
    import sqlite3

    root, cache = tmp_path / "archive", tmp_path / "cache"
    good_pages(root, 4)
    expected = _ids(root, cache)
    db = _index_file(cache)
    with sqlite3.connect(db) as conn:
        (table_page,) = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'releases'").fetchone()
        (page_size,) = conn.execute("PRAGMA page_size").fetchone()
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    with db.open("r+b") as f:  # the releases' table page wiped, as a disk fault would
        f.seek((table_page - 1) * page_size)
        f.write(bytes(page_size))

    r = cst("--archive", str(root), "list", "-n", "0", "-f", "ids", cache=cache)
    assert (r.code, r.out) == (3, "")
    assert r.err == (
        "cstonews: the index is damaged (database disk image is malformed): "
        "`cstonews index --rebuild` makes it anew\n"
    )
    r = cst("--archive", str(root), "index", "--rebuild", cache=cache)
    assert r.code == 0 and r.out.startswith("4 pages, ")
    assert "the index was damaged (database disk image is malformed): set aside as" in r.err
    assert _ids(root, cache) == expected


def test_text_in_the_index_that_is_not_utf8_is_a_damaged_index(tmp_path: Path) -> None:
    import sqlite3

    root, cache = tmp_path / "archive", tmp_path / "cache"
    good_pages(root, 3)
    _ids(root, cache)
    with sqlite3.connect(_index_file(cache)) as conn:
        conn.execute("UPDATE releases SET data = CAST(X'7bff' AS TEXT)")
    r = cst("--archive", str(root), "list", cache=cache)
    assert (r.code, r.out) == (3, "")
    assert (
        r.err
        == "cstonews: the index is damaged (text in it is not UTF-8): `cstonews index --rebuild` makes it anew\n"
    )
    assert cst("--archive", str(root), "index", "--rebuild", cache=cache).code == 0
    assert len(_ids(root, cache)) == 3


def test_what_cannot_be_read_for_a_while_stays_in_the_archive(tmp_path: Path, untouched: Untouched) -> None:
    """A folder or a page that cannot be read is named in one line, and its releases stay
    until it can be read again; the first command after that picks up what changed."""
    needs_permissions()
    root = tmp_path / "archive"
    shutil.copytree(SAMPLES, root / "saved")
    cache = tmp_path / "cache"
    everything = cst("--archive", str(root), "list", "-n", "0", "-f", "ids", cache=cache, drop_root=True)
    assert everything.code == 0 and len(everything.out.splitlines()) == 16
    # A page saved into the folder (its time changes), which then cannot be listed.
    (root / "saved" / "new.txt").write_text(
        "Summit in Astana\n\nOn June 9, 2021, leaders met.\n\nBack to the section\n"
    )
    (root / "saved").chmod(0o300)  # can be entered, not listed
    try:
        touch = root / "later.txt"
        touch.write_text(
            "Talks in Minsk\n\nOn May 3, 2021, talks were held in Minsk.\n\nBack to the section\n"
        )
        r = cst("--archive", str(root), "list", "-n", "0", "-f", "ids", cache=cache, drop_root=True)
        assert r.code == 0 and "Traceback" not in r.err
        assert r.err.count("cannot read the folder saved") == 1 and len(r.err.splitlines()) == 1
        assert set(everything.out.splitlines()) < set(r.out.splitlines())  # kept, and the new page
        assert not any("summit-in-astana" in i for i in r.out.splitlines())
    finally:
        (root / "saved").chmod(0o755)
    r = cst("--archive", str(root), "list", "-n", "0", "-f", "ids", cache=cache, drop_root=True)
    assert r.err == "" and any("summit-in-astana" in i for i in r.out.splitlines())
    # A page saved again, which then cannot be read: the copy last read stays.
    page = root / "saved" / "2019-04-02-arms-control-consultations.txt"
    with page.open("a", encoding="utf-8") as f:
        f.write("\nA closing paragraph added later.\n")
    page.chmod(0)
    try:
        r = cst("--archive", str(root), "index", cache=cache, drop_root=True)
        assert r.code == 0 and r.err.count("2019-04-02-arms-control-consultations.txt") == 1
        shown = cst("--archive", str(root), "show", "2019-04-02-consultations", cache=cache, drop_root=True)
        assert shown.code == 0 and "exchange of views" in shown.out and "added later" not in shown.out
    finally:
        page.chmod(0o644)
    shown = cst("--archive", str(root), "show", "2019-04-02-consultations", cache=cache, drop_root=True)
    assert shown.code == 0 and "A closing paragraph added later." in shown.out
    untouched.watch(root)
