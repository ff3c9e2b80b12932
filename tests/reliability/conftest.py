"""Helpers of the reliability suite: real files, real processes, the real cache.

Commands run as child processes (`python -m cstonews`), each with its own cache folder,
so that they meet the archive the way a user's shell does. Every archive folder a test
builds is checksummed before its commands run and again at the end: cstonews must never
write inside it.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "samples"


@dataclass
class Result:
    code: int
    out: str
    err: str


def cst(*args: str, cache: Path, timeout: float = 120, drop_root: bool = False) -> Result:
    """Run cstonews in a child process; `drop_root` takes away root's power to read any
    file, so that permissions mean what they say (the suite may run as root)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CSTONEWS_", "PAGER", "NO_COLOR"))}
    env["CSTONEWS_CACHE_DIR"] = str(cache)
    cmd = [sys.executable, "-m", "cstonews", *args]
    if drop_root and os.geteuid() == 0:
        cmd = [NO_OVERRIDE, "--bounding-set=-dac_override,-dac_read_search", *cmd]
    p = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=timeout, cwd=ROOT)
    return Result(p.returncode, p.stdout, p.stderr)


NO_OVERRIDE = shutil.which("setpriv") or ""


def needs_permissions() -> None:
    if os.geteuid() == 0 and not NO_OVERRIDE:
        pytest.skip("running as root without setpriv: file permissions cannot be enforced")


def checksum(folder: Path) -> str:
    """Names, kinds, targets and contents of everything in `folder` (links not followed)."""
    h = hashlib.sha256()
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames.sort()
        for name in sorted(filenames + [d for d in dirnames if os.path.islink(os.path.join(dirpath, d))]):
            p = Path(dirpath, name)
            h.update(os.fsencode(p.relative_to(folder)))
            if p.is_symlink():
                h.update(b"-> " + os.fsencode(os.readlink(p)))
            elif os.access(p, os.R_OK) and p.stat().st_mode & 0o444:
                h.update(hashlib.sha256(p.read_bytes()).digest())
            else:
                h.update(f"unreadable {p.stat().st_size} {p.stat().st_mtime_ns}".encode())
    return h.hexdigest()


class Untouched:
    """Archive folders registered here must be byte-identical at the end of the test."""

    def __init__(self) -> None:
        self.sums: dict[Path, str] = {}

    def watch(self, folder: Path) -> Path:
        self.sums[folder] = checksum(folder)
        return folder

    def check(self) -> None:
        for folder, before in self.sums.items():
            assert checksum(folder) == before, f"cstonews wrote inside {folder}"


@pytest.fixture
def untouched() -> Iterator[Untouched]:
    u = Untouched()
    yield u
    u.check()


def page(title: str, lead: str, teaser: str = "") -> str:
    """A small well-formed page: an optional teaser, a title, a lead, navigation."""
    head = f"{teaser}\n\n" if teaser else ""
    return f"{head}{title}\n\n{lead}\n\nThe meeting ended with a joint statement.\n\nBack to the section\n"


def good_pages(folder: Path, n: int, prefix: str = "p") -> list[str]:
    """`n` distinct pages with dated leads; returns their titles."""
    months = ["January", "February", "March", "April", "May", "June", "July", "August",
              "September", "October", "November", "December"]  # fmt: skip
    folder.mkdir(parents=True, exist_ok=True)
    titles = []
    for i in range(n):
        title = f"Meeting number {i} of the {prefix} working group held in Minsk"
        lead = f"On {months[i % 12]} {1 + i % 28}, {2000 + i % 24}, meeting number {i} of the {prefix} group took place."
        (folder / f"{prefix}{i:05d}.txt").write_text(page(title, lead), encoding="utf-8")
        titles.append(title)
    return titles


@pytest.fixture(scope="session", autouse=True)
def shared_archives_untouched() -> Iterator[None]:
    """The folders many tests use as archives (the samples, the variant pages) are
    checksummed before the suite and after it."""
    watched = [SAMPLES, ROOT / "tests" / "pages"]
    before = [checksum(f) for f in watched]
    yield
    assert [checksum(f) for f in watched] == before, "cstonews wrote inside a shared archive folder"
