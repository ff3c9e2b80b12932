"""Labelled pages made up from the format's variants (docs/format.md), combined at random (seeded).

Each golden page in tests/pages/ shows one variant alone; real pages combine several
(dated teasers *and* a dateline *and* a cut-off end ...). This module writes such
combinations with the labels a careful reader would give them, so that tests can measure
the parser's accuracy as it is measured on real pages: exact title, exact date (the Dates
rules of docs/format.md), lead starting where the body starts, exact teaser count; overall
and per shape (sidebar layouts, items of several paragraphs, titles that are sentences,
the marks where the body starts).

Run `python tests/synth.py [N] [SEED]` to see the accuracy, per shape too, and the pages
it gets wrong.
"""

from __future__ import annotations

import random
import sys
from dataclasses import dataclass
from datetime import date, timedelta

MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December"]  # fmt: skip
RU_GEN = ["января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа",
          "сентября", "октября", "ноября", "декабря"]  # fmt: skip
RU_SHORT = ["янв", "фев", "мар", "апр", "мая", "июн", "июл", "авг", "сен", "окт", "ноя", "дек"]


@dataclass
class Page:
    text: str
    title: str | None
    date: str | None
    lead: str  # what the lead starts with ("" when the page stops before the body)
    teasers: int
    variant: str


# --- the words pages are made of -----------------------------------------------------

# (title, lead after its date phrase, more body) for English articles. `{place}` is
# filled in; titles share words with their leads, as real ones do.
EN_ARTICLES = [
    (
        "CSTO Secretary General Stanislav Zas met with the Ambassador of the Republic of Kazakhstan",
        "the CSTO Secretary General Stanislav Zas met with the Ambassador Extraordinary and Plenipotentiary "
        "of the Republic of Kazakhstan to the Russian Federation Yermek Kosherbayev in {place}.",
        "The parties discussed the preparation of the events of the Kazakh chairmanship in the Organization.",
    ),
    (
        "The CSTO Secretariat hosted a round table on international information security",
        "the CSTO Secretariat hosted a round table on the theme: “Cooperation of the CSTO member states in "
        "the field of international information security”.",
        "Experts of the foreign ministries and security councils of the member states took part in it.",
    ),
    (
        "Consultations on Afghanistan took place in {place}",
        "in {place}, consultations of the working group on Afghanistan under the CSTO Council of Foreign "
        "Ministers were held under the chairmanship of the Republic of Tajikistan.",
        "The participants exchanged views on the situation in Afghanistan and on the Tajik-Afghan border.",
    ),
    (
        "Joint staff training of the CSTO Collective Rapid Reaction Forces was held in {place}",
        "a joint staff training of the command of the Collective Rapid Reaction Forces of the CSTO was held "
        "at the training ground near {place}.",
        "Over 1,500 servicemen and 300 units of military equipment were involved in the training.",
    ),
    (
        "Meeting of the CSTO Permanent Council",
        "a meeting of the CSTO Permanent Council was held in {place} under the chairmanship of the "
        "Permanent Representative of the Republic of Armenia.",
        "The Council considered draft documents for the session of the Collective Security Council.",
    ),
    (
        "The CSTO delegation took part in the OSCE Annual Security Review Conference",
        "the CSTO delegation headed by the Deputy Secretary General took part in the Annual Security "
        "Review Conference of the OSCE in {place}.",
        "In his speech the Deputy Secretary General spoke about the CSTO peacekeeping potential.",
    ),
    (
        "Stanislav Zas: the CSTO is ready to assist in strengthening the Tajik-Afghan border",
        "during a working trip to {place}, the CSTO Secretary General Stanislav Zas said that the "
        "Organization was ready to assist in strengthening the Tajik-Afghan border.",
        "He stressed that the situation in Afghanistan remained a source of serious concern.",
    ),
    (
        "The Council of Defense Ministers of the CSTO discussed the development of the collective forces",
        "in {place}, a meeting of the Council of Defense Ministers of the CSTO discussed the development "
        "of the collective forces and the military cooperation of the member states.",
        "The ministers approved the plan of joint exercises for the next year.",
    ),
    (
        "Anti-drug operation Channel completed in the CSTO member states",
        "the international anti-drug operation “Channel – Center” was completed in the CSTO member states, "
        "its results were summed up in {place}.",
        "During the operation more than 20 tons of narcotic drugs were seized.",
    ),
    (
        "CSTO Deputy Secretary General Valery Semerikov met with the OSCE Secretary General",
        "in {place}, the CSTO Deputy Secretary General Valery Semerikov met with the OSCE Secretary General.",
        "The sides exchanged views on cooperation between the two organizations.",
    ),
]
PLACES = ["Moscow", "Minsk", "Bishkek", "Dushanbe", "Yerevan", "Astana", "Almaty", "Vienna"]

RU_ARTICLES = [
    (
        "Генеральный секретарь ОДКБ провел встречу с послом Республики Армения",
        "Генеральный секретарь ОДКБ провел встречу с Чрезвычайным и Полномочным Послом Республики "
        "Армения в {place}.",
        "Стороны обсудили вопросы подготовки мероприятий в рамках председательства в Организации.",
    ),
    (
        "В Секретариате ОДКБ состоялись консультации по Афганистану",
        "в Секретариате ОДКБ в {place} состоялись консультации рабочей группы по Афганистану при СМИД ОДКБ.",
        "Участники обменялись мнениями о ситуации на таджикско-афганской границе.",
    ),
    (
        "Заседание Постоянного совета при ОДКБ",
        "в {place} под председательством Постоянного представителя Республики Беларусь состоялось "
        "заседание Постоянного совета при ОДКБ.",
        "Совет рассмотрел проекты документов к сессии Совета коллективной безопасности.",
    ),
]
RU_PLACES = ["Москве", "Минске", "Бишкеке", "Душанбе", "Ереване"]

EN_TEASERS = [
    "On 13 November 2023, the XVI meeting of the Council of the Consultative Coordination Centre for "
    "Responding to Computer Incidents was held in Moscow.",
    "The CSTO Secretariat expresses serious concern over the aggravation of the situation on the border "
    "that arose on July 12, this year.",
    "A meeting of the CSTO Collective Security Council was held in Minsk on 23 November.",
    "15 May marks the 32nd anniversary of the conclusion of the Collective Security Treaty.",
    "In accordance with the Action Plan, a working group of the CSTO Secretariat visited the border areas.",
    "On May 16, 2024, the CSTO Secretariat hosted a round table on the theme of analytical cooperation.",
    "The CSTO Secretary General congratulated the President of the Republic of Belarus on his election.",
    "Representatives of the CSTO took part in the international conference on Afghanistan in Tashkent.",
]
EN_HEADLINES = [
    "The CSTO Joint Staff summed up the results of the year",
    "Exercise Interaction-2023 started in Belarus",
    "CSTO Secretary General visited the Kyrgyz Republic",
]
EN_SPEECH = ["Dear Mr. Chairman!", "Dear colleagues!",
             "On behalf of the CSTO Secretariat, let me thank you for the invitation."]  # fmt: skip
# Sidebar items of several paragraphs, in the shapes seen: a speech's opening and its next
# paragraph, a meeting and what it discussed, a meeting and who took part, a briefing and a
# follow-on line. A sidebar shows each at most once.
EN_ITEMS = [
    [
        "A meeting of the CSTO Collective Security Council was held in Minsk.",
        "The heads of states discussed the main results of the activities of the Organization.",
    ],
    [
        "Allow me to thank the presidency of the forum for the invitation to speak at this session.",
        "I am glad to take part in this discussion on the security of Eurasia.",
    ],
    [
        "A meeting of the CSTO Council of Foreign Ministers was held in Yerevan on 12 October.",
        "The ministers exchanged views on the situation in the South Caucasus.",
        "During the meeting, the Council adopted a statement on Afghanistan.",
    ],
    [
        "On 3 March the CSTO Council of Defence Ministers met by video link.",
        "The defence ministers of Armenia (Lieutenant General Suren Papikyan), of Belarus (Lieutenant General "
        "Viktor Khrenin) and the CSTO Secretary General took part.",
    ],
    [
        "The CSTO Secretariat held a briefing for journalists on the results of the year.",
        "Journalists of the member states followed it by video link.",
    ],
]
RU_ITEMS = [
    [
        "12 октября 2023 года в Бишкеке состоялось заседание Совета министров иностранных дел ОДКБ.",
        "Министры обменялись мнениями о ситуации в Центральной Азии.",
        "В заседании приняли участие Генеральный секретарь ОДКБ и постоянные представители.",
    ],
    [
        "Генеральный секретарь ОДКБ провел брифинг для журналистов по итогам года.",
        "Журналисты государств-членов следили за ним в режиме видеосвязи.",
    ],
]
# Titles that are sentences (`.`, `!`, the site's `...`, two sentences), with their leads.
EN_SENTENCE_ARTICLES = [
    (
        "In {place}, veterans laid wreaths at the memorial to the fallen soldiers.",
        "in {place}, veterans of the Great Patriotic War and servicemen of the CSTO collective forces laid "
        "wreaths at the memorial to the fallen soldiers.",
        "The ceremony was part of the project of the CSTO member states.",
    ),
    (
        "The road of Victory goes on!",
        "the participants of the motor rally The Road of Victory arrived in {place}, where they met with veterans.",
        "The rally will end in Moscow.",
    ),
    (
        '"The Road of Courage", which unites ...',
        'the youth project "The Road of Courage", which unites young people of the CSTO member states, '
        "started in {place}.",
        "The participants will visit the memorials in five countries.",
    ),
    (
        "The results of the operation were summed up in {place}. More than 5 tons of drugs were seized.",
        "the results of the international anti-drug operation of the CSTO were summed up in {place}: "
        "more than 5 tons of drugs were seized during the operation.",
        "The operation involved the police, security and customs services of the member states.",
    ),
]
RU_SENTENCE_ARTICLES = [
    (
        "В {place} ветераны возложили венки к мемориалу павшим воинам.",
        "в {place} ветераны и военнослужащие Коллективных сил ОДКБ возложили венки к мемориалу павшим воинам.",
        "Церемония прошла в рамках проекта государств – членов ОДКБ.",
    ),
    (
        "Дорога Победы продолжается!",
        "участники автопробега «Дорога Победы» прибыли в {place}, где встретились с ветеранами.",
        "Автопробег завершится в Москве.",
    ),
]
RU_TEASERS = [
    "14 августа 2023 года в Секретариате ОДКБ состоялось совещание рабочей группы.",
    "Генеральный секретарь ОДКБ принял участие в заседании Совета министров иностранных дел.",
    "В Минске прошло заседание Комитета секретарей советов безопасности государств – членов ОДКБ.",
]

PHOTO_NAMES = ["ZVF_4799.JPG", "DSC_0001.JPG", "IMG-20190301-WA0007.jpg", "1500000000.jpg",
               "IMG-2019 (1).jpg", "Фото встречи 12.05.2019.jpg"]  # fmt: skip
NAV = [["Back to the section", "Back to the all news"], ["Go back", "Back to the section", "Back to the all news"],
       ["Go back"]]  # fmt: skip
RU_NAV = [["Назад"], ["Вернуться назад"]]


def _en_date(d: date, style: str) -> tuple[str, bool]:
    """A date phrase opening a lead, and whether it gives the year."""
    m = MONTHS[d.month - 1]
    match style:
        case "mdy":
            return f"On {m} {d.day}, {d.year},", True
        case "dmy":
            return f"On {d.day} {m} {d.year},", True
        case "range_mdy":
            return f"On {m} {d.day}-{d.day + 1}, {d.year},", True
        case "range_from":
            return f"From {d.day} to {d.day + 3} {m} {d.year},", True
        case "range_dmy":
            return f"On {d.day}-{d.day + 1} {m} {d.year},", True
        case "yearless":
            return f"On {d.day} {m},", False
        case "this_year":
            return f"On {m} {d.day} of this year,", False
    return "", False


# --- one page ------------------------------------------------------------------------------


def make_page(rng: random.Random) -> Page:
    ru = rng.random() < 0.15
    tags: list[str] = ["ru"] if ru else []
    article_day = date(2013, 1, 1) + timedelta(days=rng.randrange(0, 4000))
    article_day = article_day.replace(day=min(article_day.day, 25))
    sidebar = rng.choices(["none", "old", "new", "dated"], [20, 30, 20, 30])[0]
    sentence_title = rng.random() < 0.25
    if sentence_title:
        tags.append("title:sentence")
    if ru:
        title, lead_rest, more = rng.choice(RU_SENTENCE_ARTICLES if sentence_title else RU_ARTICLES)
        place = rng.choice(RU_PLACES)
    else:
        title, lead_rest, more = rng.choice(EN_SENTENCE_ARTICLES if sentence_title else EN_ARTICLES)
        place = rng.choice(PLACES)
    title, lead_rest = title.format(place=place), lead_rest.format(place=place)

    # The stamp and the event: the stamp is the publication date, the event up to a week earlier.
    placement = rng.choices(
        ["repeat", "repeat_ws", "line", "line_photo", "glued", "once", "download", "none"],
        [20, 4, 8, 5, 4, 5, 3, 45],
    )[0]
    tags.append(placement)
    stamp = article_day if placement != "none" else None
    event = article_day - timedelta(days=rng.choice([0, 0, 1, 2, 7]))

    # Date phrase of the lead.
    title_date: date | None = None
    if not ru and not sentence_title and placement == "none" and rng.random() < 0.12:
        title_date = event
        title = f"{title} on {MONTHS[event.month - 1]} {event.day}, {event.year}"
        tags.append("title-date")
    if ru:
        style = rng.choice(["gen", "gen", "sg", "none"])
        if style == "gen":
            phrase, has_year = f"{event.day} {RU_GEN[event.month - 1]} {event.year} года", True
        elif style == "sg":
            phrase, has_year = f"{event.day} {RU_GEN[event.month - 1]} с.г.", False
        else:
            phrase, has_year = "", False
        lead = f"{phrase} {lead_rest}".strip()
        lead = lead[0].upper() + lead[1:]
    else:
        style = rng.choices(
            ["mdy", "dmy", "range_mdy", "range_from", "range_dmy", "yearless", "this_year", "none"],
            [25, 25, 6, 5, 5, 8, 14, 12],
        )[0]
        phrase, has_year = _en_date(event, style)
        lead = f"{phrase} {lead_rest}" if phrase else lead_rest[0].upper() + lead_rest[1:]
    tags.append(f"lead:{style}")

    # Where the body starts shows a title that is a sentence: with no stamp, a dateline or
    # a photo name glued to the lead, or the top of a page with no sidebar.
    body_mark = None
    if sentence_title and placement == "none":
        body_mark = (
            "top" if sidebar == "none" else rng.choice(["glued-photo"] if ru else ["dateline", "glued-photo"])
        )
        tags.append(f"mark:{body_mark}")

    # A dateline as the first body line (English pages), which gives the year.
    dateline = None
    if not ru and (rng.random() < 0.1 or body_mark == "dateline"):
        m = MONTHS[event.month - 1]
        dateline = rng.choice(
            [f"{place}, {m} {event.day}, {event.year}", f"{m} {event.day}, {event.year}, {place}"]
        )
        tags.append("dateline")

    # The expected date, by the Dates rules: the stamp; else a complete date in the lead
    # or dateline (a yearless lead date takes the dateline's or title's year, which here
    # are the event's); else the title's; else unknown.
    if stamp:
        want: date | None = stamp
    elif (phrase and has_year) or dateline or title_date:
        want = event
    else:
        want = None

    # Body.
    subtitle_dash: str | None = None
    body = [lead, more]
    if not ru and rng.random() < 0.3:
        body.append("The participants noted the importance of Resolution 1540 and of the 1941-1945 memory.")
    if not ru and rng.random() < 0.08:
        body.insert(1, "MAIN DIRECTIONS OF COOPERATION")  # an all-caps heading inside the body
        tags.append("caps-heading")
    if not ru and rng.random() < 0.05:
        body.insert(2, "Участники встречи обсудили вопросы сотрудничества.")  # Russian inside English
    genre = "news" if ru or sentence_title else rng.choices(["news", "interview", "speech"], [84, 8, 8])[0]
    if genre == "interview":
        title = rng.choice(
            [
                "Interview of the CSTO Secretary General Stanislav Zas to the newspaper Izvestia",
                "Answers of the CSTO Secretary General to questions of the RIA Novosti agency",
            ]
        )
        mark = rng.choice(["— ", "- ", "– ", "1. "])
        lead = f"{mark}What are the main results of the year for the Organization?"
        body = [lead, "— The main result is that we have strengthened the collective forces.",
                f"{mark.replace('1', '2')}How do you assess the situation in Central Asia?",
                "— The situation remains difficult, but it is under control."]  # fmt: skip
        dateline, title_date = None, None
        want = stamp
        tags.append("interview")
        if rng.random() < 0.5:  # an em-dash subtitle over the first question
            subtitle_dash = "— Stanislav Zas on the priorities of the Organization in the coming year"
            tags.append("subtitle:dash")
    elif genre == "speech":
        title = "Speech by the CSTO Secretary General at the meeting of the OSCE Permanent Council"
        lead = "Dear Mr. Chairman!"
        body = [lead, "Dear colleagues!", "Let me thank you for the invitation to speak today.",
                "The CSTO is ready to cooperate with the OSCE in countering common threats."]  # fmt: skip
        title_date = None
        dateline = (
            f"Vienna, {MONTHS[event.month - 1]} {event.day}, {event.year}" if rng.random() < 0.7 else None
        )
        want = stamp or (event if dateline else None)
        tags.append("speech")
    if not ru and rng.random() < 0.05 and "CSTO" in title:
        title = title.replace("CSTO", "СSTO", 1)  # a Cyrillic С that looks Latin
        tags.append("lookalike")
    subtitle = subtitle_dash
    if subtitle is None and body_mark is None and rng.random() < 0.08:
        subtitle = "Results of the working meeting" if not ru else "Итоги рабочей встречи"
        tags.append("subtitle")
    credit = "Photo: CSTO press service" if not ru and rng.random() < 0.06 else None
    if credit:
        tags.append("credit")

    # Sidebar.
    tags.append(f"sidebar:{sidebar}")
    pool = RU_TEASERS if ru else EN_TEASERS
    n_teasers = 0 if sidebar == "none" else rng.randint(1, 5)
    teasers: list[list[str]] = []
    shuffled = rng.sample(pool, len(pool))  # a sidebar never shows one teaser twice
    items = rng.sample(RU_ITEMS if ru else EN_ITEMS, len(RU_ITEMS if ru else EN_ITEMS))
    heads = rng.sample(EN_HEADLINES, len(EN_HEADLINES))
    for _ in range(n_teasers):
        r = rng.random()
        if not ru and r < 0.12 and heads:
            teasers.append([heads.pop()])
        elif not ru and r < 0.18 and sidebar != "new" and EN_SPEECH not in teasers:
            teasers.append(list(EN_SPEECH))
        elif r < 0.4 and items:
            teasers.append(list(items.pop()))
            if sidebar != "dated":
                tags.append("item:several")
        elif shuffled:
            teasers.append([shuffled.pop()])
    # A headline-only teaser right before a title with no stamp is a coin toss for any reader
    # in an undated sidebar; real undated sidebars end with a teaser's prose.
    if teasers and sidebar != "dated" and len(teasers[-1]) == 1 and teasers[-1][0] in EN_HEADLINES:
        teasers[-1] = [shuffled.pop()] if shuffled else teasers[-1]
    if teasers and sidebar != "dated" and placement == "none" and teasers[-1] == EN_SPEECH and shuffled:
        teasers.append([shuffled.pop()])
    close = rng.random() < 0.25  # the page was saved soon after the article
    teaser_day = stamp or event
    if close:
        teaser_day += timedelta(days=rng.randint(3, 20))
        tags.append("teasers-close")
    else:
        teaser_day += timedelta(days=rng.randint(400, 2500))

    # Lay it out.
    compact = sidebar == "new" or rng.random() < 0.1  # one line per paragraph, no blank lines
    out: list[str] = []

    def para(*lines: str) -> None:
        out.extend(lines)
        if not compact:
            out.extend([""] * rng.choice([1, 1, 2, 3]))

    for i, t in enumerate(teasers):
        if sidebar == "dated":
            para((teaser_day - timedelta(days=i)).strftime("%d.%m.%Y"))
        for p in t:
            para(p)

    s = stamp.strftime("%d.%m.%Y") if stamp else ""
    photo = rng.choice(PHOTO_NAMES)
    first_body_glued = False
    if placement == "repeat":
        para(title)
        para(f"{title} {s}")
    elif placement == "repeat_ws":
        para(title)
        para(f"{title.replace(' ', '  ', 1)} {s}")
    elif placement == "line":
        para(title)
        para(s)
    elif placement == "line_photo":
        para(title)
        para(f"{s} {photo}")
    elif placement == "glued":
        para(title)
        first_body_glued = True
    elif placement == "once":
        para(f"{title} {s}")
    elif placement == "download":
        title = "Statement of the CSTO Foreign Ministers Council on the situation in the region"
        para(title)
        if rng.random() < 0.5:
            para(f"{s} Download document statement_{stamp.year if stamp else ''}.pdf")
        else:
            para(f"{s} Download document", f"statement_{stamp.year if stamp else ''}.docx")
        tags.append("statement")
    else:
        para(title)
    head_end = len(out)

    first = [p for p in (subtitle, credit, dateline) if p]
    paragraphs = [*first, *body]
    if rng.random() < 0.3:
        paragraphs.insert(len(first) + 1, rng.choice(PHOTO_NAMES))
    if rng.random() < 0.15:
        paragraphs.insert(len(first) + 1, "ZVF_4799.JPG\u00a0\u00a0\u00a0DSC_0002.JPG")
    if rng.random() < 0.2:
        paragraphs[-1] += " " + rng.choice(PHOTO_NAMES[:3])
    lead_at = 0
    for k, p in enumerate(paragraphs):
        if p == lead:
            lead_at = len(out)
        if p == lead and body_mark == "glued-photo" and not first:
            p = rng.choice(["IMG-0001.jpg", "DSC_0412.JPG"]) + p  # the name glued to the first word
        if k == 0 and first_body_glued:
            p = s + p
        if rng.random() < 0.1:
            p = p.replace(" ", "\u00a0", 2)
        if rng.random() < 0.05:
            p = "   " + p + "  "
        para(p)
    if not ru and rng.random() < 0.25:
        block = ["__________", "CSTO Press secretary Vladimir Zaynetdinov", "+7495-795-27-10",
                 "+7495-621-33-23-tel/fax", "odkb-pressa@gov.ru"]  # fmt: skip
        if rng.random() < 0.5:
            para(" ".join(block[1:]))
        else:
            for b in block:
                para(b)
        tags.append("press")

    want_lead = lead
    want_title: str | None = title
    # Cut off, or closed by navigation lines.
    r = rng.random()
    if r < 0.15:
        tags.append("cut:body")
        # cut inside the lead's second half, or later
        cut_len = rng.randint(min(70, len(out[lead_at])), len(out[lead_at]))
        text = "\n".join([*out[:lead_at], out[lead_at][:cut_len]])
    elif r < 0.2 and placement in ("repeat", "repeat_ws", "line", "once", "none") and body_mark is None:
        tags.append("cut:head")
        text = "\n".join(out[:head_end]).rstrip("\n")
        want_lead = ""
        if placement == "none":
            want = title_date
        if placement in ("repeat", "repeat_ws") and rng.random() < 0.5:
            text = text[: -rng.randint(1, 8)]  # inside the repeated title: the stamp is gone
            tags.append("inside-title")
            want = None
    else:
        nav = rng.choice(RU_NAV if ru else NAV)
        for n in nav:
            para(n)
        text = "\n".join(out)
    return Page(
        text=text,
        title=want_title,
        date=want.isoformat() if want else None,
        lead=want_lead[:50],
        teasers=len(teasers),
        variant=" ".join(tags),
    )


def pages(n: int, seed: int = 1) -> list[Page]:
    rng = random.Random(seed)
    return [make_page(rng) for _ in range(n)]


def score(n: int = 500, seed: int = 1) -> tuple[dict[str, float], list[tuple[Page, list[str]]]]:
    """Accuracy of the parser on `n` synthetic pages, and the pages it got wrong (and how)."""
    acc, wrong, _ = score_by_shape(n, seed)
    return acc, wrong


# The shapes reported on their own: sidebars, where the body starts, titles that are sentences.
SHAPES = ("sidebar:none", "sidebar:old", "sidebar:new", "sidebar:dated", "item:several", "title:sentence",
          "mark:dateline", "mark:glued-photo", "mark:top", "subtitle:dash", "dateline", "ru", "cut:head", "cut:body")  # fmt: skip


def score_by_shape(
    n: int = 500, seed: int = 1
) -> tuple[dict[str, float], list[tuple[Page, list[str]]], dict[str, dict[str, float]]]:
    """`score`, and the same accuracy for the pages of each shape in SHAPES (with `pages`,
    how many pages show it)."""
    from cstonews.parse import parse_page
    from cstonews.text import squash

    hits = {"title": 0, "date": 0, "lead": 0, "teasers": 0}
    per_shape = {s: {"pages": 0, "title": 0, "date": 0, "lead": 0, "teasers": 0} for s in SHAPES}
    wrong: list[tuple[Page, list[str]]] = []
    batch = pages(n, seed)
    for p in batch:
        before = dict(hits)
        got = parse_page(p.text, "synth.txt")
        art = got.article
        misses = []
        if art is not None and p.title is not None and squash(art.title or "") == squash(p.title):
            hits["title"] += 1
        else:
            misses.append(f"title {art.title if art else None!r}")
        if (art.date if art else None) == p.date:
            hits["date"] += 1
        else:
            misses.append(f"date {art.date if art else None} != {p.date}")
        lead = squash(art.lead) if art else ""
        if lead.startswith(squash(p.lead)) and (lead == "") == (p.lead == ""):
            hits["lead"] += 1
        else:
            misses.append(f"lead {lead[:50]!r}")
        if len(got.teasers) == p.teasers:
            hits["teasers"] += 1
        else:
            misses.append(f"teasers {len(got.teasers)} != {p.teasers}")
        if misses:
            wrong.append((p, misses))
        tags = set(p.variant.split())
        for shape, row in per_shape.items():
            if shape in tags:
                row["pages"] += 1
                for k in hits:
                    row[k] += hits[k] - before[k]
    shapes = {
        shape: {"pages": row["pages"], **{k: row[k] / row["pages"] for k in hits}}
        for shape, row in per_shape.items()
        if row["pages"]
    }
    return {k: v / n for k, v in hits.items()}, wrong, shapes


if __name__ == "__main__":
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 500
    seed = int(sys.argv[2]) if len(sys.argv) > 2 else 1
    acc, wrong, shapes = score_by_shape(n, seed)
    for p, misses in wrong[:15]:
        print("=" * 70, "\n", p.variant, "|", "; ".join(misses))
        print(p.text[:1500])
    print(f"{'shape':<18}{'pages':>6}{'title':>8}{'date':>8}{'lead':>8}{'teasers':>9}")
    for shape, row in shapes.items():
        print(f"{shape:<18}{row['pages']:>6.0f}" + "".join(f"{row[k]:>8.3f}" for k in ("title", "date", "lead"))
              + f"{row['teasers']:>9.3f}")  # fmt: skip
    print({k: round(v, 3) for k, v in acc.items()}, f"{len(wrong)} pages with a miss")
