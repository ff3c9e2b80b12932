"""The folder scan: which page files the archive holds, and which folders changed.

Folders are compared with the index by modification time and inode, so an unchanged
archive costs one `stat` per folder, and a folder swapped for another (`mv`), whose
times may be equal, is still seen. A folder that cannot be listed is named, and its
pages stay as the index had them until it can be read again.
"""

from __future__ import annotations

import errno
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from cstonews.problems import PageWarning, Problem

PAGE_SUFFIX = ".txt"

# (size, mtime_ns, inode) of a page file, as last read.
FileStat = tuple[int, int, int]
# (mtime_ns, inode) of a folder, as last listed; mtime -1: to be listed again.
DirStat = tuple[int, int]


@dataclass
class Scan:
    files: dict[str, FileStat] = field(default_factory=dict)  # page file -> its stat
    # Files and folders whose names are not UTF-8, under a name the index can hold: why
    # they cannot be read.
    unnamed: dict[str, PageWarning] = field(default_factory=dict)
    dirs: dict[str, DirStat] = field(default_factory=dict)  # listed folder -> its stat
    listed: list[str] = field(default_factory=list)  # folders whose files were listed
    unreadable: dict[str, str] = field(default_factory=dict)  # folder -> why it could not be listed
    full: bool = False


def changed_dirs(root: Path, known: Mapping[str, DirStat]) -> list[str]:
    """The known folders that changed, vanished or were replaced since they were listed."""
    changed = []
    for rel, (mtime, ino) in known.items():
        try:
            st = os.stat(root / rel if rel else root)
        except OSError:
            changed.append(rel)
            continue
        if (st.st_mtime_ns, st.st_ino) != (mtime, ino):
            changed.append(rel)
    return changed


def scan(root: Path, only: list[str] | None = None, known: Mapping[str, DirStat] | None = None) -> Scan:
    """List page files: of the whole tree (only=None), or of the folders in `only`, and of
    the folders new under them, which are walked whole."""
    out = Scan(full=only is None)
    known = known or {}
    todo = [""] if only is None else list(only)
    while todo:
        rel = todo.pop()
        out.listed.append(rel)
        path = root / rel if rel else root
        try:
            st = os.stat(path)
            entries = list(os.scandir(path))
        except OSError as err:
            if err.errno not in (errno.ENOENT, errno.ENOTDIR):
                out.unreadable[rel] = f"cannot read the folder {rel or '.'}: {err.strerror or err}"
            continue  # gone: its files drop out of the index
        out.dirs[rel] = (st.st_mtime_ns, st.st_ino)
        for e in entries:
            child = f"{rel}/{e.name}" if rel else e.name
            try:
                if not _utf8(e.name):
                    if e.is_dir(follow_symlinks=False) or e.name.endswith(PAGE_SUFFIX):
                        _unnamed(out, child, e)
                elif e.is_dir(follow_symlinks=False):
                    if only is None or child not in known:
                        todo.append(child)
                elif e.name.endswith(PAGE_SUFFIX):
                    fst = _page_stat(e)
                    if fst is not None:
                        out.files[child] = (fst.st_size, fst.st_mtime_ns, fst.st_ino)
            except OSError:
                continue
    return out


def within(path: str, folders: Mapping[str, object]) -> bool:
    """Is `path` in one of `folders`, or below one?"""
    d = path
    while d:
        d = d.rpartition("/")[0]
        if d in folders:
            return True
    return "" in folders


def _page_stat(e: os.DirEntry[str]) -> os.stat_result | None:
    """A page file's stat; a broken or looping symlink's own, so that it is warned of once."""
    try:
        if e.is_file():
            return e.stat()
    except OSError:
        pass
    return e.stat(follow_symlinks=False) if e.is_symlink() else None


def _utf8(name: str) -> bool:
    """Can `name` (as os.scandir gives it) be written as UTF-8? A name of other bytes comes
    with lone surrogates in it, which SQLite and JSON cannot hold."""
    try:
        name.encode()
    except UnicodeEncodeError:
        return False
    return True


def _unnamed(out: Scan, child: str, e: os.DirEntry[str]) -> None:
    """A page file or folder whose name is not UTF-8: held as a file that could not be
    read, under its name with the bad bytes escaped (`\\xff`), so that `index` lists it."""
    shown = os.fsencode(child).decode(errors="backslashreplace")
    st = e.stat(follow_symlinks=False)
    out.files[shown] = (st.st_size, st.st_mtime_ns, st.st_ino)
    what = "folder" if e.is_dir(follow_symlinks=False) else "file"
    why = f"cannot read: the {what} name is not valid UTF-8 (rename the {what} to index it)"
    out.unnamed[shown] = PageWarning(Problem.NAME_NOT_UTF8, why)
