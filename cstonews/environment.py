"""Everything cstonews takes from the world around it, in one object tests can replace."""

from __future__ import annotations

import os
import shutil
import sys
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TextIO

from cstonews.locations import archive_dir, default_cache_dir


@dataclass
class Environment:
    stdout: TextIO
    stderr: TextIO
    stdout_isatty: bool
    stderr_isatty: bool
    environ: dict[str, str] = field(default_factory=dict)
    width: int = 80
    height: int = 24
    today: date = field(default_factory=date.today)  # what relative dates count from

    @classmethod
    def from_os(cls) -> Environment:
        size = shutil.get_terminal_size()
        return cls(
            stdout=sys.stdout,
            stderr=sys.stderr,
            stdout_isatty=_isatty(sys.stdout),
            stderr_isatty=_isatty(sys.stderr),
            environ=dict(os.environ),
            width=size.columns,
            height=size.lines,
        )

    @property
    def no_color(self) -> bool:
        return "NO_COLOR" in self.environ and self.environ["NO_COLOR"] != ""

    @property
    def cache_dir(self) -> Path:
        return default_cache_dir(self.environ)

    @property
    def pager(self) -> str:
        return self.environ.get("PAGER") or "less"

    def archive_dir(self, option: Path | None) -> Path:
        return archive_dir(option, self.environ)


def _isatty(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False
