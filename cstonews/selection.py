"""Which releases a command asks for: the options every listing command shares, as the
index takes them. Light to import: the command line declares its options with it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

DEFAULT_LIMIT = 50  # releases `list` and `search` show unless -n says otherwise


@dataclass
class Selection:
    """Which releases a command asks for."""

    since: date | None = None
    until: date | None = None
    keywords: list[str] = field(default_factory=list)
    kind: str | None = None
    lang: str | None = None
    limit: int = DEFAULT_LIMIT  # 0 for all
    offset: int = 0  # releases skipped before the first one returned
    reverse: bool = False
    countries: list[str] = field(default_factory=list)  # canonical names; all must be named
    people: list[str] = field(default_factory=list)  # names as typed ("Zas", "S. Zas"); all must be named
