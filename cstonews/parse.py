"""Reading one saved CSTO page: pure functions from text (or bytes) to a PageReading.

A page reads top to bottom as: sidebar teasers, the article's title (with or without a
`dd.mm.yyyy` stamp in one of several placements), its body, maybe a press-office block,
then the site's navigation lines. docs/format.md describes the variants this module handles.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from itertools import chain
from typing import Any, NamedTuple

from cstonews import entities
from cstonews.dates import Span, find_dates, iter_dates, parse_stamp
from cstonews.problems import PageWarning, Problem
from cstonews.release import PageReading, Release
from cstonews.sidebar import continues, opens_with_date
from cstonews.text import (
    alternation,
    content_words,
    has_cyrillic,
    is_mostly_cyrillic,
    shared_stems,
    slugify,
    squash,
    squash_lines,
)

# --- line shapes --------------------------------------------------------------------------

_NAV = re.compile(
    r"(?i)^(?:go back|back|back to (?:the )?(?:section|list)|back to (?:the )?all news|"
    r"back to (?:the )?news|назад|вернуться(?: назад)?|вернуться (?:в|к|ко) [\w ]{3,30}|"
    r"назад (?:в|к|ко) [\w ]{3,30}|все новости|к списку новостей)$"
)
_NAV_LONGEST = len("вернуться ко ") + 30  # no longer line matches _NAV


def _is_nav(t: str) -> bool:
    return len(t) <= _NAV_LONGEST and _NAV.match(t) is not None  # most lines: by length


_DATE_ONLY = re.compile(r"\d{2}\.\d{2}\.\d{4}")
# The end of a stamp (`.mm.yyyy`): a line without it holds none. It starts with a literal,
# so `re` skips in C from full stop to full stop: ten times faster than the whole stamp.
_STAMP_END = re.compile(r"\.\d\d\.\d\d\d\d")
_STAMP_HEAD = re.compile(r"^(\d{2}\.\d{2}\.\d{4})(?:\s+(.*))?$")
_GLUED_STAMP = re.compile(r"^(\d{2}\.\d{2}\.\d{4})([^\s.,].*)$")
_TITLE_STAMP = re.compile(r"^(.*\S)\s+(\d{2}\.\d{2}\.\d{4})(?:\s+(.*))?$")
_DOWNLOAD = re.compile(r"(?i)^(?:download(?: the)? document|скачать(?: документ)?)\s*:?\s*(.*)$")

_IMG_EXTS = ["jpg", "jpeg", "png", "gif", "bmp", "tif", "tiff", "webp", "heic"]
_DOC_EXTS = ["pdf", "doc", "docx", "rtf", "xls", "xlsx", "ppt", "pptx", "odt", "zip", "rar"]
_EXTS = frozenset(_IMG_EXTS + _DOC_EXTS)
_IMG_EXT = f"(?i:{alternation(_IMG_EXTS)})"  # the longest wins: `.docx`, not `.doc` and an `x`
_DOC_EXT = f"(?i:{alternation(_DOC_EXTS)})"
_FILE_CHARS = r"[\w\-()\[\]+~@#]"
_FILE_TOKEN = rf"{_FILE_CHARS}+(?: \(\d+\))?\.(?:{_IMG_EXT}|{_DOC_EXT})"
_FILE_TOKEN_RE = re.compile(_FILE_TOKEN)
_ENDS_WITH_FILE = re.compile(rf"\.(?:{_IMG_EXT}|{_DOC_EXT})$")
_IS_DOC = re.compile(rf"\.{_DOC_EXT}$")
_LEADING_FILE = re.compile(rf"^({_FILE_TOKEN})(?:\s+|(?=[A-ZА-ЯЁ«\"“\d]))")
_TRAILING_FILE = re.compile(rf"(?:(?<=\s)|(?<=[.!?\"”»)]))({_FILE_TOKEN})$")

_FILE_NAME_MAX = 200


def _ends_with_extension(t: str) -> bool:
    """Does `t` end like a file name (`.jpg`)? Settles most lines before any pattern runs."""
    _head, dot, ext = t[-6:].rpartition(".")
    return bool(dot) and ext.lower() in _EXTS


_LIST_BULLET = re.compile(r"^[-•·*▪►]\s")  # em dashes mark interview questions instead
_BULLET = re.compile(r"^(?:[-–—•·*▪►]|\d{1,2}[.)])\s")
_PHOTO_CREDIT = re.compile(r"(?i)^(?:photo|фото)\s*(?:by|:|—|-)\s*\S")
_CAPS_LETTERS = re.compile(r"[^\W\d_]")
# Titles of interviews, speeches and statements say so; their bodies open with a question
# or a salutation, which shares no words with the title.
_GENRE = re.compile(
    r"(?i)^(?:the\s+)?(?:interview|answers|speech|statement|address|remarks|greetings|message|"
    r"интервью|ответы|выступление|заявление|обращение|приветствие)\b"
)
# What opens the text under an interview's or a speech's title: a question, a salutation.
_QUESTION_OR_SALUTATION = re.compile(r"^(?:[-–—]\s*|\d{1,2}[.)]\s+)\S.*\?$|^(?:Dear|Уважаем\w*)\b.*!$")

# `\+?\d` spelled so that the pattern opens with a set (`+` or a digit): `re` then skips to
# those in C instead of trying a match at every character. After a `+`, a digit must follow.
_PHONE = re.compile(
    r"[+\d](?:(?<=\+)\d|(?<=\d))[\d ()\-]{8,}\d(?:\s*[-,]?\s*(?i:tel/fax|tel\.?|fax|факс|тел\.?(?:/факс)?))?"
)
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_PRESS_HEAD = re.compile(
    r"(?i)^(?:the\s+)?(?:csto\s+|одкб\s+)?(?:press[ -]secretary|spokes(?:man|person)|"
    r"press[ -](?:service|office)|пресс-(?:секретар\w*|служба))\b"
)
_UNDERSCORES = re.compile(r"^[_\-=]{5,}$")

_LIST_TIME = re.compile(r"\b\d{1,2}/\d{1,2}/\d{4}\s+\d{1,2}:\d{2}")
_PAGING = re.compile(
    r"(?i)^(?:[«‹<]+\s*)?(?:\d+\s+){2,}\d+(?:\s*(?:[»›>]+|next|далее))?$|"
    r"^(?:page|страница)\s+\d+(?:\s+(?:of|из)\s+\d+)?$"
)
_UNDER_CONSTRUCTION = ("under construction", "в разработке", "в стадии наполнения")  # in lower case


class _Line(NamedTuple):  # a tuple: made for every line of every page, and a cache key
    text: str  # whitespace squashed
    raw: str  # as saved, for names separated by runs of spaces


@dataclass
class _Stamp:
    date: date | None
    files: list[str] = field(default_factory=list)


def _files_only(raw: str) -> list[str] | None:
    """The file names a line consists of, or None if it holds anything else."""
    end = raw[-40:].rstrip()  # a paragraph's end, without copying all of it
    if len(end) < 6:
        end = raw.rstrip()  # long trailing spaces: the last six characters come before them
    if not _ends_with_extension(end):
        return None  # the last piece is not a file name
    names: list[str] = []
    for piece in re.split(r"[\s\u00a0]{2,}", raw.strip()):
        piece = squash(piece)
        if not piece:
            continue
        if not _ENDS_WITH_FILE.search(piece):
            return None
        tokens = _FILE_TOKEN_RE.findall(piece)
        if tokens and " ".join(tokens) == piece:
            names.extend(tokens)
        elif len(piece.split()) <= 8 and ". " not in piece and len(piece) <= 120:
            names.append(piece)  # one name with spaces: `Фото встречи 12.05.2019.jpg`
        else:
            return None
    return names or None


def _stamp_rest(rest: str | None) -> list[str] | None:
    """What may follow a stamp on its line: file names and `Download document`."""
    if not rest:
        return []
    m = _DOWNLOAD.match(rest)
    if m:
        rest = m.group(1)
        if not rest:
            return []
    return _files_only(rest)


def _stamp_line(line: _Line) -> _Stamp | None:
    """`dd.mm.yyyy`, alone or followed by photo/attachment names or `Download document`."""
    m = _STAMP_HEAD.match(line.text)
    if not m:
        return None
    raw_rest = line.raw.strip()[10:].strip() if m.group(2) else None
    files = _stamp_rest(raw_rest)
    if files is None:
        return None
    return _Stamp(parse_stamp(m.group(1)), files)


def _marks_body(lines: list[_Line], j: int) -> bool:
    """Is line `j` a stamp with names after it (`27.11.2018 ZVF_2142.JPG`) under a title?"""
    st = _stamp_line(lines[j])
    return st is not None and bool(st.files) and _title_shaped(lines[j - 1])


def _title_with_stamp(line: _Line) -> tuple[str, _Stamp] | None:
    """`Title dd.mm.yyyy` (maybe followed by names), split into title and stamp."""
    m = _TITLE_STAMP.match(line.text)
    if not m:
        return None
    files = _stamp_rest(m.group(3))
    if files is None:
        return None
    return m.group(1), _Stamp(parse_stamp(m.group(2)), files)


def _is_caps(t: str) -> bool:
    if not t.isupper():
        return False  # a letter in lower case (or none cased at all): settled in C
    letters = _CAPS_LETTERS.findall(t)
    return len(letters) >= 4 and all(c.isupper() for c in letters)


def _is_dateline(t: str) -> bool:
    """`Vienna, June 23, 2020` or `May 19, 2021, Dushanbe`: a place and a date, no more."""
    if len(t) > 80:
        return False
    first = next(iter_dates(t), None)
    if first is None or first.day is None:
        return False
    rest = t[: first.start] + t[first.end :]
    words = re.findall(r"[^\W\d_][\w'-]*", rest)
    return len(words) <= 4 and all(w[0].isupper() for w in words)


def _is_contact(t: str) -> bool:
    """A press-office line: phones or an e-mail, with little else (a name, `fax`)."""
    if "@" not in t and not _PHONE.search(t):
        return False  # most lines: settled before the costly file-name pass
    t = _FILE_TOKEN_RE.sub("", t)  # `1500000000.jpg` is a photo, not a phone number
    if not (_PHONE.search(t) or _EMAIL.search(t)):
        return False
    rest = _EMAIL.sub("", _PHONE.sub("", t))
    return len(rest.strip(" ,;.")) <= 80 and not re.search(r"[.!?] [A-ZА-ЯЁ]", rest)


@lru_cache(maxsize=1024)  # asked of the same lines many times while a title is sought
def _title_like(line: _Line) -> bool:
    """Could this line be a title by its look alone: title-shaped, with no final stop?"""
    if _ends_sentence(line.text) and _ends_sentence(_without_trailing_file(line.text)):
        return False  # most lines of a page: prose, settled before the costlier checks
    return _title_shaped(line) and not _ends_sentence(_without_trailing_file(line.text))


def _without_trailing_file(t: str) -> str:
    if _ends_with_extension(t) and _TRAILING_FILE.search(t):  # `... involved. IMG-0001.jpg`
        return _TRAILING_FILE.sub("", t).rstrip()
    return t


@lru_cache(maxsize=1024)
def _title_shaped(line: _Line) -> bool:
    """Could this line be a title where the body's start shows it is one? Some titles are
    sentences (`... laid wreaths.`, `... goes on!`, `... which unites ...`, two sentences):
    only a line that ends in mid-clause (`:`, `;`, `,`) or is something else is not."""
    t = line.text
    if not 6 <= len(t) <= 400:
        return False
    t = _without_trailing_file(t)
    if t.rstrip("'\"”»’)]")[-1:] in (":", ";", ",") or _BULLET.match(t) or _PHOTO_CREDIT.match(t):
        return False
    if len(t) > _SENTENCE_TITLE_MAX and _ends_sentence(t):
        return False  # a paragraph of prose
    if _UNDERSCORES.fullmatch(t) or _PRESS_HEAD.match(t):
        return False
    if _STAMP_HEAD.match(t) or _files_only(line.raw) is not None or _is_nav(t):
        return False
    if _is_contact(t) or _is_dateline(t) or _DOWNLOAD.match(t):
        return False
    return not _LIST_TIME.search(t)


_SENTENCE_TITLE_MAX = 250  # titles that are sentences are a line or two, not a paragraph


def _ends_sentence(t: str) -> bool:
    """Does `t` end with a stop (`.!?…:;,`), maybe followed by closing quotes or brackets?
    (`$` in a pattern would also allow one final newline; so does this.)"""
    if t.endswith("\n"):
        t = t[:-1]
    t = t.rstrip("'\"”»’)]")
    return bool(t) and t[-1] in ".!?…:;,"


# --- the page as a whole --------------------------------------------------------------


@dataclass
class _Layout:
    """Where the article starts, as found by `_find_title`."""

    title_at: int  # index of the title line
    body_at: int  # index of the first body line
    title: str
    stamp: _Stamp | None = None
    glued_body: str | None = None  # body text glued to the stamp: `14.03.2021On March ...`
    how: str = ""
    score: float = 0.0  # how sure a guessed title is


def _find_title(lines: list[_Line], cut: bool = False) -> _Layout | None:
    n = len(lines)
    texts = [ln.text for ln in lines]
    # The few lines that may hold a stamp, found by one scan of the page rather than line by
    # line; the stamp patterns check them.
    joined = "\n".join(texts)
    stamped: set[int] = set()
    at = line = 0
    for found in _STAMP_END.finditer(joined):  # line numbers counted on from the last match
        line += joined.count("\n", at, found.start())
        at = found.start()
        stamped.add(line)
    # Line texts are squashed already: comparing them needs only case folding.
    keys = [t.casefold() for t in texts]

    # 1. `Title` then `Title dd.mm.yyyy` (whitespace may differ), or else the same line
    # twice: the stamp marks the body's start, and a paragraph repeated below it is body.
    for i in range(n - 2, -1, -1):
        ts = _title_with_stamp(lines[i + 1]) if i + 1 in stamped else None
        if ts and ts[0].casefold() == keys[i]:
            return _Layout(i, i + 2, texts[i], ts[1], how="repeated with stamp")
    # A stamp with photo or attachment names on its line marks the body's start beyond
    # doubt (a teaser's date line is a bare date): a paragraph repeated below it is body.
    mark = next((j for j in range(1, n) if texts[j][:1].isdigit() and _marks_body(lines, j)), n)
    for i in range(min(n, mark) - 2, -1, -1):
        if keys[i] == keys[i + 1] and _title_shaped(lines[i]):
            return _Layout(i, i + 2, texts[i], how="repeated")
    # A page cut off inside the repeated title: the last line is a prefix of
    # `Title dd.mm.yyyy`, or of the title.
    if cut and n >= 2 and _title_shaped(lines[-2]):
        first, second = keys[-2], keys[-1]
        tail = second[len(first) :] if second.startswith(first) else None
        if (tail is not None and re.fullmatch(r"\s*[\d.]*", tail)) or (
            first.startswith(second) and len(second) >= 3
        ):
            return _Layout(n - 2, n, texts[-2], how="cut in repeated title")

    date_lines = [j for j in range(n) if _DATE_ONLY.fullmatch(texts[j])]

    # 2. `Title` then a stamp line of its own (maybe with photo or attachment names).
    for j in range(n - 1, 0, -1):
        st = _stamp_line(lines[j])
        if st is None:
            continue
        prev_is_teaser_text = j >= 2 and _DATE_ONLY.fullmatch(texts[j - 2]) is not None
        if _title_shaped(lines[j - 1]) and not prev_is_teaser_text:
            bare = not st.files and _DATE_ONLY.fullmatch(texts[j]) is not None
            sentence = not _title_like(lines[j - 1])
            if bare and not _stamp_ends_sidebar(lines, j, date_lines, sentence, cut):
                break
            return _Layout(j - 1, j + 1, texts[j - 1], st, how="stamp line")
        if _DATE_ONLY.fullmatch(texts[j]):
            break  # the last bare date belongs to a teaser: the title comes after it

    # 3. The stamp glued to the first word of the body: `14.03.2021On March 12, ...`.
    for j in range(n - 1, 0, -1):
        m = _GLUED_STAMP.match(texts[j])
        if m and m.group(2)[0].isdigit():
            # `16.02.20169 February ...`: the year has four digits, the body opens with a day.
            span = next(iter_dates(m.group(2)), None)
            opens = (span and span.start == 0 and span.month) or re.match(r"\d{1,2}[.)] ", m.group(2))
            m = m if opens else None  # ... or with a numbered question: `17.07.20221. What ...?`
        if m and _title_shaped(lines[j - 1]):
            return _Layout(
                j - 1, j + 1, texts[j - 1], _Stamp(parse_stamp(m.group(1))), m.group(2), "glued stamp"
            )

    # 4. `Title dd.mm.yyyy` once, with no separate copy.
    for j in range(n - 1, -1, -1):
        ts = _title_with_stamp(lines[j]) if j in stamped else None
        if ts and _title_shaped(_Line(ts[0], ts[0])) and not _DATE_ONLY.fullmatch(ts[0]):
            return _Layout(j, j + 1, ts[0], ts[1], how="stamp after title")

    # 5. No stamp: the title is a line without a final full stop followed by the body, or
    # one shaped like a sentence where the body's start shows it is the title.
    lo = 0
    if date_lines:
        lo = date_lines[-1] + 2  # a dated teaser has at least one line of text
    guess = _guess_title(lines, lo)
    marked = _title_before_body_mark(lines, lo, guess) or (_title_at_top(lines, guess) if lo == 0 else None)
    if marked is not None:
        return marked
    last = n - 1
    if cut and last >= lo and _title_like(lines[last]) and (guess is None or guess.score < 0.5):
        # A page cut off right after its title: the title is its last line, after a
        # teaser's full stop (or its date line), or alone.
        prev = texts[last - 1] if last else ""
        if not prev or _ends_sentence(prev) or _DATE_ONLY.fullmatch(prev):
            return _Layout(last, n, texts[last], how="cut after the title")
    return guess


# A photo name glued to the body's first word, with no space: `IMG-0001.jpgOn 5 May ...`.
_GLUED_FILE = re.compile(rf"^{_FILE_TOKEN}(?=[A-ZА-ЯЁ«\"“\d])")
_SUBTITLE_WORDS = re.compile(r"(?i)^(?:[-–—]\s*)?(?:exclusive|эксклюзивно|специально для)\b")
_DASH_LINE = re.compile(r"^[–—]\s*\S")


def _subtitle_shaped(t: str) -> bool:
    return bool(_SUBTITLE_WORDS.match(t) or (_DASH_LINE.match(t) and not t.endswith("?")))


_TOP_TITLE_SCORE = 0.5  # the share of a sentence's words at the top of the page its lead repeats
_WEAK_GUESS = 0.4  # a guessed title below this says little about the text under it


def _title_before_body_mark(lines: list[_Line], lo: int, guess: _Layout | None) -> _Layout | None:
    """A title shaped like a sentence, found where the body starts rather than by its look.

    With no stamp and no repeat, the body's start shows as a photo name glued to its first
    word, a dateline or a `Photo:` credit (maybe under a subtitle); on a page with no sidebar,
    it is the top of the page. The title is the line just before. Lines that are titles by
    their look already are `_guess_title`'s.
    """
    n = len(lines)
    for k in range(max(lo, 1), min(n, lo + 200)):
        x = lines[k]
        mark = _GLUED_FILE.match(x.text) or _is_dateline(x.text) or _PHOTO_CREDIT.match(x.text)
        if not mark:
            continue
        i = k - 1
        if i > lo and _subtitle_shaped(lines[i].text):
            i -= 1  # `Title` / `Exclusive for ...` / `Vienna, June 23, 2020`
        if _title_like(lines[i]) or not _title_shaped(lines[i]):
            break  # a title by its look (the guess's), or no title here
        score = _title_score(lines, i, i + 1, sentence=True)
        if score is not None and (guess is None or score >= guess.score):
            return _Layout(i, i + 1, lines[i].text, how="before the body's mark", score=score)
        break
    return None


def _title_at_top(lines: list[_Line], guess: _Layout | None) -> _Layout | None:
    """A page with no sidebar starts with its title: a sentence at the top is the title
    when the paragraph under it tells of the same thing and no line below looks more
    like one."""
    if len(lines) < 2 or (guess is not None and guess.score >= _WEAK_GUESS):
        return None
    top, lead = lines[0], lines[1]
    if _title_like(top) or not _title_shaped(top) or len(top.text) > _SENTENCE_TITLE_MAX:
        return None
    if guess is not None and opens_with_date(top.text):
        return None  # a sentence opening with its date is a teaser's lead; a headline comes below
    if _title_like(lead) and len(lines) > 2:
        return None  # a headline under a sentence: a sidebar (the last line may be a lead cut short)
    cw = content_words(top.text)
    if shared_stems(cw, lead.text) / max(1, len(cw)) < _TOP_TITLE_SCORE:
        return None
    return _Layout(0, 1, top.text, how="top of the page", score=_TOP_TITLE_SCORE)


def _stamp_ends_sidebar(
    lines: list[_Line], j: int, date_lines: list[int], sentence: bool = False, cut: bool = False
) -> bool:
    """Is the bare date line `j` (after a title-like line) the article's stamp?

    Dated teasers also start with a bare date line. The stamp is told apart by its date
    (teasers' dates run close together, usually long after the article's) and, failing
    that, by weighing both readings: line `j-1` as the title of the body after `j`, or `j`
    as one more teaser's date, with the title somewhere after its text. A `sentence` over
    the date (a dated teaser's last paragraph, or a title shaped like one) must weigh more.
    """
    earlier = [d for d in date_lines if d < j]
    if not earlier:
        return True
    this = parse_stamp(lines[j].text)
    prev = parse_stamp(lines[earlier[-1]].text)
    if this and prev and (prev - this).days > 45:
        return True
    if sentence and any(_STAMP_END.search(ln.text) for ln in lines[j + 1 :]):
        return False  # a sentence over a teaser's date; the article's stamp comes later
    later = _guess_title(lines, j + 2)
    if sentence:  # the title after a teaser's text may be a sentence too
        later = _title_before_body_mark(lines, j + 2, later) or later
        if later is None and cut and len(lines) > j + 2 and _title_like(lines[-1]):
            return False  # a page cut off after its title, the teaser's text above it
    if later is None:
        return True
    here = _title_score(lines, j - 1, j + 1, sentence)
    return here is not None and (here > later.score if sentence else here >= later.score)


@lru_cache(maxsize=1024)
def _front_matter(ln: _Line) -> bool:
    """Lines between a title and its lead: photo names, a `Photo:` credit, a dateline."""
    return _files_only(ln.raw) is not None or bool(_PHOTO_CREDIT.match(ln.text)) or _is_dateline(ln.text)


def _title_score(lines: list[_Line], i: int, after: int, sentence: bool = False) -> float | None:
    """How much line `i` looks like the title of the text from line `after` on
    (`sentence`: a title may be a sentence, where the body's start shows it).

    A title shares words with its lead. The lead is found past photo names, a credit, a
    dateline and a subtitle (a title-like line right after); the next title-like line
    after that ends the text the title is compared with: it is a later headline's.
    """
    ln = lines[i]
    if not (_title_shaped(ln) if sentence else _title_like(ln)):
        return None
    following: list[str] = []
    subtitle: str | None = None
    for k in range(after, min(len(lines), after + 8)):
        x = lines[k]
        if _front_matter(x):
            continue
        if k == len(lines) - 1:
            following.append(x.text)  # the last line: maybe a lead cut off mid-sentence
            break
        if _title_like(x):
            if not following and subtitle is None:
                subtitle = x.text
                continue
            break
        following.append(x.text)
        if len(following) == 2:
            break
    if not following and subtitle:
        following = [subtitle]  # no subtitle after all: a lead cut off mid-sentence
    if not following:
        return None
    cw = content_words(ln.text)
    score = shared_stems(cw, " ".join(following)) / max(1, len(cw))
    if after < len(lines) and (next(iter_dates(following[0][:60]), None) or _is_dateline(lines[after].text)):
        score += 0.25
    prev = lines[i - 1].text if i > 0 else ""
    if i == 0 or _ends_sentence(prev) or _DATE_ONLY.fullmatch(prev):
        score += 0.1
    # `Interview of ...` over `— What ...?`, `Speech ...` over `Dear colleagues!`
    score += 0.4 if _GENRE.match(ln.text) else 0.2 if _QUESTION_OR_SALUTATION.match(following[0]) else 0
    if _is_caps(ln.text):
        score -= 0.5
    if len(ln.text) > 250:
        score -= 0.2
    if _PRESS_HEAD.match(ln.text) or any(_is_contact(x.text) for x in lines[i + 1 : i + 3]):
        score -= 1  # the press-office block's name line
    return score


def _guess_title(lines: list[_Line], lo: int) -> _Layout | None:
    """Score the title-like lines from `lo` on; the title shares words with its lead."""
    best: tuple[float, int] | None = None
    for i in range(max(lo, 0), len(lines) - 1):
        score = _title_score(lines, i, i + 1)
        if score is not None and (best is None or score >= best[0]):
            best = (score, i)
    if best is None:
        return None
    score, i = best
    if score < 0.4 and i > lo and _title_score(lines, i - 1, i + 1) is not None:
        # Neither line says much about the text below (an interview): a title-like line
        # right above is the title, and this one its subtitle.
        i -= 1
    return _Layout(i, i + 1, lines[i].text, how="guessed", score=score)


def _split_teasers(lines: list[_Line]) -> list[tuple[date | None, list[str]]]:
    """The sidebar: each teaser with its own stamp (if dated) and its paragraphs."""
    teasers: list[tuple[date | None, list[str]]] = []
    current: tuple[date | None, list[str]] | None = None
    for ln in lines:
        t = ln.text
        if _DATE_ONLY.fullmatch(t):
            current = (parse_stamp(t), [])
            teasers.append(current)
            continue
        if _files_only(ln.raw) is not None:
            continue
        if current is not None and current[0] is not None:
            current[1].append(t)  # a dated teaser runs until the next date line
            continue
        prev = teasers[-1][1] if teasers else None
        if prev is not None and continues(prev, t):
            prev.append(t)  # the next paragraph of the same item (see `sidebar`)
        else:
            current = (None, [t])
            teasers.append(current)
    return [(d, paras) for d, paras in teasers if paras]


def _strip_files(text: str, raw: str, photos: list[str], attachments: list[str]) -> str:
    """Take photo and attachment names off a paragraph's ends (or the whole of it)."""
    whole = _files_only(raw)
    if whole is not None:
        for f in whole:
            (attachments if _IS_DOC.search(f) else photos).append(f)
        return ""
    head: list[str] = []
    while m := _LEADING_FILE.match(text):
        head.append(m.group(1))
        text = text[m.end() :].lstrip()
    tail: list[str] = []
    # A file name is short: only the end of a long paragraph can hold one.
    while _ends_with_extension(text) and (
        m := _TRAILING_FILE.search(text, max(0, len(text) - _FILE_NAME_MAX))
    ):
        tail.insert(0, m.group(1))
        text = text[: m.start()].rstrip()
    for f in head + tail:
        (attachments if _IS_DOC.search(f) else photos).append(f)
    return text


def _split_contact(t: str) -> list[str]:
    """One press-office line into its parts: the name, each phone, the e-mail."""
    marks = sorted(
        [(m.start(), m.end()) for m in _PHONE.finditer(t)]
        + [(m.start(), m.end()) for m in _EMAIL.finditer(t)]
    )
    if not marks:
        return [t.strip(" ,;")] if t.strip(" ,;") else []
    parts = [t[: marks[0][0]]] + [t[a:b] for a, b in marks]
    return [p.strip(" ,;") for p in parts if p.strip(" ,;")]


def _press_block_start(paras: list[str]) -> int:
    """Index where the press-office block starts in `paras` (len(paras) if none)."""
    n = len(paras)
    for j in range(max(0, n - 10), n):
        t = paras[j]
        starts = _UNDERSCORES.fullmatch(t) or (_PRESS_HEAD.match(t) and len(t) < 250)
        if starts and all(len(x) < 250 for x in paras[j:]):
            return j
    j = n
    while j > 0 and _is_contact(paras[j - 1]):
        j -= 1
    return j


def _resolve_date(
    stamp: date | None, title: str | None, lead: str, dateline: str | None, warnings: list[PageWarning]
) -> tuple[date | None, str | None, date | None]:
    """(date, date_source, event date named by the lead) by the Dates rules of docs/format.md."""
    title_spans = find_dates(title) if title else []
    dateline_spans = find_dates(dateline) if dateline else []
    ref_years = [s.year for s in title_spans + dateline_spans if s.year]
    ref_year = ref_years[0] if ref_years else (stamp.year if stamp else None)
    event: date | None = None
    yearless: Span | None = None
    for s in chain(dateline_spans, iter_dates(lead)):  # the lead's, up to its first whole date
        if s.day is None:
            continue
        d = s.resolve(ref_year)
        if d:
            event = d
            break
        yearless = yearless or s
    if stamp:
        return stamp, "stamp", event
    if event:
        return event, "lead", None
    for s in title_spans:
        d = s.resolve()
        if d:
            return d, "title", None
    if yearless is not None:
        code, why = (
            (Problem.DATE_YEAR_MISTYPED, "has a mistyped year")
            if yearless.year_typo
            else (Problem.DATE_WITHOUT_YEAR, "gives no year")
        )
        said = lead[yearless.start : yearless.end]
        warnings.append(PageWarning(code, f"date unknown: the lead's date {said!r} {why}"))
    else:
        warnings.append(PageWarning(Problem.NO_DATE, "no date found"))
    return None, None, None


def _lang(text: str, cyrillic: bool = True) -> str:
    """`cyrillic=False` says that `text` holds no Cyrillic letter (checked already)."""
    return "ru" if cyrillic and is_mostly_cyrillic(text) else "en"


def _named(text: str, cyrillic: bool = True) -> dict[str, Any]:
    """The entity fields of a release whose text is `text`; `cyrillic=False` says that it
    holds no Cyrillic letter, so that Russian forms are not sought."""
    found = entities.all_countries(text, cyrillic)
    people = entities.find_people(text, cyrillic)
    return {
        "countries": [c for c in found if c in entities.MEMBERS],
        "other_countries": [c for c in found if c not in entities.MEMBERS],
        "people": [p.name for p in people],
        "roles": [p.to_dict() for p in people if p.role],
    }


def make_id(d: str | None, text: str, cyrillic: bool = True) -> str:
    """Readable id: the date (or `undated`) and a slug of the title or lead.
    `cyrillic=False` says that `text` holds no Cyrillic letter (checked already)."""
    return f"{d or 'undated'}-{slugify(text, cyrillic=cyrillic)}"


def _teaser(day: date | None, paras: list[str], source: str, with_entities: bool) -> Release:
    text = " ".join(paras)
    cyrillic = has_cyrillic(text)  # one scan for the language, the id and the entities
    fields = _teaser_fields(day, tuple(paras), cyrillic)
    teaser = Release(**fields, body=list(paras), sources=[source] if source else [])
    return _fill_entities(teaser, _teaser_named(text, cyrillic)) if with_entities else teaser


@lru_cache(maxsize=1024)
def _teaser_fields(day: date | None, paras: tuple[str, ...], cyrillic: bool) -> dict[str, Any]:
    """A teaser's fields worked out from its text, but for the entity fields. A site's
    sidebar repeats the same teasers on page after page, so they are read once per
    process, not once per page."""
    lead = paras[0]
    d: date | None = day
    src: str | None = "stamp"
    if day is None:  # an undated teaser: its date comes from its own text, if it says one
        # A teaser without a year (`July 12, this year`) is ordinary sidebar text, not
        # something the page failed to say: its date warnings are not the page's.
        not_the_pages: list[PageWarning] = []
        d, src, _ = _resolve_date(None, None, lead, None, not_the_pages)
    iso = d.isoformat() if d else None
    return {
        "id": make_id(iso, lead, cyrillic),
        "kind": "teaser",
        "lang": _lang(" ".join(paras), cyrillic),
        "title": None,
        "date": iso,
        "date_precision": "day" if d else None,
        "date_source": src,
        "lead": lead,
    }


@lru_cache(maxsize=1024)
def _teaser_named(text: str, cyrillic: bool) -> dict[str, Any]:
    return _named(text, cyrillic)


def add_entities(teaser: Release) -> Release:
    """Fill a teaser's countries, people and roles from its text.

    The index reads teasers without them (`read_page(..., teaser_entities=False)`): most
    teasers announce an article the archive also holds, whose release is the article's,
    so a teaser's names are worked out only when it becomes a release of its own.
    """
    text = " ".join(teaser.body)
    return _fill_entities(teaser, _teaser_named(text, has_cyrillic(text)))


def _fill_entities(teaser: Release, fields: dict[str, Any]) -> Release:
    teaser.countries = list(fields["countries"])  # the cached lists stay the cache's own
    teaser.other_countries = list(fields["other_countries"])
    teaser.people = list(fields["people"])
    teaser.roles = [dict(r) for r in fields["roles"]]
    return teaser


def _non_article(lines: list[_Line], stamped: bool) -> PageWarning | None:
    """Why this page is not an article (a list or static page), or None."""
    texts = [ln.text for ln in lines]
    joined = "\n".join(texts)  # one scan of the page settles most pages
    if "/" in joined and _LIST_TIME.search(joined) and sum(1 for t in texts if _LIST_TIME.search(t)) >= 2:
        return PageWarning(Problem.LIST_PAGE, "a list page of headlines, not an article")
    low = joined.lower() if len(texts) < 30 else ""
    if any(phrase in low for phrase in _UNDER_CONSTRUCTION):  # `in` scans faster than `re`
        return PageWarning(Problem.STATIC_PAGE, "a static page under construction, not an article")
    if stamped:
        return None
    if any(_PAGING.match(t) for t in texts):
        return PageWarning(Problem.LIST_PAGE, "a list page of headlines, not an article")
    prose = sum(1 for t in texts if _ends_sentence(t) and len(t) > 80)
    if len(texts) >= 6 and prose <= 1 and sum(1 for ln in lines if _title_like(ln)) >= 5:
        return PageWarning(Problem.LIST_PAGE, "a list page of headlines, not an article")
    bullets = sum(1 for t in texts if _LIST_BULLET.match(t))
    questions = any(t.endswith("?") for t in texts)
    if bullets >= 3 and not questions and not any(next(iter_dates(t), None) for t in texts):
        return PageWarning(Problem.STATIC_PAGE, "a static page, not an article")
    return None


def parse_page(text: str, source: str = "", teaser_entities: bool = True) -> PageReading:
    """Read one page's text into its article, its sidebar teasers and warnings.

    With `teaser_entities=False`, teasers come without countries, people and roles
    (see `add_entities`)."""
    warnings: list[PageWarning] = []
    if "\x00" in text:
        text = text.replace("\x00", "")
        warnings.append(PageWarning(Problem.NUL_BYTES, "NUL bytes removed"))
    raw_lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    squashed = squash_lines(raw_lines, text)
    all_lines = [_Line(t, r) for t, r in zip(squashed, raw_lines, strict=True) if t]
    if not all_lines:
        return PageReading(source, None, [], [*warnings, PageWarning(Problem.EMPTY, "empty page: no text")])

    nav = [_is_nav(ln.text) for ln in all_lines]
    cut = not any(nav[-6:])  # no navigation lines at the end
    lines = [ln for ln, is_nav in zip(all_lines, nav, strict=True) if not is_nav]
    if not lines:
        return PageReading(
            source,
            None,
            [],
            [*warnings, PageWarning(Problem.NAVIGATION_ONLY, "no article: only navigation lines")],
        )

    layout = _find_title(lines, cut)
    why_not = _non_article(lines, stamped=bool(layout and layout.stamp))
    if why_not:
        warnings.append(why_not)
        return PageReading(source, None, [], warnings)

    if layout is None:
        teasers = [_teaser(d, p, source, teaser_entities) for d, p in _split_teasers(lines)]
        warnings.append(PageWarning(Problem.NO_TITLE, "no title found: no article on this page"))
        if cut:
            warnings.append(PageWarning(Problem.CUT_OFF, "page is cut off (no navigation lines at the end)"))
        return PageReading(source, None, teasers, warnings)

    teasers = [_teaser(d, p, source, teaser_entities) for d, p in _split_teasers(lines[: layout.title_at])]
    article = _article(lines, layout, source, warnings)
    if cut:
        if layout.how == "cut in repeated title":
            where = "inside the repeated title"
        elif not article.body:
            where = "before the body starts"
        else:
            where = "inside the body"
        warnings.append(
            PageWarning(Problem.CUT_OFF, f"page is cut off {where} (no navigation lines at the end)")
        )
    return PageReading(source, article, teasers, warnings)


_QUESTION = re.compile(r"^(?:[-–—]\s*|\d{1,2}[.)]\s+)\S.*\?$")


def _is_subtitle(paras: list[str]) -> bool:
    """Is the first of these paragraphs (those under the title) a subtitle? A title-like line
    (`Exclusive for the TASS agency`), or an em-dash line that is not a question over an
    interview's first question. A dateline is not one."""
    if len(paras) < 2 or _is_dateline(paras[0]):
        return False
    first = paras[0]
    if _title_like(_Line(first, first)) or (_SUBTITLE_WORDS.match(first) and len(first) <= 200):
        return True
    after = next((p for p in paras[1:] if not _PHOTO_CREDIT.match(p)), "")
    return bool(_DASH_LINE.match(first)) and not first.endswith("?") and bool(_QUESTION.match(after))


def _article(lines: list[_Line], layout: _Layout, source: str, warnings: list[PageWarning]) -> Release:
    photos: list[str] = []
    attachments: list[str] = []
    if layout.stamp:
        for f in layout.stamp.files:
            (attachments if _IS_DOC.search(f) else photos).append(f)
    body_lines = lines[layout.body_at :]
    paras: list[str] = []
    if layout.glued_body:
        paras.append(layout.glued_body)
    for ln in body_lines:
        dl = _DOWNLOAD.match(ln.text)
        if dl:
            attachments.extend(_files_only(dl.group(1)) or ([dl.group(1)] if dl.group(1) else []))
            continue
        t = _strip_files(ln.text, ln.raw, photos, attachments)
        if t:
            paras.append(t)

    # Press-office block at the end: its lines become contacts, split into their parts.
    start = _press_block_start(paras)
    contacts = [c for p in paras[start:] if not _UNDERSCORES.fullmatch(p) for c in _split_contact(p)]
    paras = paras[:start]

    # Before the body proper: a subtitle and a `Photo: ...` credit, in either order; then
    # maybe a dateline, which stays the first body paragraph (a credit may follow it).
    credit = subtitle = None
    for _ in range(2):
        if paras and credit is None and _PHOTO_CREDIT.match(paras[0]):
            credit = paras.pop(0)
        elif subtitle is None and _is_subtitle(paras):
            subtitle = paras.pop(0)
    dateline = paras[0] if paras and _is_dateline(paras[0]) else None
    if dateline and credit is None and len(paras) > 1 and _PHOTO_CREDIT.match(paras[1]):
        credit = paras.pop(1)
    lead_paras = paras[1:] if dateline else paras
    lead = lead_paras[0] if lead_paras else ""

    stamp_date = layout.stamp.date if layout.stamp else None
    d, src, event = _resolve_date(stamp_date, layout.title, lead, dateline, warnings)
    iso = d.isoformat() if d else None
    text = " ".join([layout.title, *paras])
    cyrillic = has_cyrillic(text)  # one scan for the language, the id and the entities
    release = Release(
        id=make_id(iso, layout.title, cyrillic),
        kind="article",
        lang=_lang(text, cyrillic),
        title=layout.title,
        date=iso,
        date_precision="day" if d else None,
        date_source=src,
        lead=lead,
        body=paras,
        photos=photos,
        contacts=contacts,
        **_named(text, cyrillic),
        sources=[source] if source else [],
        subtitle=subtitle,
        event_date=event.isoformat() if event and event != d else None,
        attachments=attachments,
        photo_credit=credit,
    )
    return release


# --- bytes to text ----------------------------------------------------------------------


def decode(data: bytes) -> tuple[str | None, list[PageWarning]]:
    """Page bytes to text: UTF-8 (with or without BOM), else a legacy Cyrillic or Latin
    code page, with a warning. None (with a warning) for binary files."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), []
        except UnicodeDecodeError:
            pass
    try:
        return data.decode("utf-8"), []
    except UnicodeDecodeError:
        pass
    sample = data[:65536]
    controls = sum(1 for b in sample if b < 9 or 13 < b < 32)
    if b"\x00" in sample[:4096] or controls > len(sample) // 20:
        return None, [PageWarning(Problem.NOT_TEXT, "not a text file (binary content)")]
    if _looks_cyrillic(sample):
        why = "not UTF-8: read as windows-1251 (Cyrillic)"
        return data.decode("cp1251", errors="replace"), [PageWarning(Problem.LEGACY_ENCODING, why)]
    why = "not UTF-8: read as windows-1252 (Latin)"
    return data.decode("cp1252", errors="replace"), [PageWarning(Problem.LEGACY_ENCODING, why)]


def _looks_cyrillic(sample: bytes) -> bool:
    """windows-1251 or a Latin code page? In windows-1251 every Cyrillic letter is a byte
    of 0xC0-0xFF, so they come in runs (whole words); Latin text has an accented letter
    here and there, between ASCII ones."""
    high = [i for i, b in enumerate(sample) if b >= 0xC0]
    if not high:
        return False
    paired = sum(
        1
        for i in high
        if (i > 0 and sample[i - 1] >= 0xC0) or (i + 1 < len(sample) and sample[i + 1] >= 0xC0)
    )
    return paired > len(high) * 0.6


PARSER_FAILED = "the parser failed on this page"


def read_page(data: bytes, source: str, teaser_entities: bool = True) -> PageReading:
    """Read one page file's bytes. Never raises: should the parser fail on a page (a bug:
    the property tests hold `parse_page` never to), the page is read as nothing, with a
    warning that says so, and an archive's other pages are read as ever."""
    text, warnings = decode(data)
    if text is None:
        return PageReading(source, None, [], warnings)
    try:
        page = parse_page(text, source, teaser_entities)
    except Exception as e:
        why = f"{PARSER_FAILED} ({type(e).__name__}: {str(e)[:200]}): a bug in cstonews, please report it"
        return PageReading(source, None, [], [*warnings, PageWarning(Problem.PARSER_FAILED, why)])
    page.warnings[:0] = warnings
    return page
