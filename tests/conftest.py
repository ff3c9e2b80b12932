"""Shared fixtures: every test gets its own cache directory and a clean environment."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
PAGES = Path(__file__).resolve().parent / "pages"


@pytest.fixture(autouse=True)
def _isolated(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> None:
    """Tests never touch the user's real cache, archive setting or pager."""
    monkeypatch.setenv("CSTONEWS_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))
    # Tests that give an Environment an environ of their own leave that variable out; the
    # cache directory then comes from platformdirs, which reads XDG_CACHE_HOME.
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("xdg-cache")))
    for var in ("CSTONEWS_ARCHIVE", "NO_COLOR", "PAGER"):
        monkeypatch.delenv(var, raising=False)


@pytest.fixture
def archive_dir(tmp_path: Path) -> Path:
    """A writable copy of the samples, for tests that change the archive."""
    dest = tmp_path / "archive"
    shutil.copytree(SAMPLES, dest)
    return dest
