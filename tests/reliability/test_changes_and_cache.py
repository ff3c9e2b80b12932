"""Pages that change between commands or while being read, and caches that cannot be
written: answers stay complete and current, and the archive folder is never written."""

from __future__ import annotations

import json
import os
import shutil
import threading
from pathlib import Path

from conftest import Untouched, cst, good_pages, needs_permissions, page


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
