"""Member states and people named in a release's text."""

from __future__ import annotations

import re

# Every form the releases use for a member state, English and Russian, mapped to the
# canonical English short name. Adjectives count: "Armenian-Azerbaijani border" names
# Armenia; "the Russian side" names Russia.
_COUNTRY_FORMS: dict[str, tuple[str, ...]] = {
    "Armenia": ("Armenia", "Armenian", "Армени", "армянск"),
    "Belarus": ("Belarus", "Belarusian", "Byelorussia", "Беларус", "Белорус", "белорус"),
    "Kazakhstan": ("Kazakhstan", "Kazakh", "Казахстан", "казахстанск"),
    "Kyrgyzstan": ("Kyrgyzstan", "Kyrgyz", "Kirghiz", "Кыргызстан", "Киргиз", "Кыргыз", "киргизск", "кыргызск"),
    "Russia": ("Russia", "Russian Federation", "Russian", "Росси", "российск"),
    "Tajikistan": ("Tajikistan", "Tajik", "Таджикистан", "таджикск"),
}  # fmt: skip
_COUNTRY_RES = [
    (name, re.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, forms)) + r")\w*"))
    for name, forms in _COUNTRY_FORMS.items()
]


def countries(text: str) -> list[str]:
    """The member states `text` names, in order of first mention."""
    found: list[tuple[int, str]] = []
    for name, rx in _COUNTRY_RES:
        m = rx.search(text)
        if m:
            found.append((m.start(), name))
    return [name for _, name in sorted(found)]


# A person is a run of two or three capitalised words next to a role: after it ("the
# CSTO Secretary General Stanislav Zas", "Deputy Secretary General of the Organization,
# Alymbay Sultanov") or before it ("Valery Semerikov, Acting Secretary General").
_ROLE = (
    r"(?:Secretary General|Secretary|President|Minister|Ambassador|Representative|Chairman|"
    r"Chair|Head|Chief|Director|Deputy|Colonel General|General|Spokesman|spokesman|"
    r"Press Secretary|Press secretary|Counselor|Counsellor|Commander|Envoy|Adviser|Advisor|"
    r"head|chief|chairman|director|minister|ambassador|representative|secretary|spokesman)"
)
_CAP_RUN = re.compile(r"\b[A-Z][\w-]*(?: [A-Z][\w-]*)*")
_NAME_WORD = re.compile(r"[A-Z][a-z]+(?:-[A-Z][a-z]+)?")
_ROLE_BEFORE = re.compile(rf"\b{_ROLE}\b[^,.;:()\"“”]{{0,80}}?,? $")
_ROLE_AFTER = re.compile(rf"^, (?:the )?(?:[\w-]+ ){{0,5}}?{_ROLE}")
_NOT_NAMES = {
    "Republic", "Federation", "Organization", "Council", "Collective", "Security", "Treaty",
    "Secretariat", "Member", "States", "State", "Foreign", "Affairs", "Ministry", "Joint",
    "Staff", "United", "Nations", "European", "Union", "General", "Secretary", "Deputy",
    "Permanent", "Plenipotentiary", "Extraordinary", "Representative", "Minister",
    "Defense", "Defence", "The", "Of", "Islamic", "International", "Head", "Counselor",
    "Embassy", "Armed", "Forces", "Chief", "Colonel", "Committee", "President", "Acting",
    "Press", "Center", "Centre", "Institute", "Club", "Forum", "Ambassador", "Chairman",
    "Director", "Commander", "Russian", "Belarusian", "Kyrgyz", "Armenian", "Tajik",
    "Kazakh", "Armenia", "Belarus", "Kazakhstan", "Kyrgyzstan", "Russia", "Tajikistan",
    "Afghanistan", "Azerbaijan", "Ukraine", "Uzbekistan", "Moscow", "Minsk", "Conference", "Programme", "Program", "Office", "Department", "Mission",
}  # fmt: skip
_RU_PERSON = re.compile(
    r"(?:Генеральн\w+ секретар\w+|Президент\w*|Министр\w*|Председател\w+|"
    r"пресс-секретар\w+|Посол|Представител\w+) (?:ОДКБ )?(?P<name>[А-ЯЁ][а-яё]+ [А-ЯЁ][а-яё]+)"
)


def _name_runs(text: str) -> list[tuple[int, int]]:
    """Spans of two or three name-like words, cut out of longer capitalised runs."""
    runs: list[tuple[int, int]] = []
    for m in _CAP_RUN.finditer(text):
        words = [(w.start(), w.end(), w.group(0)) for w in re.finditer(r"\S+", m.group(0))]
        seg: list[tuple[int, int]] = []
        for a, b, w in [*words, (0, 0, "The")]:  # a sentinel closes the last segment
            if _NAME_WORD.fullmatch(w) and w not in _NOT_NAMES:
                seg.append((a, b))
                continue
            if 2 <= len(seg) <= 3:
                runs.append((m.start() + seg[0][0], m.start() + seg[-1][1]))
            seg = []
    return runs


def people(text: str) -> list[str]:
    """People named in `text` next to a role, as written, in order of first mention."""
    seen: dict[str, int] = {}
    for start, end in _name_runs(text):
        before = text[max(0, start - 90) : start]
        after = text[end : end + 90]
        if _ROLE_BEFORE.search(before) or _ROLE_AFTER.match(after):
            seen.setdefault(text[start:end], start)
    for m in _RU_PERSON.finditer(text):
        seen.setdefault(m.group("name"), m.start("name"))
    return sorted(seen, key=seen.__getitem__)
