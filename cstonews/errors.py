"""Exit codes, the errors the CLI turns into one line and a code, and the one mapping
from any exception to that line and code."""

from __future__ import annotations

import re
from enum import IntEnum


class ExitCode(IntEnum):
    OK = 0
    NOT_FOUND = 1  # nothing found, or no such release
    USAGE = 2  # bad usage, bad query, bad date, unreadable archive folder or file
    DAMAGED_INDEX = 3  # SQLite found the index damaged: `cstonews index --rebuild` remakes it
    FAILURE = 4  # cstonews could not finish: a worker process died, the index could not be used
    INTERRUPTED = 130  # Ctrl-C, as shells count it (128 + SIGINT)


# What `--help` and the README say of each code.
MEANINGS = {
    ExitCode.OK: "success",
    ExitCode.NOT_FOUND: "nothing found, or no such release",
    ExitCode.USAGE: "bad usage: an option, query, date, file or folder that cannot be used",
    ExitCode.DAMAGED_INDEX: "the index is damaged (`cstonews index --rebuild` remakes it)",
    ExitCode.FAILURE: "cstonews could not finish (a worker process died, the index could not be written)",
    ExitCode.INTERRUPTED: "interrupted",
}


def exit_codes_help() -> str:
    """The exit codes, one a line, for the end of `--help`."""
    return "Exit codes:\n" + "\n".join(f"  {int(c):>3}  {MEANINGS[c]}" for c in ExitCode)


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


class Failure(CstonewsError):
    """cstonews itself could not finish: a worker process died, the index could not be written."""

    exit_code = ExitCode.FAILURE


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


def is_usage_error(e: BaseException) -> bool:
    """Click's UsageError (vendored inside Typer in recent versions): known by its shape."""
    return getattr(e, "exit_code", None) == 2 and hasattr(e, "format_message") and hasattr(e, "ctx")


def outcome(e: BaseException) -> tuple[str | None, int]:
    """The one mapping from an exception to (the line to print, or None, and the exit code)."""
    if isinstance(e, CstonewsError):
        return e.message, int(e.exit_code)
    if isinstance(e, KeyboardInterrupt):
        return None, int(ExitCode.INTERRUPTED)
    if isinstance(e, BrokenPipeError):
        return None, int(ExitCode.OK)  # the reader went away (`| head`): not an error
    if is_usage_error(e):
        return usage_line(e), int(ExitCode.USAGE)
    code = getattr(e, "exit_code", None)  # typer.Exit, click's Abort and the like
    if isinstance(code, int) and not isinstance(e, OSError):
        return None, code
    return f"internal error: {type(e).__name__}: {e}", int(ExitCode.FAILURE)


def usage_line(e: object) -> str:
    """Click's usage error as one line in cstonews's words, with where to find help."""
    ctx = getattr(e, "ctx", None)
    where = ctx.command_path if ctx is not None else "cstonews"
    msg = _usage_message(e)
    hint = f"see '{where} --help'"
    if "no such option: -" in msg and "no such option: --" not in msg:  # `search -0`
        hint += "; put -- before an argument that starts with -"
    return f"{msg} ({hint})"


def _usage_message(e: object) -> str:
    """Click's wording (`'abc' is not a valid int range`) put as cstonews puts its own."""
    message = str(getattr(e, "format_message", lambda: e)())
    param = getattr(e, "param", None)
    if param is None or type(e).__name__ != "BadParameter":
        message = message.rstrip(".")
        return message[:1].lower() + message[1:]
    opts = [o for o in getattr(param, "opts", []) if o.startswith("--")] or getattr(param, "opts", [])
    name = opts[0] if opts else (getattr(param, "human_readable_name", None) or "a value")
    given = re.search(r": '?(.*?)'? is not ", message)
    value = f", not {given.group(1)!r}" if given else ""
    kind = getattr(param, "type", None)
    choices = getattr(kind, "choices", None)
    if choices:
        listed = ", ".join(str(getattr(c, "value", c)) for c in choices)
        return f"{name} must be one of {listed}{value}"
    if getattr(kind, "name", "").startswith("int"):
        low = getattr(kind, "min", None)
        more = f" of {low} or more" if low is not None else ""
        return f"{name} must be a whole number{more}{value}"
    detail = message.split(": ", 1)[-1].rstrip(".")
    return f"{name}: {detail}"
