"""The search language users type, checked and translated into an FTS5 expression.

Users write `"arms control" AND Moscow`, `terror* NOT Syria`, `(Armenia OR Belarus) summit`.
Bare words may hold punctuation FTS5 would reject (`Al-Qaida`, `+7495`), so every term is
passed on quoted; operators and parentheses are checked here, so a malformed query gets a
plain message instead of an SQLite error.
"""

from __future__ import annotations

import re

from cstonews.errors import QueryError
from cstonews.text import fold_lookalikes

_TOKEN = re.compile(r'\s*(?:(?P<phrase>"[^"]*"?\*?)|(?P<paren>[()])|(?P<word>[^\s()"]+))')
_OPERATORS = {"AND", "OR", "NOT"}
_WORDISH = re.compile(r"\w")
_CONTROLS = re.compile(r"[\x00-\x1f\x7f]")  # FTS5 ends a string at NUL; none of them is text


def _clean(s: str) -> str:
    return fold_lookalikes(_CONTROLS.sub(" ", s))


def _quote(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


def to_fts(query: str) -> str:
    """Translate a user query into FTS5 syntax, or raise QueryError saying what is wrong."""
    q = _clean(query).strip()
    if not q:
        raise QueryError("empty search query")
    out: list[str] = []
    depth = 0
    expect_operand = True  # at the start, after an operator or an opening parenthesis
    pos = 0
    while pos < len(q):
        m = _TOKEN.match(q, pos)
        if not m or m.end() == pos:
            break
        pos = m.end()
        if m.group("paren") == "(":
            if not expect_operand:
                out.append("AND")
            out.append("(")
            depth += 1
            expect_operand = True
        elif m.group("paren") == ")":
            if depth == 0:
                raise QueryError("')' without a matching '('")
            if expect_operand:
                raise QueryError("a term is missing before ')'")
            out.append(")")
            depth -= 1
        elif m.group("word") in _OPERATORS:
            op = m.group("word")
            if expect_operand:
                where = "at the start" if not out else f"after {out[-1]!r}"
                hint = " (write `a NOT b`)" if op == "NOT" else ""
                raise QueryError(f"{op} needs a term before it, not {where}{hint}")
            out.append(op)
            expect_operand = True
        else:
            term = m.group("phrase") or m.group("word") or ""
            prefix = term.endswith("*")
            if term.startswith('"'):
                if len(term.rstrip("*")) < 2 or not term.rstrip("*").endswith('"'):
                    raise QueryError("unclosed quote in the search query")
                inner = term.rstrip("*")[1:-1]
            else:
                inner = term.rstrip("*")
            if not _WORDISH.search(inner):
                if prefix and not inner:
                    raise QueryError("'*' must follow a word, as in `terror*`")
                continue  # punctuation alone matches nothing; drop it
            if not expect_operand:
                out.append("AND")
            out.append(_quote(inner) + ("*" if prefix else ""))
            expect_operand = False
    if depth:
        raise QueryError("'(' without a matching ')'")
    if expect_operand:
        if not out:
            raise QueryError("the search query has no words to look for")
        raise QueryError(f"{out[-1]} needs a term after it")
    return " ".join(out)


def keyword_fts(words: list[str]) -> str:
    """`-k` keywords: each must occur as a whole word (or phrase), in title or body."""
    terms = [_clean(w).strip() for w in words]
    terms = [t for t in terms if _WORDISH.search(t)]
    return " AND ".join(_quote(t) for t in terms)


def all_of(*matches: str) -> str:
    """FTS5 expressions (empty ones left out) that must all match, as one."""
    return " AND ".join(f"({m})" for m in matches if m)
