"""Archives of distinct page files for the benchmark, recombined from the bundled samples.

Every article is a pure function of (seed, number): its date, title words, lead and
paragraphs are drawn from the samples' own text with a `random.Random` seeded by both,
so any page can be written again, alone, and comes out the same. A page's sidebar
carries the leads of the next four articles, dated or not, as on the real site, so
teasers merge into the articles they announce instead of piling up as one release; one
lead in twenty opens with the same long preamble.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
RARE_PHRASE = "lake sevan water protocol"  # planted in one article in a thousand
COMMON_WORD = "security"
RARE_EVERY = 1000
# One lead in twenty opens with the same long preamble: distinct articles whose leads
# share their first 300 characters must stay distinct releases.
PREAMBLE_EVERY = 20
PREAMBLE = (
    "In accordance with the Plan of the main activities of the Collective Security Treaty Organization "
    "approved by the Council of Foreign Ministers, and following the decisions of the Collective Security "
    "Council on strengthening cooperation in the field of security, the CSTO Secretariat reports that"
)
_MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
_FIRST_DAY = date(2005, 1, 1)
_DAYS = (date(2026, 10, 31) - _FIRST_DAY).days


@dataclass(frozen=True)
class Pools:
    titles: tuple[str, ...]
    openings: tuple[tuple[str, ...], ...]  # the paragraphs of each title's own article
    paragraphs: tuple[str, ...]
    words: tuple[str, ...]  # capitalised words for titles, in a seeded order


@lru_cache(maxsize=1)
def pools() -> Pools:
    """Titles, paragraphs and words of the samples, read with cstonews's own parser."""
    from cstonews.parse import read_page

    titles: list[str] = []
    openings: list[tuple[str, ...]] = []
    paragraphs: list[str] = []
    for f in sorted(SAMPLES.glob("*.txt")):
        page = read_page(f.read_bytes(), f.name)
        if page.article and page.article.title:
            own = tuple(p for p in page.article.body if len(p) > 60)
            titles.append(page.article.title)
            openings.append(own)
            paragraphs.extend(own)
        for t in page.teasers:
            paragraphs.extend(p for p in t.body if len(p) > 60)
    words = sorted({w.capitalize() for p in paragraphs for w in re.findall(r"[A-Za-z]{5,}", p)})
    random.Random(0).shuffle(words)
    return Pools(tuple(titles), tuple(openings), tuple(dict.fromkeys(paragraphs)), tuple(words))


@dataclass(frozen=True)
class Article:
    number: int
    day: date
    title: str
    lead: str
    paragraphs: tuple[str, ...]
    stamped: bool


def _vary(rng: random.Random, text: str, words: tuple[str, ...], n: int) -> str:
    """`text` with `n` of its longer words swapped for others from the samples."""
    parts = text.split(" ")
    spots = [i for i, w in enumerate(parts) if len(w) >= 5 and w.isalpha() and w.islower()]
    for i in rng.sample(spots, min(n, len(spots))):
        parts[i] = rng.choice(words).lower()
    return " ".join(parts)


def article(seed: int, number: int, edit: int = 0) -> Article:
    """Article `number` of the archive `seed`; `edit` > 0 gives a changed version of it."""
    p = pools()
    rng = random.Random(seed * 1_000_003 + number)
    day = _FIRST_DAY + timedelta(days=rng.randrange(_DAYS))
    w = p.words
    # Three title words spell out the number in base len(words): ids never collide.
    n, k = number, len(w)
    head = [w[n % k], w[(n // k + 1) % k], w[(n // k // k + 2) % k]]
    # A title and the lead under it come from one sample article: a lead shares words with
    # its title, as on the site, and the parser tells the title by them.
    which = rng.randrange(len(p.titles))
    title = " ".join(head) + ": " + _vary(rng, p.titles[which], w, 2)
    stamped = rng.random() < 0.6
    opening = rng.choice(p.openings[which])
    opening = opening[0].lower() + opening[1:]
    if stamped and rng.random() < 0.5:
        lead = f"{_MONTHS[day.month - 1]} {day.day} of this year. " + _vary(rng, opening, w, 3)
    else:
        lead = f"On {_MONTHS[day.month - 1]} {day.day}, {day.year}, " + _vary(rng, opening, w, 3)
    if number % PREAMBLE_EVERY == 3:
        # `... reports that on May 1, 2019, ...`: a month's name keeps its capital.
        lead = f"{PREAMBLE} {'on' + lead[2:] if lead.startswith('On ') else lead}"
    body = [_vary(rng, rng.choice(p.paragraphs), w, 4) for _ in range(rng.randint(2, 5))]
    if number % RARE_EVERY == 7:
        body[-1] += f" The parties signed the {RARE_PHRASE.title()}."
    if edit:
        erng = random.Random(number * 7 + edit)
        body[0] = _vary(erng, body[0], w, 6) + f" Updated {edit} time(s)."
    return Article(number, day, title, lead, tuple(body), stamped)


def page_text(seed: int, number: int, total: int, edit: int = 0) -> str:
    """The saved page of article `number`, with a sidebar of the next few articles."""
    a = article(seed, number, edit)
    rng = random.Random(seed * 7_000_001 + number)
    layout = rng.choices(("none", "old", "new"), (2, 4, 4))[0]
    gap = "\n" if layout == "new" else "\n\n"
    out: list[str] = []
    if layout != "none":
        dated = rng.random() < 0.5
        for j in range(1, 5):  # four other articles' leads, as a sidebar shows them
            other = article(seed, (number + j) % total)
            if dated:
                out.append(other.day.strftime("%d.%m.%Y"))
            out.append(other.lead)
    stamp = a.day.strftime("%d.%m.%Y")
    if not a.stamped:
        out.append(a.title)
    elif rng.random() < 0.7:
        out += [a.title, f"{a.title} {stamp}"]
    else:
        out += [a.title, f"{stamp} ZVF_{rng.randrange(1000, 9999)}.JPG"]
    out.append(a.lead)
    out += a.paragraphs
    if rng.random() < 0.5:
        out.append(f"ZVF_{rng.randrange(1000, 9999)}.JPG")
    out += ["Back to the section", "Back to the all news"]
    return gap.join(out) + "\n"


def page_path(seed: int, number: int) -> str:
    """Where page `number` lives: one folder per year, as a user might keep them."""
    a = article(seed, number)
    return f"{a.day.year}/{a.day.isoformat()}-{number:06d}.txt"


def write_archive(root: Path, total: int, seed: int = 1) -> list[Path]:
    """Write `total` pages under `root`; returns their paths in number order."""
    paths = []
    for n in range(total):
        path = root / page_path(seed, n)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(page_text(seed, n, total), encoding="utf-8")
        paths.append(path)
    return paths


def edit_pages(root: Path, total: int, share: float, seed: int = 1, edit: int = 1) -> int:
    """Rewrite a seeded `share` of the pages in place (as a re-saved page would be)."""
    rng = random.Random(seed + 31 * edit)
    chosen = rng.sample(range(total), max(1, int(total * share)))
    for n in chosen:
        (root / page_path(seed, n)).write_text(page_text(seed, n, total, edit), encoding="utf-8")
    return len(chosen)
