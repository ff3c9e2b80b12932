"""Where things live: the archive folder, the bundled samples, the cache, and the index
file of each archive."""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path

from cstonews.text import sha1_hex

ARCHIVE_VAR = "CSTONEWS_ARCHIVE"
CACHE_VAR = "CSTONEWS_CACHE_DIR"  # moves the index cache (tests point it at a tmp dir)


def samples_dir() -> Path:
    """The bundled sample pages: inside the installed package, or beside it in a checkout."""
    here = Path(__file__).resolve().parent
    installed = here / "samples"
    return installed if installed.is_dir() else here.parent / "samples"


def default_cache_dir(environ: Mapping[str, str]) -> Path:
    if environ.get(CACHE_VAR):
        return Path(environ[CACHE_VAR])
    from platformdirs import user_cache_dir  # honours XDG_CACHE_HOME

    return Path(user_cache_dir("cstonews", appauthor=False))


def archive_dir(option: Path | None, environ: Mapping[str, str]) -> Path:
    """`--archive`, else $CSTONEWS_ARCHIVE, else the bundled samples."""
    if option is not None:
        return option.expanduser()
    if environ.get(ARCHIVE_VAR):
        return Path(environ[ARCHIVE_VAR]).expanduser()
    return samples_dir()


def archive_problem(path: Path, option: Path | None, environ: Mapping[str, str]) -> str | None:
    """Why `path` cannot be the archive folder, naming where it came from; None if it can."""
    if path.is_dir():
        return None
    where = (
        "--archive"
        if option is not None
        else f"${ARCHIVE_VAR}"
        if environ.get(ARCHIVE_VAR)
        else "the samples"
    )
    if path.exists():
        return f"{where} names a file, not a folder: {path}"
    return f"archive folder not found: {path} (from {where})"


def index_path(cache_dir: Path, root: Path) -> Path:
    """One index per archive folder, named after the folder and its full path."""
    real = root.resolve()
    name = re.sub(r"[^\w.-]+", "-", real.name or "root")[:40]
    return cache_dir / "indexes" / f"{name}-{sha1_hex(str(real))[:12]}.sqlite"
