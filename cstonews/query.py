"""The search language users type, checked and translated into FTS5 expressions.

Users write `"arms control" AND Moscow`, `terror* NOT Syria`, `(Armenia OR Belarus) summit`.
A word finds its forms (`meetings` finds `meeting`; `Москва` finds `в Москве`), a quoted
phrase its words' forms in order, `=word` (or `="a phrase"`) the form as typed only, and
`word*` every word that starts so. Bare words may hold punctuation FTS5 would reject
(`Al-Qaida`, `+7495`), so every term is passed on quoted; operators and parentheses are
checked here, so a malformed query gets a plain one-line message instead of an SQLite error.

A term's forms are looked for in the stem columns of the index, its form as typed in the
columns of the words as written (see wordforms.py).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from cstonews.errors import QueryError
from cstonews.text import fold_lookalikes
from cstonews.wordforms import EXACT_COLUMNS, STEM_COLUMNS, WORD, plain, stem, words

_TOKEN = re.compile(r'\s*(?:(?P<phrase>=?"[^"]*"?\*?)|(?P<paren>[()])|(?P<word>[^\s()"]+))')
_OPERATORS = {"AND", "OR", "NOT"}
_WORDISH = re.compile(r"\w")
_CONTROLS = re.compile(r"[\x00-\x1f\x7f]")  # FTS5 ends a string at NUL; none of them is text


@dataclass(frozen=True)
class Term:
    """One word or phrase of a query."""

    text: str  # as typed, look-alike letters folded
    exact: bool = False  # `=word`: this form only
    prefix: bool = False  # `word*`: any word starting so (the form as typed)
    negated: bool = False  # under a NOT: it narrows the matches, it is not what they hold

    @property
    def words(self) -> list[str]:
        return words(self.text)

    def as_typed(self) -> str:
        return f"{EXACT_COLUMNS} : {_quote(self.text)}" + ("*" if self.prefix else "")

    def forms(self) -> str:
        if self.exact or self.prefix:
            return self.as_typed()
        return f"{STEM_COLUMNS} : {_quote(' '.join(stem(w) for w in self.words))}"


def _clean(s: str) -> str:
    return fold_lookalikes(_CONTROLS.sub(" ", s))


def _quote(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


def parse(query: str) -> list[str | Term]:
    """The query's operators, parentheses and terms (with AND made explicit), or a
    QueryError saying in one line what is wrong."""
    q = _clean(query).strip()
    if not q:
        raise QueryError("empty search query")
    out: list[str | Term] = []
    depth = 0
    expect_operand = True  # at the start, after an operator or an opening parenthesis
    negated_depths: list[int] = []  # depths of the groups a NOT applies to
    negate_next = False
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
            if negate_next:
                negated_depths.append(depth)
                negate_next = False
            expect_operand = True
        elif m.group("paren") == ")":
            if depth == 0:
                raise QueryError("')' without a matching '('")
            if expect_operand:
                raise QueryError("a term is missing before ')'")
            out.append(")")
            if negated_depths and negated_depths[-1] == depth:
                negated_depths.pop()
            depth -= 1
        elif m.group("word") in _OPERATORS:
            op = m.group("word")
            if expect_operand:
                last = out[-1] if out else None
                where = "at the start" if last is None else f"after {_shown(last)!r}"
                hint = " (write `a NOT b`)" if op == "NOT" else ""
                raise QueryError(f"{op} needs a term before it, not {where}{hint}")
            out.append(op)
            negate_next = op == "NOT"
            expect_operand = True
        else:
            term = m.group("phrase") or m.group("word") or ""
            exact = term.startswith("=")
            if exact:
                term = term[1:]
            prefix = term.endswith("*")
            if term.startswith('"'):
                if len(term.rstrip("*")) < 2 or not term.rstrip("*").endswith('"'):
                    raise QueryError("unclosed quote in the search query")
                inner = term.rstrip("*")[1:-1]
            else:
                inner = term.rstrip("*")
            if not _WORDISH.search(inner) or not WORD.search(inner):
                if prefix and not inner:
                    raise QueryError("'*' must follow a word, as in `terror*`")
                continue  # punctuation alone matches nothing; drop it
            if not expect_operand:
                out.append("AND")
            out.append(Term(inner, exact, prefix, negate_next or bool(negated_depths)))
            negate_next = False
            expect_operand = False
    if depth:
        raise QueryError("'(' without a matching ')'")
    if expect_operand:
        if not out:
            raise QueryError("the search query has no words to look for")
        raise QueryError(f"{_shown(out[-1])} needs a term after it")
    return out


def _shown(part: str | Term) -> str:
    return part if isinstance(part, str) else part.text


def _render(parts: list[str | Term], term: Callable[[Term], str]) -> str:
    return " ".join(p if isinstance(p, str) else term(p) for p in parts)


def to_fts(query: str) -> str:
    """The FTS5 expression of every release the query matches (its words in any form), or
    a QueryError saying what is wrong."""
    return _render(parse(query), Term.forms)


def ranked_fts(query: str, keywords: list[str] | None = None) -> list[str]:
    """The matches of `query` (and of the `-k` keywords), in the tiers a search ranks them
    in: first the releases that hold the words as typed, then those that hold only other
    forms of them. One tier where the two are the same (every term exact or a prefix)."""
    parts = parse(query)
    kw = keyword_fts(keywords or [])
    typed, forms = _render(parts, Term.as_typed), _render(parts, Term.forms)
    if typed == forms:
        return [all_of(forms, kw)]
    return [all_of(typed, kw), all_of(f"({forms}) NOT ({typed})", kw)]


def keyword_fts(words: list[str]) -> str:
    """`-k` keywords: each must occur as written, as a whole word (or phrase), in title or body."""
    terms = [_clean(w).strip() for w in words]
    terms = [t for t in terms if _WORDISH.search(t) and WORD.search(t)]
    return " AND ".join(f"{EXACT_COLUMNS} : {_quote(t)}" for t in terms)


def all_of(*matches: str) -> str:
    """FTS5 expressions (empty ones left out) that must all match, as one."""
    return " AND ".join(f"({m})" for m in matches if m)


# --- highlights ------------------------------------------------------------------------


def _matches(term: Term, found: list[tuple[int, int, str]], i: int) -> int:
    """How many words of `found` from the i-th on `term` matches there (0: none)."""
    want = term.words
    if i + len(want) > len(found):
        return 0
    for k, w in enumerate(want):
        got = found[i + k][2]
        last = k == len(want) - 1
        if term.prefix and last:
            if not plain(got).startswith(plain(w)):
                return 0
        elif term.exact or term.prefix:
            if plain(got) != plain(w):
                return 0
        elif stem(got) != stem(w):
            return 0
    return len(want)


def _spans(query: str, text: str) -> Iterator[tuple[int, int]]:
    """Where in `text` the words the query looks for are (in any form the query allows)."""
    terms = [p for p in parse(query) if isinstance(p, Term) and not p.negated and p.words]
    folded = fold_lookalikes(text)  # letter for letter: offsets stay those of `text`
    found = [(m.start(), m.end(), m.group(0).lower()) for m in WORD.finditer(folded)]
    # A match can start only at a word that the first word of some term matches: the
    # others are passed over by a look-up, not by trying every term there.
    stems = {stem(t.words[0]) for t in terms if not (t.exact or t.prefix)}
    plains = {plain(t.words[0]) for t in terms if t.exact or (t.prefix and len(t.words) > 1)}
    starts = tuple(plain(t.words[0]) for t in terms if t.prefix and len(t.words) == 1)
    i = 0
    while i < len(found):
        got = found[i][2]
        if not (stem(got) in stems or ((plains or starts) and _first_word(plain(got), plains, starts))):
            i += 1
            continue
        n = max((_matches(t, found, i) for t in terms), default=0)
        if n:
            yield found[i][0], found[i + n - 1][1]
            i += n
        else:
            i += 1


def _first_word(word: str, plains: set[str], starts: tuple[str, ...]) -> bool:
    return word in plains or word.startswith(starts)


def highlight(query: str, text: str) -> str:
    """`text` with the words the query matched between \\x02 and \\x03 (as in snippets)."""
    return _marked(text, list(_spans(query, text)), 0, len(text))


def snippet(query: str, text: str, size: int = 16) -> str:
    """About `size` words of `text` around the most matched words, these between \\x02
    and \\x03, with ` … ` where text is left out (as FTS5's snippet())."""
    spans = list(_spans(query, text))
    found = [(m.start(), m.end()) for m in WORD.finditer(text)]
    if not found:
        return text.strip()
    # The window of `size` words that holds the most matches (the earliest of the best).
    starts = [s for s, _ in found]
    best, best_n = 0, -1
    for first, _ in spans or [(found[0][0], 0)]:
        i = _index(starts, first)
        lo = max(0, min(i - 2, len(found) - size))  # a little context before the match
        hi = min(len(found), lo + size) - 1
        n = sum(1 for s, _ in spans if found[lo][0] <= s < found[hi][1])
        if n > best_n:
            best, best_n = lo, n
    hi = min(len(found), best + size) - 1
    a, b = found[best][0] if best else 0, found[hi][1] if hi < len(found) - 1 else len(text)
    window = _marked(text, [(s, e) for s, e in spans if a <= s and e <= b], a, b)
    return ("… " if a else "") + window.strip() + (" …" if b < len(text) else "")


def _marked(text: str, spans: list[tuple[int, int]], a: int, b: int) -> str:
    out: list[str] = []
    at = a
    for s, e in spans:
        out += [text[at:s], "\x02", text[s:e], "\x03"]
        at = e
    out.append(text[at:b])
    return "".join(out)


def _index(starts: list[int], pos: int) -> int:
    import bisect

    return max(0, bisect.bisect_right(starts, pos) - 1)
