"""Countries and people named in a release's text, and how one person's spellings agree.

Patterns here start with a literal letter rather than a look-behind, so that `re` can skip
ahead in C to the places where a match may begin; word starts are checked afterwards.
That made country detection twelve times faster.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from cstonews.names import name_key
from cstonews.text import alternation, has_cyrillic

# Every form the releases use for a member state, English and Russian, mapped to the
# canonical English short name. Forms are word starts: "Armenian-Azerbaijani border"
# names Armenia (and Azerbaijan); "the Russian side" names Russia.
MEMBER_STATES: dict[str, tuple[str, ...]] = {
    "Armenia": ("Armenia", "Армени", "армянск"),
    "Belarus": ("Belarus", "Byelorussia", "Беларус", "Белорус", "белорус"),
    "Kazakhstan": ("Kazakhstan", "Kazakh", "Казахстан", "казахстанск"),
    "Kyrgyzstan": ("Kyrgyz", "Kirghiz", "Кыргызстан", "Киргиз", "Кыргыз", "киргизск", "кыргызск"),
    "Russia": ("Russia", "Росси", "российск"),
    "Tajikistan": ("Tajik", "Таджикистан", "таджикск"),
}  # fmt: skip
# Other countries the releases name; the adjective is listed where it is not a prefix.
OTHER_COUNTRIES: dict[str, tuple[str, ...]] = {
    "Afghanistan": ("Afghan", "Афганистан", "афганск"),
    "Azerbaijan": ("Azerbaijan", "Azeri", "Азербайджан", "азербайджанск"),
    "Ukraine": ("Ukrain", "Украин", "украинск"),
    "Uzbekistan": ("Uzbek", "Узбекистан", "узбекск"),
    "Turkmenistan": ("Turkmen", "Туркменистан", "туркменск"),
    "Georgia": ("Georgia", "Грузи", "грузинск"),
    "Moldova": ("Moldov", "Молдов", "Молдав"),
    "China": ("China", "Chinese", "PRC", "Китай", "Китая", "КНР", "китайск"),
    "India": ("India", "Индия", "Индии", "индийск"),
    "Iran": ("Iran", "Иран", "иранск"),
    "Iraq": ("Iraq", "Ирак", "иракск"),
    "Syria": ("Syria", "Сири", "сирийск"),
    "Turkey": ("Turkey", "Turkish", "Türkiye", "Турци", "турецк"),
    "Pakistan": ("Pakistan", "Пакистан", "пакистанск"),
    "Mongolia": ("Mongolia", "Монголи", "монгольск"),
    "Serbia": ("Serbia", "Serbian", "Серби", "сербск"),
    "United States": ("United States", "USA", "США", "американск"),
    "United Kingdom": ("United Kingdom", "Great Britain", "Британи", "британск"),
    "Germany": ("Germany", "German", "Германи", "немецк"),
    "France": ("France", "French", "Франци", "французск"),
    "Poland": ("Poland", "Polish", "Польш", "польск"),
    "Lithuania": ("Lithuania", "Литв", "литовск"),
    "Latvia": ("Latvia", "Латви", "латвийск"),
    "Estonia": ("Estonia", "Эстони", "эстонск"),
    "Finland": ("Finland", "Finnish", "Финлянди", "финск"),
    "Vietnam": ("Vietnam", "Вьетнам", "вьетнамск"),
    "Cuba": ("Cuba", "Куба", "Кубы", "кубинск"),
    "Serbia and Montenegro": ("Serbia and Montenegro",),
    "Egypt": ("Egypt", "Египет", "Египта", "египетск"),
    "Israel": ("Israel", "Израил", "израильск"),
    "Japan": ("Japan", "Япони", "японск"),
}  # fmt: skip

_FORMS = {f: n for table in (MEMBER_STATES, OTHER_COUNTRIES) for n, fs in table.items() for f in fs}
MEMBERS = frozenset(MEMBER_STATES)


def _forms_pattern(forms: list[str]) -> re.Pattern[str]:
    """Any of `forms` at a word start. Each first letter is matched before the look-behind
    that checks the letter before it, so `re` still skips in C to where a form may begin.
    (A form is found where a scan for every form, word start or not, found it: no later
    word of a form of several words starts a form.)"""
    by_first: dict[str, list[str]] = {}
    for f in forms:
        by_first.setdefault(f[0], []).append(f[1:])
    return re.compile(
        "|".join(rf"{re.escape(c)}(?<!\w{re.escape(c)}){alternation(rest)}" for c, rest in by_first.items())
    )


_COUNTRY_RE = _forms_pattern(list(_FORMS))
_LATIN_COUNTRY_RE = _forms_pattern([f for f in _FORMS if not has_cyrillic(f)])


def all_countries(text: str, cyrillic: bool = True) -> list[str]:
    """Every country `text` names (member states and others), in order of first mention.
    `cyrillic=False` says that `text` holds no Cyrillic letter: its forms are not sought."""
    found = (_COUNTRY_RE if cyrillic else _LATIN_COUNTRY_RE).findall(text)
    return list(dict.fromkeys(map(_FORMS.__getitem__, found)))


def countries(text: str) -> list[str]:
    """The member states `text` names, in order of first mention."""
    return [c for c in all_countries(text) if c in MEMBERS]


def country_name(text: str) -> str | None:
    """The canonical name of a country the user typed in any form ("Armenian", "Армения")."""
    typed = text.strip()
    # The forms are matched as pages write them (`Armenian`, `армянский`); a user may type
    # any case (`armenian`, `АРМЕНИЯ`, `usa`), so the name is also tried capitalised, in lower
    # case and in capitals.
    for form in (typed, typed.capitalize(), typed.lower(), typed.upper()):
        names = all_countries(form)
        if names:
            return names[0]
    folded = typed.casefold()
    return next((n for n in _all_names() if n.casefold() == folded), None)


def _all_names() -> list[str]:
    return [*MEMBER_STATES, *OTHER_COUNTRIES]


# --- people -----------------------------------------------------------------------------

# A run of name-like tokens: Capitalised words, ALL-CAPS surnames, initials (`S.`).
# The capital is matched once for all three kinds, and the letters after it possessively
# (`++`): giving a letter back can never make a run match, and trying was most of a scan.
_TOKEN = r"(?:[A-Z](?:[a-z]++(?:-[A-Z][a-z]++)?|[A-Z]++(?:-[A-Z]{2,}+)?|\.))"
_RUN = re.compile(rf"{_TOKEN}(?:(?: |(?<=\.)){_TOKEN})+(?![\w-])")  # two tokens or more
_TITLE_WORD = re.compile(r"[A-Z][a-z]+(?:-[A-Z][a-z]+)?")
_CAPS_WORD = re.compile(r"[A-Z]{3,}(?:-[A-Z]{2,})?")
_INITIAL = re.compile(r"[A-Z]\.")
_TOKENS = re.compile(rf"{_TOKEN}")

# A role next to the name: before it ("the CSTO Secretary General Stanislav Zas", "Deputy
# Secretary General of the Organization, Alymbay Sultanov") or after it ("Valery
# Semerikov, Acting Secretary General of the CSTO").
_ROLE = (
    r"(?:Secretary General|Secretary|President|Minister|Ambassador|Representative|Chairman|"
    r"Chair|Head|Chief|Director|Deputy|Colonel General|General|Spokesman|spokesman|"
    r"Press Secretary|Press secretary|Counselor|Counsellor|Commander|Envoy|Adviser|Advisor|"
    r"head|chief|chairman|director|minister|ambassador|representative|secretary)"
)
_ROLE_BEFORE = re.compile(
    rf"(?:(?:CSTO|UN|OSCE|CIS|SCO) )?(?:[A-Z][\w-]* )*\b{_ROLE}\b[^,.;:()\"“”]{{0,80}}?,? $"
)
_ROLE_AFTER = re.compile(  # matched at a name's end (`match(text, end, ...)`)
    # Greedy: the role runs to its last role word ("Deputy Foreign Minister", not "Deputy").
    rf", (?:the )?((?:[\w-]+ ){{0,5}}{_ROLE}(?: of (?:the )?[A-Z][\w-]*(?: (?:of (?:the )?)?[A-Z][\w-]*){{0,4}})?)"
)
_NOT_NAMES = {
    "Republic", "Federation", "Organization", "Council", "Collective", "Security", "Treaty",
    "Secretariat", "Member", "States", "State", "Foreign", "Affairs", "Ministry", "Joint",
    "Staff", "United", "Nations", "European", "Union", "General", "Secretary", "Deputy",
    "Permanent", "Plenipotentiary", "Extraordinary", "Representative", "Minister",
    "Defense", "Defence", "The", "Of", "Islamic", "International", "Head", "Counselor",
    "Embassy", "Armed", "Forces", "Chief", "Colonel", "Committee", "President", "Acting",
    "Press", "Center", "Centre", "Institute", "Club", "Forum", "Ambassador", "Chairman",
    "Director", "Commander", "Russian", "Belarusian", "Kyrgyz", "Armenian", "Tajik",
    "Kazakh", "Conference", "Programme", "Program", "Office", "Department", "Mission",
    "Moscow", "Minsk", "Dushanbe", "Bishkek", "Yerevan", "Astana", "Almaty", "Vienna",
    "Mr", "Mrs", "Ms", "Dr", "Dear", "On", "In", "At", "Photo",
    # Acronyms in capitals are not surnames.
    "CSTO", "ODKB", "OSCE", "NATO", "CIS", "SCO", "EAEU", "CRRF", "USA", "UN", "EU", "PRC",
    "CCC", "MFA", "RF", "TV", "TASS", "RIA", "II", "III", "IV", "XX", "XXI", "XVI",
}  # fmt: skip
_NOT_NAMES |= {name for table in (MEMBER_STATES, OTHER_COUNTRIES) for name in table}
_NOT_NAMES |= {w.upper() for w in _NOT_NAMES if len(w) > 3}
# Russian roles are written in lower case inside a sentence (`генеральный секретарь ОДКБ
# Станислав Зась`), and come before the name or after it (`Станислав Зась, генеральный
# секретарь`); a name may be an initial and a surname (`С. Зась`, `С.Зась`).
_RU_ROLE = (
    r"(?:[Гг]енеральн\w+ секретар\w+|[Гг]енсек\w*|[Пп]резидент\w*|[Мм]инистр\w*|[Пп]редседател\w+|"
    r"[Пп]ресс-секретар\w+|[Пп]ос(?:ол|л\w+)|[Пп]редставител\w+|[Зз]аместител\w+|[Сс]екретар\w+|"
    r"[Гг]лав\w+|[Рр]уководител\w+|[Нн]ачальник\w*|[Кк]омандующ\w+|[Дд]иректор\w*)"
)
_RU_NAME = r"[А-ЯЁ](?:[а-яё]+ |\. ?)[А-ЯЁ][а-яё]+(?:-[А-ЯЁ][а-яё]+)?"
_RU_PERSON = re.compile(
    rf"{_RU_ROLE}(?: [А-ЯЁ]{{2,}}| [а-яё]+){{0,3}} (?P<name>{_RU_NAME})(?![\w-])"
    rf"|(?<![\w-])(?P<name_first>{_RU_NAME}), (?:[а-яё-]+ ){{0,2}}{_RU_ROLE}"
)


@dataclass(frozen=True)
class Person:
    name: str  # as written, the fullest form the text gives
    role: str | None = None

    def to_dict(self) -> dict[str, str | None]:
        return {"name": self.name, "role": self.role}


def person_keys(name: str) -> tuple[str, str | None]:
    """(surname, first initial) of a name, the same in either script (names.name_key):
    "Stanislav ZAS", "S. Zas" and "Станислав Зась" agree."""
    words = name.replace(".", ". ").split()
    surname = (name_key(words[-1]) or words[-1].casefold()) if words else ""
    initial = (name_key(words[0]) or words[0].casefold())[:1] if len(words) > 1 else None
    return surname, initial


@lru_cache(maxsize=16384)  # the same few people are named in release after release
def person_key(name: str) -> str:
    """What spellings of one person share, as the index keeps it: `zas|s` for "Stanislav
    ZAS" and "S. Zas"; `zas|` for a surname alone."""
    surname, initial = person_keys(name)
    return f"{surname}|{initial or ''}"


def merge_people(persons: dict[str, dict[str, int]]) -> dict[str, int]:
    """Releases per person, from {person key: {spelling: releases}}: spellings with one
    key are one person, shown by the fullest; a surname written alone joins the one
    person with that surname, if there is only one."""
    by_surname: dict[str, list[str]] = {}
    for key in persons:
        surname, initial = key.split("|")
        if initial:
            by_surname.setdefault(surname, []).append(key)
    merged: dict[str, dict[str, int]] = {}
    for key, spellings in persons.items():
        surname, initial = key.split("|")
        if not initial and len(by_surname.get(surname, [])) == 1:
            key = by_surname[surname][0]
        into = merged.setdefault(key, {})
        for name, n in spellings.items():
            into[name] = into.get(name, 0) + n
    out: dict[str, int] = {}
    for spellings in merged.values():
        # The fullest spelling: a written first name, not all capitals, then the most used.
        name = max(
            spellings, key=lambda s: (not s.split()[0].endswith("."), not s.isupper(), spellings[s], s)
        )
        out[name] = out.get(name, 0) + sum(spellings.values())
    return out


def _is_caps(t: str) -> bool:
    return len(t) > 1 and t.isupper() and not t.endswith(".")


def _segments(tokens: list[str]) -> list[list[int]]:
    """Sub-runs of a token run that may be one person's name, as lists of token indexes.

    Known non-names break a run; a word in capitals ends one (a surname, `Stanislav ZAS`)
    or, at its start, is dropped (an acronym, `CSTO Stanislav Zas`).
    """
    out: list[list[int]] = []
    seg: list[int] = []
    for i, t in enumerate(tokens):
        if t in _NOT_NAMES:
            out.append(seg)
            seg = []
        elif _is_caps(t):
            if seg:
                out.append([*seg, i])
                seg = []
        else:
            seg.append(i)
    out.append(seg)
    return [s for s in out if s]


def _is_name(words: list[str]) -> bool:
    """A name's shape: First Last, First Middle Last, F. Last, F. M. Last, First LAST."""
    if not 2 <= len(words) <= 3:
        return False
    *given, last = words
    if all(_INITIAL.fullmatch(g) for g in given):
        return bool(_TITLE_WORD.fullmatch(last) or _CAPS_WORD.fullmatch(last))
    if _CAPS_WORD.fullmatch(last):
        return len(given) == 1 and bool(_TITLE_WORD.fullmatch(given[0]))
    return bool(_TITLE_WORD.fullmatch(last)) and all(_TITLE_WORD.fullmatch(g) for g in given)


_ROLE_WORDS = re.findall(r"[^|()?:]+", _ROLE)


def _candidates(text: str) -> list[tuple[int, int]]:
    """Where names may be: the names in runs of name-like tokens that start words.

    The whole text is scanned once. Names were once sought only near role words, but
    finding those took three more scans of the text, and cost more than checking the
    extra names does: the role patterns settle most of them at once.
    """
    spans: list[tuple[int, int]] = []
    for m in _RUN.finditer(text):
        names = _names_in_run(m.group(0))
        if not names:
            continue  # most runs (cached): settled before the check below
        start = m.start()
        if start and (text[start - 1] in "-._" or text[start - 1].isalnum()):
            continue  # not at a word start
        for i, j in names:
            spans.append((start + i, start + j))
    return spans


@lru_cache(maxsize=16384)
def _names_in_run(run: str) -> tuple[tuple[int, int], ...]:
    """Where the names are in one run of name-like tokens, as offsets into it. Runs repeat
    from page to page (`Collective Security Treaty Organization`, the same officials), so
    each is worked out once per process."""
    if _NOT_NAMES.issuperset(run.split()):
        return ()  # `Collective Security Treaty Organization`: half the runs, settled cheaply
    toks = [(t.start(), t.end(), t.group(0)) for t in _TOKENS.finditer(run)]
    spans: list[tuple[int, int]] = []
    for seg in _segments([t for _, _, t in toks]):
        words = [toks[i][2] for i in seg]
        named = _is_name(words)
        if not named and _is_caps(words[-1]):
            seg, words = seg[:-1], words[:-1]  # `Stanislav Zas ODIHR`: the name without the acronym
            named = _is_name(words)
        if named:
            spans.append((toks[seg[0]][0], toks[seg[-1]][1]))
    return tuple(spans)


_ANY_ROLE_WORD = re.compile(alternation(_ROLE_WORDS))
_MARK = re.compile(r'[,.;:()"“”]')  # none of _ROLE_BEFORE's parts crosses one


def _role_before(text: str, start: int, reversed_text: str) -> str | None:
    """What `_ROLE_BEFORE.search(text[max(0, start - 90) : start])` matches, sought only
    where it can match: after the last punctuation mark (but a comma just before the
    name), which none of its parts crosses. The pattern ends in a space (`$` also allows a
    final newline): most calls end at that check. The last mark is the first one in
    `reversed_text` (`text[::-1]`, made once per text), found there without a copy."""
    lo = max(0, start - 90)
    body_end = start - 1 if start > lo and text[start - 1] == "\n" else start  # `$` allows one final newline
    if body_end <= lo or text[body_end - 1] != " ":
        return None
    end = body_end - 2 if body_end - 2 >= lo and text[body_end - 2] == "," else start
    n = len(text)
    mark = _MARK.search(reversed_text, n - end, n - lo)  # `text[lo:end]`, read backwards
    return _role_ending(text[n - mark.start() if mark else lo : start])


@lru_cache(maxsize=16384)
def _role_ending(tail: str) -> str | None:
    """The role `tail` ends with, if any. What comes between a mark and a name repeats
    from text to text (`the CSTO Secretary General `): each is worked out once."""
    if not _ANY_ROLE_WORD.search(tail):
        return None  # most tails: one scan in C
    m = _ROLE_BEFORE.search(tail)
    return m.group(0) if m else None


def find_people(text: str, cyrillic: bool = True) -> list[Person]:
    """People named in `text` next to a role, one per person, in order of first mention.

    Spellings of one person agree on surname and first initial ("Stanislav ZAS", "S. Zas");
    the fullest spelling is kept, and the first role the text gives. `cyrillic=False` says
    that `text` holds no Cyrillic letter: Russian roles and names are not sought.
    """
    found: list[tuple[int, str, str | None]] = []
    candidates = _candidates(text)
    reversed_text = text[::-1] if candidates else ""
    for start, end in candidates:
        role: str | None = None
        rb = _role_before(text, start, reversed_text)
        if rb is not None:
            role = rb.strip(" ,")
        else:
            ma = _ROLE_AFTER.match(text, end, end + 120)
            if ma:
                role = ma.group(1)
        if role is not None:
            found.append((start, text[start:end], _clean_role(role)))
    for m in _RU_PERSON.finditer(text) if cyrillic else ():
        if m.group("name"):
            found.append(
                (m.start("name"), m.group("name"), m.group(0)[: m.start("name") - m.start()].strip())
            )
        else:
            role = m.group(0)[m.end("name_first") - m.start() :].strip(" ,")
            found.append((m.start("name_first"), m.group("name_first"), role))
    found.sort()
    people: dict[tuple[str, str | None], Person] = {}
    for _, name, role in found:
        key = person_keys(name)
        same = people.get(key)
        if same is None:
            people[key] = Person(name, role)
        elif _fuller(name, same.name):
            people[key] = Person(name, same.role or role)
    return list(people.values())


def _clean_role(role: str) -> str:
    if role.startswith(("the ", "The ")):
        role = role[4:]
    return role[:80]


def _fuller(a: str, b: str) -> bool:
    """Is spelling `a` fuller than `b`: a written first name beats an initial, Title beats CAPS."""

    def score(n: str) -> tuple[int, int]:
        words = n.split()
        return (int(not _INITIAL.fullmatch(words[0])), int(not words[-1].isupper()))

    return score(a) > score(b)


def people(text: str) -> list[str]:
    """People named in `text` next to a role, as written, in order of first mention."""
    return [p.name for p in find_people(text)]
