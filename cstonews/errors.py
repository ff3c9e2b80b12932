"""Exit codes and the one exception type the CLI turns into a message and a code."""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    OK = 0
    NOT_FOUND = 1  # nothing found, or no such release
    USAGE = 2  # bad usage, bad query, bad date, unreadable archive folder


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

    def __init__(self, prefix: str, candidates: list[str]) -> None:
        listing = "".join(f"\n  {c}" for c in candidates)
        super().__init__(f"{prefix!r} matches several releases:{listing}")
        self.candidates = candidates
