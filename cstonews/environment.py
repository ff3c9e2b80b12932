"""Everything cstonews takes from the world around it, in one object tests can replace."""

from __future__ import annotations

import os
import shutil
import sys
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import BinaryIO, TextIO

from cstonews.locations import archive_dir, default_cache_dir

PAGER_VAR = "CSTONEWS_PAGER"  # before $PAGER; empty or `cat` for none


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
    stdin: BinaryIO | None = None  # what `parse -` reads
    color_mode: str = "auto"  # --color: auto, always or never

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
            stdin=getattr(sys.stdin, "buffer", None),
        )

    def color(self, *, stderr: bool = False) -> bool:
        """Whether to colour stdout (or stderr): --color, then NO_COLOR, then FORCE_COLOR
        and CLICOLOR_FORCE, then whether it is a terminal."""
        if self.color_mode in ("always", "never"):
            return self.color_mode == "always"
        if self.environ.get("NO_COLOR"):
            return False
        if any(self.environ.get(v, "0") not in ("", "0") for v in ("FORCE_COLOR", "CLICOLOR_FORCE")):
            return True
        if self.environ.get("TERM") == "dumb":
            return False
        return self.stderr_isatty if stderr else self.stdout_isatty

    @property
    def no_color(self) -> bool:
        return not self.color()

    @property
    def cache_dir(self) -> Path:
        return default_cache_dir(self.environ)

    @property
    def pager(self) -> str:
        """The pager command; "" for none. $CSTONEWS_PAGER, else $PAGER, else less."""
        if PAGER_VAR in self.environ:
            chosen = self.environ[PAGER_VAR].strip()
            return "" if chosen == "cat" else chosen
        return self.environ.get("PAGER") or "less"

    def archive_dir(self, option: Path | None) -> Path:
        return archive_dir(option, self.environ)


def _isatty(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False
