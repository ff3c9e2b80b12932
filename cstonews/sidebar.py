"""Where one sidebar item ends and the next begins, on a sidebar without date lines.

One item may run over several paragraphs: a speech's opening and its next paragraph, a
meeting and then what it discussed or who took part, an event and a follow-on line. A
paragraph that continues the one before speaks in the first person after a speech's
opening, refers back to what was just announced (`The ministers ...`, `During the
meeting ...`), or lists who took part, and has no date of its own. A paragraph that
opens like a news lead (a date, a place) starts a new item whatever else it says.
"""

from __future__ import annotations

import re

from cstonews.dates import iter_dates

_SALUTATION = re.compile(
    r"^(?:Dear|Distinguished|Esteemed|Ladies and gentlemen|Friends|Colleagues|"
    r"Уважаем\w*|Дорог(?:ой|ая|ие)|Дамы и господа|Коллеги|Друзья)\b.{0,120}!$"
)
# First person: a speech, not a news item (which speaks of the Organization in the third).
_FIRST_PERSON = re.compile(
    r"(?<![\w-])(?:I|I'm|I've|me|my|we|We|us|our|Our|My|Я|я|мы|Мы|нас|наш\w*|Наш\w*|мне|Мне)(?![\w-])"
)
# How a speech opens: after a salutation block these continue it; after a speech's own
# paragraphs they open the next speech.
_SPEECH_OPENING = re.compile(r"^(?:Allow me|Let me|Permit me|Позвольте|Разрешите)(?![\w-])")
_OPENS_FIRST_PERSON = re.compile(
    r"^(?:I|I'm|I'd|I've|We|We're|We've|My|Our|Let me|Allow me|Permit me|Let us|"
    r"Я|Мы|Мне|Нам|Наш\w*|Позвольте|Разрешите)(?![\w-])"
)

# Words for those who took part and for the event itself, as a paragraph refers back to them.
_WHO = (
    r"ministers|participants|heads|parties|sides|delegations|delegates|attendees|speakers|"
    r"members|guests|interlocutors|experts|leaders|presidents|secretaries|chiefs|commanders|"
    r"representatives|servicemen|contingents|journalists|organizers"
)
_EVENT = (
    r"meeting|event|talks|visit|session|conference|forum|discussion|consultations|briefing|"
    r"seminar|round table|ceremony|exercise|exercises|training|negotiations|operation|summit"
)
_REFERS_BACK = re.compile(
    rf"^(?:(?:The|These|Those|Its|Their|All|Both)\s+(?:[a-z][\w-]*\s+){{0,2}}(?:{_WHO})\b|"
    rf"(?:The|This|That)\s+(?:{_EVENT})\b(?!\s+[A-ZА-ЯЁ\"«“])|"
    rf"(?:During|Following|After|At|In the course of|Within the framework of|In the framework of|"
    rf"As part of|On the sidelines of|On the margins of|At the end of|Upon completion of|"
    rf"On the results of|Based on the results of|Following the results of)\s+(?:the|this|that)\s+"
    rf"(?:[a-z][\w-]*\s+){{0,2}}(?:{_EVENT})\b|"
    r"(?:He|She|They|It was|It is|Also|In addition|Besides|Moreover|Furthermore|Then|Afterwards|"
    r"In his speech|In her speech|In their speeches|In his address|In her address)\b|"
    r"(?:Участники|Министры|Главы|Стороны|Делегаци[ия]|Эксперты|Представители|Журналисты)\b|"
    r"(?:В ходе|По итогам|В рамках|В завершение)\s+(?:встречи|заседания|мероприятия|совещания|"
    r"визита|переговоров|форума|конференции|брифинга|семинара|учений)\b|"
    r"На (?:заседании|встрече|мероприятии|совещании|брифинге|форуме|конференции)\b|"
    r"(?:Он|Она|Они|Также|Кроме того|Затем)\b|"
    r"В (?:заседании|мероприятии|встрече|совещании|работе \w+|брифинге) (?:приняли|принял\w*) участие)"
)
# A list of who took part: `The defence ministers of Armenia (...) ... took part.`
_TOOK_PART = re.compile(
    r"(?:took part|participated|attended|were present|took part in (?:it|the \w+(?: \w+)?)|"
    r"participated in (?:it|the \w+(?: \w+)?)|приняли участие|принял\w* участие|"
    r"приняли участие в (?:нем|нём|ней|\w+))[.!]?$"
)
# A follow-on line: short, and about what came before (`Journalists ... followed it by video link.`).
_BACK_PRONOUN = re.compile(r"(?<![\w-])(?:it|them)(?![\w-])")
_FOLLOW_ON_MAX = 160

# A news lead's own opening: a place (`In Osh, ...`, `В Минске ...`) or a date.
_OPENS_WITH_PLACE = re.compile(r"^(?:In|At)\s+[A-Z][\w-]+(?:\s+[A-Z][\w-]+)?,|^(?:В|Во)\s+[А-ЯЁ]")
_DATE_OPENING_WORDS = 3  # `On`, `From`, `Since the`: words a lead's date may follow


def opens_like_lead(t: str) -> bool:
    """Does paragraph `t` open like a news item of its own: a date or a place first?"""
    return bool(_OPENS_WITH_PLACE.match(t)) or opens_with_date(t)


def opens_with_date(t: str) -> bool:
    """Does `t` open with a day's date (`On 5 May ...`, `May 1 of this year. ...`)?"""
    first = next(iter_dates(t[:80]), None)
    return (
        first is not None and first.day is not None and len(t[: first.start].split()) <= _DATE_OPENING_WORDS
    )


def _has_own_date(t: str) -> bool:
    return any(s.day is not None for s in iter_dates(t))


def _is_speech(item: list[str]) -> bool:
    return any(_SALUTATION.match(p) or _FIRST_PERSON.search(p) for p in item)


def continues(item: list[str], t: str) -> bool:
    """Is paragraph `t` the next paragraph of the sidebar item `item` (its paragraphs so far)?"""
    if not item:
        return False
    if t[:1].islower():
        return True  # a sentence carried over a line break
    if _SALUTATION.match(item[-1]):
        return True  # `Dear colleagues!` / `On behalf of ...`: one speech
    if opens_like_lead(t) or _SALUTATION.match(t) or _SPEECH_OPENING.match(t):
        return False  # a lead, or the opening of another speech
    if _is_speech(item) and (_OPENS_FIRST_PERSON.match(t) or _FIRST_PERSON.search(t[:120])):
        return True
    if _has_own_date(t):
        return False
    if _REFERS_BACK.match(t) or _TOOK_PART.search(t):
        return True
    return len(t) <= _FOLLOW_ON_MAX and _BACK_PRONOUN.search(t) is not None
