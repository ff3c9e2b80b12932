"""Exit codes and the one exception type the CLI turns into a message and a code."""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    OK = 0
    NOT_FOUND = 1  # nothing found, or no such release
    USAGE = 2  # bad usage, bad query, bad date, unreadable archive folder
    DAMAGED_INDEX = 3  # SQLite found the index damaged: `cstonews index --rebuild` remakes it
    INTERNAL = 4  # cstonews itself failed (a worker process died, SQLite failed): a bug to report


class CstonewsError(Exception):
    """An error the user can act on: printed as one line on stderr, never a traceback."""

    exit_code = ExitCode.USAGE

    def __init__(self, message: str, exit_code: ExitCode | None = None) -> None:
        super().__init__(message)
        self.message = message
        if exit_code is not None:
            self.exit_code = exit_code


class QueryError(CstonewsError):
    """A search query that cannot be understood."""


class NotFound(CstonewsError):
    exit_code = ExitCode.NOT_FOUND


class Ambiguous(CstonewsError):
    """An id prefix that several releases share."""

    SHOWN = 3

    def __init__(self, prefix: str, candidates: list[str], more: bool = False) -> None:
        # One line, like every error: the first few candidates, and how many others.
        count = f"more than {len(candidates)}" if more else str(len(candidates))
        names = ", ".join(candidates[: self.SHOWN])
        rest = len(candidates) - self.SHOWN
        if more or rest > 0:
            names += ", …"
        super().__init__(f"{prefix!r} matches several releases ({count}: {names}); give more of the id")
        self.candidates = candidates
