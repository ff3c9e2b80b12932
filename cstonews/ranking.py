"""How a search orders its matches: bm25, a title word weighing ten times a body word.

The columns are those of wordforms.FTS_COLUMNS: the words as written, then their stems,
weighed alike. Releases holding the words as typed are ranked ahead of those that hold only
other forms by the query itself (query.ranked_fts), not by these weights.
"""

from __future__ import annotations

# Called by name rather than through FTS5's configurable `rank` column, which was slower
# (see docs/performance.md).
BM25 = "bm25(fts, 10.0, 1.0, 10.0, 1.0)"


def relevance_sql(chosen: str, limit: int, offset: int = 0, reverse: bool = False) -> str:
    """The query ranking the matches of `fts MATCH ?` (and of the conditions `chosen`);
    `reverse`: the least relevant first."""
    order = f"{BM25} DESC, rowid DESC" if reverse else f"{BM25}, rowid"
    return f"SELECT rowid FROM fts WHERE fts MATCH ?{chosen} ORDER BY {order}{limit_sql(limit, offset)}"


def limit_sql(limit: int, offset: int = 0) -> str:
    """The LIMIT clause of `limit` rows (0 for all) after the first `offset`."""
    if offset > 0:
        return f" LIMIT {int(limit) if limit > 0 else -1} OFFSET {int(offset)}"
    return f" LIMIT {int(limit)}" if limit > 0 else ""
