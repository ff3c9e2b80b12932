"""An archive of good pages mixed with every kind of bad file: the good ones are all
listed, each bad one is named once on stderr, nothing is written in the folder."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

from conftest import ROOT, SAMPLES, Untouched, cst, good_pages, needs_permissions, page

from cstonews.parse import read_page

PNG = bytes.fromhex("89504e470d0a1a0a0000000d49484452") + os.urandom(4000)
BAD = ["empty.txt", "image.txt", "big.txt", "locked.txt", "dangling.txt", "loop.txt", "nav.txt"]
NOTED = ["nul.txt", "cyrillic-1251.txt", "latin-1.txt"]


def build(root: Path) -> set[str]:
    """The mixed archive; returns the titles of the articles that must be listed."""
    for f in SAMPLES.glob("*.txt"):
        shutil.copy(f, root / f.name)
    titles = set(good_pages(root, 3, "good"))
    russian = (ROOT / "tests" / "pages" / "russian-stamp.txt").read_text(encoding="utf-8")
    (root / "cyrillic-1251.txt").write_bytes(russian.encode("cp1251"))
    latin = page("CSTO observers at the Genève conference on disarmament",
                 "On March 3, 2021, CSTO observers attended the conference in Genève, café included.")  # fmt: skip
    (root / "latin-1.txt").write_bytes(latin.encode("latin-1"))
    nul = page("Meeting with NUL bytes held in Astana", "On May 5, 2021, a meeting\x00 took place in Astana.")
    (root / "nul.txt").write_text(nul, encoding="utf-8")
    (root / "empty.txt").write_bytes(b"")
    (root / "image.txt").write_bytes(PNG)
    with open(root / "big.txt", "w", encoding="utf-8") as f:
        line = "A very long saved file that is not a page of the site at all. " * 16 + "\n"
        for _ in range(50 * 1024 * 1024 // len(line) + 1):
            f.write(line)
    locked = root / "locked.txt"
    locked.write_text(page("A page nobody may read", "On June 1, 2020, nothing."), encoding="utf-8")
    locked.chmod(0)
    (root / "dangling.txt").symlink_to(root / "gone.txt")
    (root / "loop.txt").symlink_to(root / "loop.txt")
    (root / "nav.txt").write_text(
        "Go back\n\nBack to the section\n\nBack to the all news\n", encoding="utf-8"
    )
    folder = root / "x.txt"  # a folder with a page name: searched like any folder
    folder.mkdir()
    titles |= set(good_pages(folder, 1, "inner"))
    for f in [*SAMPLES.glob("*.txt"), root / "cyrillic-1251.txt", root / "latin-1.txt", root / "nul.txt"]:
        got = read_page(f.read_bytes(), f.name)
        assert got.article is not None
        titles.add(got.article.title or "")
    return titles


def test_good_pages_listed_bad_files_named_once(tmp_path: Path, untouched: Untouched) -> None:
    needs_permissions()
    root = tmp_path / "archive"
    root.mkdir()
    titles = build(root)
    untouched.watch(root)
    cache = tmp_path / "cache"

    r = cst("--archive", str(root), "list", "-n", "0", "-f", "json", cache=cache, drop_root=True)
    assert r.code == 0, r.err
    listed = {x["title"] for x in json.loads(r.out) if x["kind"] == "article"}
    assert titles <= listed, titles - listed
    assert "Traceback" not in r.err
    lines = r.err.splitlines()
    for name in BAD + NOTED:
        named = [ln for ln in lines if f" {name}" in ln or f"{name}:" in ln]
        assert len(named) == 1, (name, lines)
        assert len(named[0]) < 160 and named[0].startswith("cstonews: ")
    for name in BAD:
        assert any(ln.startswith(f"cstonews: skipped {name}: ") for ln in lines), name
    by_title = {x["title"]: x for x in json.loads(r.out)}
    assert any("Заседание" in t for t in by_title if t)  # windows-1251 decoded, not mojibake
    assert "CSTO observers at the Genève conference on disarmament" in by_title
    assert "good00000.txt" not in r.err

    # Named once: the next command has nothing new to say.
    again = cst("--archive", str(root), "list", "-n", "0", "-f", "ids", cache=cache, drop_root=True)
    assert again.code == 0 and again.err == ""
    assert again.out.splitlines() == [x["id"] for x in json.loads(r.out)]

    # `index --verbose` still lists every file's warnings, from the index.
    v = cst("--archive", str(root), "index", "--verbose", cache=cache, drop_root=True)
    assert v.code == 0
    for name in BAD + NOTED:
        assert f"  {name}: " in v.out
    assert "1 file too large to be a page" in v.out and "1 file that is not text" in v.out


def _make_unnamed(root: Path) -> tuple[Path, Path]:
    """A page file and a folder whose names are not UTF-8 (skips where the file system
    refuses such names)."""
    import pytest

    bad_file = Path(os.fsdecode(os.fsencode(root) + b"/bad\xff.txt"))
    bad_dir = Path(os.fsdecode(os.fsencode(root) + b"/dir\xfe"))
    try:
        shutil.copy(next(SAMPLES.glob("*.txt")), bad_file)
        bad_dir.mkdir()
    except OSError:
        pytest.skip("this file system refuses names that are not UTF-8")
    shutil.copy(next(SAMPLES.glob("*.txt")), bad_dir / "inside.txt")
    return bad_file, bad_dir


def test_names_that_are_not_utf8_are_named_and_the_rest_read(tmp_path: Path, untouched: Untouched) -> None:
    root = tmp_path / "archive"
    root.mkdir()
    for f in SAMPLES.glob("*.txt"):
        shutil.copy(f, root / f.name)
    _make_unnamed(root)
    untouched.watch(root)
    cache = tmp_path / "cache"

    r = cst("--archive", str(root), "list", "-n", "0", "-f", "json", cache=cache)
    assert r.code == 0 and "Traceback" not in r.err, r.err
    titles = {x["title"] for x in json.loads(r.out) if x["kind"] == "article"}
    assert titles == {read_page(f.read_bytes(), f.name).article.title for f in SAMPLES.glob("*.txt")}  # type: ignore[union-attr]
    assert sorted(r.err.splitlines()) == [
        "cstonews: skipped bad\\xff.txt: cannot read: the file name is not valid UTF-8 (rename the file to index it)",
        "cstonews: skipped dir\\xfe: cannot read: the folder name is not valid UTF-8 (rename the folder to index it)",
    ]
    again = cst("--archive", str(root), "list", "-n", "0", "-f", "ids", cache=cache)
    assert again.code == 0 and again.err == "" and len(again.out.splitlines()) == len(json.loads(r.out))
    v = cst("--archive", str(root), "index", "--verbose", cache=cache)
    assert v.code == 0 and "2 files whose names are not UTF-8" in v.out
    assert "  bad\\xff.txt: cannot read" in v.out and "  dir\\xfe: cannot read" in v.out


def test_an_archive_folder_whose_path_is_not_utf8_is_a_one_line_error(tmp_path: Path) -> None:
    _, bad_dir = _make_unnamed(tmp_path)
    r = cst("--archive", str(bad_dir), "list", cache=tmp_path / "cache")
    assert r.code == 2 and r.out == ""
    assert (
        r.err.startswith("cstonews: the archive folder's path is not valid UTF-8: ")
        and r.err.count("\n") == 1
    )
