"""Which page items are one release: pure functions over plain lists, no I/O.

A page yields *items*: its article, and the teasers of its sidebar. The same release
shows up as many items: the same article saved twice, a copy cut off early, a corrected
re-save, a teaser on every page saved that month. This module decides which items are
one release, which item speaks for it, and the release's id. `docs/design.md` states the
rules; the tests pin them with plain lists of items.

Texts are compared normalised (`words`): look-alike letters folded, case folded, quotes,
dashes and spaces ignored. Paragraphs are compared whole (by a hash of their normalised
words), never by a fixed prefix; a short or generic paragraph (a salutation, a line of a
few words) never identifies a release on its own.

For the index, which cannot compare every item with every other, each item has *keys*
(`keys`): two items can only be one release if they share a key, so the items that can
affect each other form connected *components* (`Components`), and a refresh needs to
cluster again only the components a change touched. `cluster` gives the same releases
for a component whatever the order of its items.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from typing import Any

from cstonews.text import WordFinder, fold_lookalikes, sha1_hex, slugify

try:  # the interpreter's own BLAKE2: hashlib's loads OpenSSL, which every command would pay for
    from _blake2 import blake2b
except ImportError:  # an interpreter built without it
    from hashlib import blake2b

# A paragraph of fewer words says too little to tell one release from another.
MIN_WORDS = 8
# A cut copy's text must keep this many words to be matched as the start of another.
PREFIX_WORDS = 6
TITLE_PREFIX_WORDS = 3
# Dates: a teaser announces its article within a week; the same teaser text a month or
# more from another is another release (an annual greeting).
TEASER_DAYS = 7
REPEAT_DAYS = 31

_WORD = WordFinder(r"\w+")
_SALUTATION = re.compile(
    r"^(dear|distinguished|esteemed|ladies and gentlemen|good (morning|afternoon|evening)|hello|"
    r"уважаем\w*|дорог\w*|добр\w+ (день|утро|вечер)|здравствуйте)\b"
)


def _open_end(text: str) -> bool:
    """Might a teaser's text be cut short: no final full stop, or an ellipsis?"""
    end = text.rstrip()
    return not end.endswith((".", "!", "?", "»", '"', "”", ")", "]")) or end.endswith(("…", "..."))


def words(text: str) -> str:
    """`text` normalised for comparison: its words, look-alikes and case folded."""
    # ASCII holds no look-alike, and folds its case as it lowers it.
    return _WORD.joined(text.lower() if text.isascii() else fold_lookalikes(text).casefold())


def digest(key: str) -> int:
    """A 64-bit hash of a normalised text, as SQLite stores integers."""
    return int.from_bytes(
        blake2b(key.encode("utf-8", "surrogateescape"), digest_size=8).digest(), "big", signed=True
    )


_MASK = (1 << 64) - 1


def _mix(a: int, b: int) -> int:
    """A key made of two hashes, without hashing again (64-bit multiply-xor)."""
    h = ((a & _MASK) * 0x9E3779B97F4A7C15 ^ (b & _MASK)) * 0xBF58476D1CE4E5B9 & _MASK
    return h - (1 << 64) if h >> 63 else h


@lru_cache(maxsize=2048)  # the same sidebar teasers recur on page after page
def _paragraph(text: str) -> tuple[str, int, bool]:
    """(normalised words, their hash, identifying?) of a paragraph."""
    key = words(text)
    return key, digest(key), identifying(key)


def identifying(key: str) -> bool:
    """Can a paragraph (normalised) tell one release from another on its own?"""
    return key.count(" ") + 1 >= MIN_WORDS and not (_SALUTATION.match(key) and key.count(" ") < 15)


def _head(key: str, n: int) -> str | None:
    parts = key.split(" ", n)
    return " ".join(parts[:n]) if len(parts) >= n else None


@dataclass(frozen=True)
class Item:
    """One item of one page, as identity sees it (everything normalised)."""

    ref: int  # unique among the items compared: the index's row id
    kind: str  # "article" or "teaser"
    source: str  # the page file, relative to the archive
    ord: int  # the item's place on its page
    date: str | None  # yyyy-mm-dd
    precision: str | None  # "day", "month", "year"
    title: str | None  # normalised words of the title (articles)
    paras: tuple[int, ...]  # hashes of the normalised paragraphs: the body, or a teaser's text
    marks: tuple[bool, ...]  # which of `paras` are identifying
    lead: int | None  # hash of the lead paragraph (an article's lead may follow a dateline)
    opening: str  # normalised words of the lead (a teaser: of its first paragraph)
    open_end: bool  # a teaser that may be cut short: no final full stop, or `…`
    cut: bool  # an article whose page is cut off
    size: int  # characters of text
    saved: int  # when the page file was saved (mtime, ns)
    attachments: tuple[str, ...]
    slug: str  # the readable part of an id
    stamped: bool = True  # its date is its own stamp, not read from its text
    # `keys(self)`, kept with the item as the index stores it (not compared).
    stored_keys: tuple[tuple[int, bool], ...] = field(default=(), compare=False, repr=False)

    def to_list(self, item_keys: list[tuple[int, bool]] | None = None) -> list[Any]:
        """The item as the index stores it (JSON: tuples as arrays, flags as 0 and 1), its
        keys (`keys(self)`, if not given) included."""
        return [
            self.ref, self.kind, self.source, self.ord, self.date, self.precision, self.title,
            self.paras, [int(m) for m in self.marks], self.lead, self.opening, int(self.open_end),
            int(self.cut), self.size, self.saved, self.attachments, self.slug, int(self.stamped),
            [[k, int(h)] for k, h in (keys(self) if item_keys is None else item_keys)],
        ]  # fmt: skip

    @classmethod
    def from_list(cls, v: list[Any]) -> Item:
        return cls(
            v[0], v[1], v[2], v[3], v[4], v[5], v[6], tuple(v[7]), tuple(map(bool, v[8])),
            v[9], v[10], bool(v[11]), bool(v[12]), v[13], v[14], tuple(v[15]), v[16], bool(v[17]),
            tuple((k, bool(h)) for k, h in v[18]),
        )  # fmt: skip

    @property
    def first(self) -> int | None:
        """The position of the first identifying paragraph."""
        for i, m in enumerate(self.marks):
            if m:
                return i
        return None


def item_of(
    kind: str,
    *,
    title: str | None,
    lead: str,
    body: Sequence[str],
    date: str | None = None,
    precision: str | None = None,
    date_source: str | None = "stamp",
    attachments: Sequence[str] = (),
    ref: int = 0,
    source: str = "",
    ord: int = 0,
    cut: bool = False,
    saved: int = 0,
    slug: str | None = None,
) -> Item:
    """The item a page's article or teaser makes (its fields as the parser read them).
    `slug` is the readable part of its id, if the parser made one already."""
    paras = list(body) or ([lead] if lead else [])
    read = [_paragraph(p) for p in paras]
    lead_key, lead_hash, _ = _paragraph(lead) if lead else ("", 0, False)
    title_key = words(title) if title else None
    text = paras[-1] if paras else ""
    return Item(
        ref=ref,
        kind=kind,
        source=source,
        ord=ord,
        date=date,
        precision=precision if date else None,
        title=title_key or None,
        paras=tuple(h for _, h, _ in read),
        marks=tuple(m for _, _, m in read),
        lead=lead_hash if lead_key else None,
        opening=lead_key if kind == "article" else (read[0][0] if read else ""),
        open_end=kind == "teaser" and _open_end(text),
        cut=cut and kind == "article",
        size=sum(len(p) for p in paras),
        saved=saved,
        attachments=tuple(sorted(attachments)),
        slug=slug or slugify(title or lead or ""),
        stamped=date_source == "stamp",
    )


# --- keys: which items can be one release ----------------------------------------------
#
# A key is held as a *spoke* or as a *hub*. Two items holding the same key are linked
# unless both hold it as hubs: an article offers the start of its lead as a hub for a
# teaser cut short to find, but two articles whose leads start alike are not linked by it.


# What each key is of: mixed into its hash, so that keys of different kinds never meet.
_T, _H, _F, _P, _S, _G = (
    digest(k) for k in ("title", "title start", "body", "paragraph", "start", "generic")
)


def keys(item: Item) -> list[tuple[int, bool]]:
    """(key, is_hub) for every way `item` can meet another item of its release."""
    if item.stored_keys:
        return list(item.stored_keys)
    out: list[tuple[int, bool]] = []
    first = item.first
    if item.kind == "article":
        if item.title:
            out.append((_mix(_T, digest(item.title)), False))
            head = _head(item.title, TITLE_PREFIX_WORDS)
            if head:
                # A copy cut off inside its title seeks articles whose title starts so.
                out.append((_mix(_H, digest(head)), not (item.cut and not item.paras)))
        if first is not None:
            # The same body under a corrected title: one end of the title stays.
            p = _mix(_F, item.paras[first])
            out += [(_mix(p, digest(end)), False) for end in _title_ends(item.title)]
        out += [(_mix(_P, p), True) for p, m in zip(item.paras, item.marks, strict=True) if m]
        if item.lead is not None and item.lead not in item.paras:
            out.append((_mix(_P, item.lead), True))
        start = _head(item.opening, PREFIX_WORDS)
        if start:
            out.append((_mix(_S, digest(start)), True))
    else:
        if first is None:
            out.append((_mix(_G, digest(" ".join(map(str, item.paras)))), False))
        out += [(_mix(_P, p), False) for p, m in zip(item.paras, item.marks, strict=True) if m]
        if len(item.paras) == 1:
            out.append((_mix(_T, digest(item.opening)), False))  # a headline shows a title
            head = _head(item.opening, TITLE_PREFIX_WORDS)
            if head and item.open_end:
                out.append((_mix(_H, digest(head)), False))
        start = _head(item.opening, PREFIX_WORDS)
        if start:
            out.append((_mix(_S, digest(start)), not item.open_end))
    return list(dict.fromkeys(out))


def _title_ends(title: str | None) -> list[str]:
    if not title:
        return ["?"]
    parts = title.split(" ")
    return list(dict.fromkeys(["^" + " ".join(parts[:3]), "$" + " ".join(parts[-3:])]))


def links(entries: Sequence[tuple[int, bool]]) -> list[tuple[int, int]]:
    """The pairs of items to connect among those holding one key: (item ref, is_hub)."""
    spokes = [r for r, hub in entries if not hub]
    if not spokes:
        return []
    first = spokes[0]
    return [(first, r) for r, _ in entries if r != first]


class _Roots(dict[int, int]):
    """A sparse parent map: a ref not in it is its own root."""

    def __missing__(self, key: int) -> int:
        return key


class Components:
    """Union-find over item refs: which items can affect each other's releases. With
    `size`, refs are 0 to size - 1, kept in an array (a first index has every item)."""

    def __init__(self, size: int | None = None) -> None:
        from array import array

        self.parent: Any = _Roots() if size is None else array("q", range(size))
        self.dense = size is not None

    def find(self, x: int) -> int:
        parent = self.parent
        root = x
        while (up := parent[root]) != root:
            root = up
        while (up := parent[x]) != root:
            parent[x] = root
            x = up
        return root

    def union(self, a: int, b: int) -> None:
        self.join(a, (b,))

    def join(self, first: int, others: Iterable[int]) -> None:
        """Put `others` in the component of `first`."""
        parent, find = self.parent, self.find
        ra = find(first)
        for b in others:
            rb = find(b)
            if rb < ra:
                parent[ra] = ra = rb
            elif rb > ra:
                parent[rb] = ra

    def each(self, refs: Sequence[int]) -> Iterator[list[int]]:
        """`groups(refs)` one at a time, for refs that are every ref of a dense
        Components: linked through two arrays rather than held as lists."""
        from array import array

        assert self.dense
        head = array("q", [-1]) * len(self.parent)  # a root's least ref
        after = array("q", [-1]) * len(self.parent)  # the next ref of its component
        find = self.find
        for r in reversed(refs):
            root = find(r)
            after[r] = head[root]
            head[root] = r
        for r in refs:
            if head[r] != -1:
                group = []
                x = head[r]
                while x != -1:
                    group.append(x)
                    x = after[x]
                yield group

    def groups(self, refs: Iterable[int]) -> list[list[int]]:
        """`refs` split into their components, each sorted, in order of their least ref."""
        by_root: dict[int, list[int]] = {}
        for r in refs:
            by_root.setdefault(self.find(r), []).append(r)
        return sorted((sorted(g) for g in by_root.values()), key=lambda g: g[0])


def components(items: Iterable[Item]) -> list[list[Item]]:
    """`items` split into the components `cluster` can be given one at a time."""
    items = list(items)
    by_key: dict[int, list[tuple[int, bool]]] = {}
    for it in items:
        for k, hub in keys(it):
            by_key.setdefault(k, []).append((it.ref, hub))
    comps = Components()
    for entries in by_key.values():
        for a, b in links(entries):
            comps.union(a, b)
    by_ref = {it.ref: it for it in items}
    return [[by_ref[r] for r in g] for g in comps.groups(by_ref)]


# --- the rules ---------------------------------------------------------------------------


def _day(d: str) -> int:
    return date.fromisoformat(d).toordinal()


def _dates_agree(a: Item, b: Item) -> bool:
    """Dates that say the same day (at the coarser precision), or one unknown."""
    if a.date is None or b.date is None:
        return True
    width = min(_WIDTH.get(a.precision or "day", 10), _WIDTH.get(b.precision or "day", 10))
    return a.date[:width] == b.date[:width]


_WIDTH = {"day": 10, "month": 7, "year": 4}


def _dates_close(a: Item, b: Item) -> bool:
    """Dates that agree, or differ by a corrected digit."""
    if _dates_agree(a, b):
        return True
    assert a.date is not None and b.date is not None
    return sum(x != y for x, y in zip(a.date, b.date, strict=True)) == 1


def _within(a: Item, b: Item, days: int) -> bool:
    """Are the dates of teaser `a` and item `b` at most `days` apart? A teaser's date read
    from its own text is the text's, not a stamp: it says nothing against a match."""
    if a.date is None or b.date is None or not a.stamped:
        return True
    return abs(_day(a.date) - _day(b.date)) <= days


def _edits_within(a: str, b: str, k: int) -> bool:
    """Is the edit distance of `a` and `b` at most `k`? (banded: O(len * k))"""
    if abs(len(a) - len(b)) > k:
        return False
    if a == b:
        return True
    prev = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        lo, hi = max(1, i - k), min(len(b), i + k)
        cur = [k + 1] * (len(b) + 1)
        cur[0] = i
        for j in range(lo, hi + 1):
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] != b[j - 1]))
        if min(cur[max(0, lo - 1) : hi + 1]) > k:
            return False
        prev = cur
    return prev[len(b)] <= k


def _titles_same(a: Item, b: Item) -> bool:
    """The same title; a copy cut off inside its title counts as its start."""
    if a.title is None or b.title is None:
        return False
    if a.title == b.title:
        return True
    short, long_ = (a, b) if len(a.title) < len(b.title) else (b, a)
    assert short.title is not None and long_.title is not None
    return (
        short.cut
        and not short.paras
        and short.title.count(" ") + 1 >= TITLE_PREFIX_WORDS
        and long_.title.startswith(short.title)
    )


def _titles_close(a: Item, b: Item) -> bool:
    """Titles that differ at most by a small correction (or one unknown)."""
    if a.title is None or b.title is None:
        return True
    return _edits_within(a.title, b.title, max(2, min(len(a.title), len(b.title)) // 40))


def _bodies(a: Item, b: Item) -> tuple[bool, bool]:
    """(agree, identify): do the bodies agree as far as both go, and does what they share
    identify a release? The last paragraph of a cut copy may be cut short: not compared."""
    n = min(len(a.paras), len(b.paras))
    shorter = min((a, b), key=lambda it: (len(it.paras), not it.cut))
    if shorter.cut and n:
        n -= 1
    if a.paras[:n] != b.paras[:n]:
        return False, False
    return True, any(shorter.marks[:n])


def same_article(a: Item, b: Item) -> bool:
    """Are articles `a` and `b` copies of one release?"""
    if a.attachments and b.attachments and not set(a.attachments) & set(b.attachments):
        return False
    agree, identify = _bodies(a, b)
    if not agree:
        return False
    if _titles_same(a, b) and _dates_agree(a, b):
        return True
    return identify and _titles_close(a, b) and _dates_close(a, b)


def _equivalent(a: Item, b: Item) -> bool:
    return (a.title, a.date, a.paras, a.attachments) == (b.title, b.date, b.paras, b.attachments)


def _article_order(it: Item) -> tuple[Any, ...]:
    """Best copy first: complete before cut off, then the longer, then the later save."""
    return (it.cut, -it.size, -it.saved, it.source, it.ord, it.ref)


def _teaser_order(it: Item) -> tuple[Any, ...]:
    """The whole item before its pieces; dated before undated, the earliest first."""
    return (-len(it.paras), -it.size, it.date is None, it.date or "", it.source, it.ord, it.ref)


def _choose(candidates: Iterable[int], item: Item, reps: list[Item]) -> int | None:
    """The one group among `candidates` an item joins, or None if that leaves a choice:
    the date then decides, then an identical copy."""
    found = sorted(set(candidates))
    if len(found) <= 1:
        return found[0] if found else None
    same_day = [g for g in found if item.date is not None and reps[g].date == item.date]
    if len(same_day) == 1:
        return same_day[0]
    same = [g for g in found if _equivalent(reps[g], item)]
    return same[0] if len(same) == 1 else None


def _teaser_shows(t: Item, a: Item) -> str | None:
    """How teaser `t` shows article `a`: "lead" (its lead, whole or a cut start),
    "title" (a headline: its title or the start of it), "part" (a later paragraph of
    its body), or None."""
    first = t.first
    if first is not None:
        p = t.paras[first]
        if p in (a.lead, a.paras[a.first] if a.first is not None else None):
            at = a.paras.index(p) if p in a.paras else 0
            rest_t, rest_a = t.paras[first + 1 :], a.paras[at + 1 :]
            n = len(rest_t) - (1 if t.open_end else 0)
            if rest_t[:n] == rest_a[:n] and len(rest_t) <= len(rest_a):
                return "lead"
    if len(t.paras) == 1 and a.title is not None:
        if t.opening == a.title:
            return "title"
        if t.open_end and t.opening.count(" ") + 1 >= TITLE_PREFIX_WORDS and a.title.startswith(t.opening):
            return "title"
    long_enough = t.opening.count(" ") + 1 >= PREFIX_WORDS
    if t.open_end and long_enough and len(t.paras) == 1 and a.opening.startswith(t.opening):
        return "lead"
    if first is not None and all(p in a.paras for p, m in zip(t.paras, t.marks, strict=True) if m):
        return "part"
    return None


def _teaser_repeats(t: Item, rep: Item) -> bool:
    """Is teaser `t` the same sidebar item as teaser `rep`: whole, cut short, or a
    paragraph of it read on its own?"""
    if t.paras == rep.paras:
        return True
    if t.first is None:
        return False  # a generic text repeats only whole
    n = len(t.paras)
    if n <= len(rep.paras):
        whole = n - 1 if t.open_end else n
        if t.paras[:whole] == rep.paras[:whole]:
            if whole == n or any(t.marks[:whole]):
                return True
            if n == 1 and t.opening.count(" ") + 1 >= PREFIX_WORDS and rep.opening.startswith(t.opening):
                return True
    return n == 1 and t.paras[0] in rep.paras


def cluster(items: Iterable[Item]) -> list[list[Item]]:
    """The releases `items` make: lists of items, the one that speaks for the release
    first. Any order of the same items gives the same releases, in the same order."""
    items = list(items)
    groups: list[list[Item]] = []
    reps: list[Item] = []  # groups[g][0]

    def start(it: Item) -> int:
        groups.append([it])
        reps.append(it)
        return len(groups) - 1

    # Groups by key, as spokes and as hubs: two hubs of a key do not meet (see `keys`).
    spokes: dict[int, set[int]] = {}
    hubs: dict[int, set[int]] = {}

    item_keys = {it.ref: keys(it) for it in items}

    def near(it: Item) -> set[int]:
        found: set[int] = set()
        for k, hub in item_keys[it.ref]:
            found |= spokes.get(k, set())
            if not hub:
                found |= hubs.get(k, set())
        return found

    def register(it: Item, g: int) -> None:
        for k, hub in item_keys[it.ref]:
            (hubs if hub else spokes).setdefault(k, set()).add(g)

    # Articles: each joins the group of the copy it agrees with, best copies first.
    for a in sorted((it for it in items if it.kind == "article"), key=_article_order):
        found = near(a)
        fits = [g for g in found if any(same_article(m, a) for m in groups[g])]
        g = _choose(fits, a, reps)
        if g is None:
            g = start(a)
        else:
            groups[g].append(a)
        register(a, g)
    articles = len(groups)

    # Teasers: each joins the article it shows and whose date it fits; failing that, the
    # sidebar item it repeats; failing that, it is a release of its own.
    for t in sorted((it for it in items if it.kind == "teaser"), key=_teaser_order):
        found = near(t)
        strong: list[int] = []  # articles whose lead or title it shows
        part: list[int] = []  # articles it shows a later paragraph of
        for g in sorted(x for x in found if x < articles):
            how = next(
                (h for h in (_teaser_shows(t, m) for m in groups[g] if m.kind == "article") if h), None
            )
            if how:
                (part if how == "part" else strong).append(g)
        shown = strong or part  # a later paragraph counts only where no lead or title does
        g_or_none = (
            _choose([g for g in shown if _within(t, reps[g], TEASER_DAYS)], t, reps) if shown else None
        )
        if g_or_none is None:
            repeats = [
                g for g in sorted(x for x in found if x >= articles)
                if _teaser_repeats(t, reps[g]) and _within(t, reps[g], REPEAT_DAYS)
            ]  # fmt: skip
            if strong and t.date is None:
                # It shows several articles and cannot tell which: only its own copies join it.
                repeats = [g for g in repeats if _equivalent(reps[g], t)]
            g_or_none = _choose(repeats, t, reps)
        if g_or_none is None:
            g_or_none = start(t)
        else:
            groups[g_or_none].append(t)
        register(t, g_or_none)
    return sorted(groups, key=lambda g: min(it.ref for it in g))


# --- ids -----------------------------------------------------------------------------------


def plain_id(best: Item, day: str | None) -> str:
    """The readable id of a release told by `best`, dated `day`: `date-slug`."""
    return f"{day or 'undated'}-{best.slug}"


def suffix(best: Item, day: str | None) -> str:
    """What tells apart releases whose plain ids are the same: made from the release's own
    identity (its kind, date, title and text), never from the other releases."""
    ident = f"{best.kind}|{day}|{best.title}|{best.paras}|{best.attachments}"
    return sha1_hex(ident)[:6]
