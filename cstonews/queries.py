"""Asking the index: select, search, stats, related releases, and a release by its id."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from cstonews.database import DamagedIndex, as_error, sqlite_errors
from cstonews.errors import Ambiguous, CstonewsError, NotFound
from cstonews.problems import PageWarning
from cstonews.query import all_of, highlight, keyword_fts, ranked_fts, snippet, to_fts
from cstonews.ranking import BM25, limit_sql, relevance_sql
from cstonews.release import Release
from cstonews.selection import Selection


@dataclass
class Hit:
    release: Release
    snippet: str  # matched words between \x02 and \x03
    title: str = ""  # the title as indexed (look-alike letters folded), matched words marked the same way


@dataclass
class Stats:
    """What `stats` reports: counts by period, by country and by person, and the span."""

    total: int = 0
    undated: int = 0
    first: str | None = None
    last: str | None = None
    by_year: dict[str, int] = field(default_factory=dict)
    by_month: dict[str, int] = field(default_factory=dict)
    countries: dict[str, int] = field(default_factory=dict)
    other_countries: dict[str, int] = field(default_factory=dict)
    people: dict[str, int] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "total": self.total,
            "undated": self.undated,
            "first": self.first,
            "last": self.last,
            "by_year": dict(sorted(self.by_year.items())),
            "by_month": dict(sorted(self.by_month.items())),
            "countries": self.countries,
            "other_countries": self.other_countries,
            "people": self.people,
        }


class Queries:
    """The read side of an index."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db

    def _where(self, sel: Selection, match: str | None, with_fts: bool = True) -> tuple[str, list[Any], str]:
        """SQL conditions for the selection, their arguments, and the full-text match.

        The full-text match becomes a set of rowids that releases are checked against
        while an index hands them over in date order, stopping at the limit. Without
        `with_fts`, it is only returned, for a query ranked by relevance to ask itself.
        """
        clauses: list[str] = []
        args: list[Any] = []
        if sel.since or sel.until:
            clauses.append("(r.date IS NULL) = 0")  # lets a date range seek releases_newest/oldest
        if sel.since:
            clauses.append("r.date >= ?")
            args.append(sel.since.isoformat())
        if sel.until:
            clauses.append("r.date <= ?")
            args.append(sel.until.isoformat())
        if sel.kind:
            clauses.append("r.kind = ?")
            args.append(sel.kind)
        if sel.lang:
            clauses.append("r.lang = ?")
            args.append(sel.lang)
        for c in sel.countries:
            clauses.append("r.rowid IN (SELECT rowid FROM named WHERE kind='country' AND key=?)")
            args.append(c.casefold())
        if sel.people:
            from cstonews.entities import person_key

            for p in sel.people:
                key = person_key(p)
                if key.endswith("|"):  # a surname alone matches every spelling with it
                    clauses.append("r.rowid IN (SELECT rowid FROM named WHERE kind='surname' AND key=?)")
                    args.append(key[:-1])
                else:
                    clauses.append(
                        "r.rowid IN (SELECT rowid FROM named WHERE kind='person' AND key IN (?, ?))"
                    )
                    args += [key, key.split("|")[0] + "|"]
        kw = keyword_fts(sel.keywords) if sel.keywords else ""
        full_match = all_of(match or "", kw)
        if full_match and with_fts:
            # `+` keeps SQLite from fetching every matching release by rowid and sorting
            # them all.
            clauses.append("+r.rowid IN (SELECT rowid FROM fts WHERE fts MATCH ?)")
            args.append(full_match)
        return (" WHERE " + " AND ".join(clauses)) if clauses else "", args, full_match

    @staticmethod
    def _order(sel: Selection) -> str:
        # Unknown dates last either way; matches the releases_newest/oldest indexes.
        direction = "ASC" if sel.reverse else "DESC"
        return f" ORDER BY r.date IS NULL, r.date {direction}, r.id"

    @staticmethod
    def _limit(sel: Selection) -> str:
        return limit_sql(sel.limit, sel.offset)

    def _load(self, rowids: list[int]) -> list[Release]:
        """Releases by rowid, in the order given. Queries sort rowids first and load only
        the releases they show."""
        found = self._by_rowid("SELECT rowid, id, data FROM releases WHERE rowid IN ({})", [], rowids)
        try:
            return [_release(*found[r]) for r in rowids]
        except KeyError:  # a match or a listed row whose release is gone
            raise DamagedIndex("it names releases it does not hold") from None

    def _by_rowid(self, sql: str, args: list[Any], rowids: list[int]) -> dict[int, Any]:
        """{rowid: the rest of the row} of a query that ends `rowid IN ({})`, asked 500
        rowids at a time (older SQLite takes at most 999 parameters)."""
        found: dict[int, Any] = {}
        for i in range(0, len(rowids), 500):
            part = rowids[i : i + 500]
            for row in self._run(sql.format(",".join("?" * len(part))), [*args, *part]):
                found[row[0]] = row[1:] if len(row) > 2 else row[1]
        return found

    @contextmanager
    def _snapshot(self) -> Iterator[None]:
        """One read transaction: a query's several statements see the same index, even
        while another process refreshes it."""
        with sqlite_errors():
            self.db.execute("BEGIN")
        try:
            yield
        finally:
            with sqlite_errors():
                self.db.execute("COMMIT")

    def select(self, sel: Selection) -> list[Release]:
        """Releases matching the selection, newest first (unknown dates last)."""
        where, args, _ = self._where(sel, None)
        sql = f"SELECT r.rowid FROM releases r{where}{self._order(sel)}{self._limit(sel)}"
        with self._snapshot():
            return self._load([rowid for (rowid,) in self._run(sql, args)])

    def search(self, query: str, sel: Selection, sort: str = "relevance", snippets: bool = True) -> list[Hit]:
        """Full-text search; best match first (title weighs ten times the body). Without
        `snippets`, hits come with empty snippets, which cost a pass over each hit's text."""
        with self._snapshot():
            if sort == "relevance":
                where, args, _ = self._where(sel, to_fts(query), with_fts=False)
                # The other conditions as a set of rowids, which each match is checked
                # against in memory: a join fetched the release of every match.
                chosen = f" AND +rowid IN (SELECT r.rowid FROM releases r{where})" if where else ""
                # The words as typed first, then their other forms: the second tier is
                # asked only for what the first leaves of the limit.
                want = sel.offset + sel.limit if sel.limit > 0 and not sel.reverse else 0
                rowids: list[int] = []
                for tier in ranked_fts(query, sel.keywords):
                    left = want - len(rowids) if want else 0
                    if want and left <= 0:
                        break
                    rowids += [
                        r for (r,) in self._run(relevance_sql(chosen, left), [tier, *args]) if r not in rowids
                    ]
                if sel.reverse:
                    rowids.reverse()
                rowids = rowids[sel.offset : sel.offset + sel.limit if sel.limit > 0 else None]
            else:
                where, args, _ = self._where(sel, to_fts(query))
                sql = f"SELECT r.rowid FROM releases r{where}{self._order(sel)}{self._limit(sel)}"
                rowids = [rowid for (rowid,) in self._run(sql, args)]
            releases = self._load(rowids)
        if not snippets:
            return [Hit(r, "") for r in releases]
        return [
            Hit(
                r, snippet(query, "\n".join(r.body or [r.lead])), highlight(query, r.title) if r.title else ""
            )
            for r in releases
        ]

    def stats(self, sel: Selection, query: str | None = None) -> Stats:
        """Counts over every release the selection (and the query, if any) matches."""
        where, args, _ = self._where(sel, to_fts(query) if query else None)
        chosen = f"SELECT r.rowid FROM releases r{where}"
        st = Stats()
        with self._snapshot():
            for d, n in self._run(f"SELECT r.date, count(*) FROM releases r{where} GROUP BY r.date", args):
                st.total += n
                if d is None:
                    st.undated += n
                    continue
                st.by_year[d[:4]] = st.by_year.get(d[:4], 0) + n
                st.by_month[d[:7]] = st.by_month.get(d[:7], 0) + n
                st.first = min(st.first or d, d)
                st.last = max(st.last or d, d)
            named = self._run(
                f"SELECT kind, key, name, count(DISTINCT rowid) FROM named WHERE rowid IN ({chosen}) "
                "AND kind IN ('country', 'person') GROUP BY kind, key, name",
                args,
            )
        from cstonews.entities import MEMBERS, merge_people

        countries: dict[str, int] = {}
        persons: dict[str, dict[str, int]] = {}  # person key -> {spelling: releases}
        for kind, key, name, n in named:
            if kind == "country":
                countries[name] = countries.get(name, 0) + n
            else:
                spellings = persons.setdefault(key, {})
                spellings[name] = spellings.get(name, 0) + n
        st.countries = _by_count({c: n for c, n in countries.items() if c in MEMBERS})
        st.other_countries = _by_count({c: n for c, n in countries.items() if c not in MEMBERS})
        st.people = _by_count(merge_people(persons))
        return st

    def related(self, release: Release, limit: int = 10) -> list[Release]:
        """The releases closest in content to `release`, best first: its most distinctive
        words (rare in the archive, but not unique to it) asked of the full-text index at
        once, ranked by bm25."""
        from cstonews.text import content_terms

        words = content_terms(" ".join([release.title or "", release.lead, *release.body[:4]]))
        if not words:
            return []
        with self._snapshot():
            total = self._run("SELECT count(*) FROM releases", [])[0][0] or 1
            marks = ",".join("?" * len(words))
            freq = dict(self._run(f"SELECT term, doc FROM fts_terms WHERE term IN ({marks})", words))
            # Words in a fifth of the archive say little and cost a long posting list.
            useful = sorted(
                (w for w in words if 2 <= freq.get(w, 0) <= max(2, total // 5)), key=lambda w: freq[w]
            )
            if not useful:
                return []
            match = " OR ".join(f'"{w}"' for w in useful[:16])
            rows = self._run(
                "SELECT r.rowid FROM fts JOIN releases r ON r.rowid = fts.rowid "
                f"WHERE fts MATCH ? AND r.id != ? ORDER BY {BM25}, r.rowid LIMIT ?",
                [match, release.id, limit],
            )
            return self._load([rowid for (rowid,) in rows])

    def get(self, prefix: str) -> Release:
        """The release whose id is `prefix`, or the only one that starts with it."""
        prefix = prefix.strip()
        if not prefix:
            raise CstonewsError("an id (or the start of one) is needed")
        row = self._run("SELECT id, data FROM releases WHERE id = ?", [prefix])
        if row:
            return _release(*row[0])
        upper = prefix[:-1] + chr(ord(prefix[-1]) + 1) if ord(prefix[-1]) < 0x10FFFF else prefix
        rows = self._run(
            "SELECT id, data FROM releases WHERE id >= ? AND id < ? ORDER BY id LIMIT 21", [prefix, upper]
        )
        if not rows:
            raise NotFound(f"no release with an id starting {prefix!r}")
        if len(rows) > 1:
            raise Ambiguous(prefix, [r[0] for r in rows[:20]], more=len(rows) > 20)
        return _release(*rows[0])

    def ids_starting(self, prefix: str, limit: int = 200) -> list[str]:
        """The ids that start with `prefix`, in order (at most `limit`): for shell completion."""
        upper = prefix[:-1] + chr(ord(prefix[-1]) + 1) if prefix and ord(prefix[-1]) < 0x10FFFF else None
        sql = (
            "SELECT id FROM releases WHERE id >= ?"
            + (" AND id < ?" if upper else "")
            + " ORDER BY id LIMIT ?"
        )
        return [i for (i,) in self._run(sql, [prefix, *([upper] if upper else []), limit])]

    def count(self) -> tuple[int, int]:
        """(page files, releases) in the index."""
        ((files, releases),) = self._run(
            "SELECT (SELECT count(*) FROM files), (SELECT count(*) FROM releases)", []
        )
        return files, releases

    def warnings(self) -> Iterator[tuple[str, PageWarning]]:
        """(file, warning) for every indexed page that has warnings."""
        for path, ws in self._run("SELECT path, warnings FROM files ORDER BY path", []):
            for w in json.loads(ws):
                yield path, PageWarning.from_json(w)

    def _run(self, sql: str, args: list[Any]) -> list[Any]:
        try:
            return self.db.execute(sql, args).fetchall()
        except sqlite3.Error as e:
            raise as_error(e) from e


def _release(rid: str, data: str) -> Release:
    try:
        release = Release.from_dict(json.loads(data))
    except ValueError:
        raise DamagedIndex("a release's stored JSON cannot be read") from None
    release.id = rid
    return release


def _by_count(counts: dict[str, int]) -> dict[str, int]:
    return dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))
