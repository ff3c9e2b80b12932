"""Which items are one release: the rules, on plain lists of items (no index, no files)."""

from __future__ import annotations

import itertools
import random
import re

from hypothesis import given, settings
from hypothesis import strategies as st

from cstonews.identity import (
    Components,
    Item,
    cluster,
    components,
    item_of,
    keys,
    plain_id,
    suffix,
    words,
)
from cstonews.text import fold_lookalikes

_refs = itertools.count(1)

LEAD = "On 12 May 2020, in Moscow, the CSTO Secretary General met the ambassadors of the member states."
BODY = [
    LEAD,
    "The parties discussed cooperation in the field of collective security and the fight against terrorism.",
    "The ambassadors noted the importance of joint exercises of the Collective Rapid Reaction Forces.",
]


@given(
    st.text(st.sampled_from(list("aZ9_ .,'\u201c\u2014\u00a0ЖёСсßİ\u0301")), max_size=40)
    | st.text(max_size=30)
)
def test_words_are_the_words_of_the_folded_text(text: str) -> None:
    assert words(text) == " ".join(re.findall(r"\w+", fold_lookalikes(text).casefold()))


def art(
    title: str | None = "Meeting with the ambassadors of the member states",
    body: list[str] | None = None,
    date: str | None = "2020-05-12",
    source: str = "a.txt",
    cut: bool = False,
    saved: int = 0,
    lead: str | None = None,
    attachments: tuple[str, ...] = (),
) -> Item:
    body = list(BODY) if body is None else body
    return item_of(
        "article", title=title, lead=lead if lead is not None else (body[0] if body else ""), body=body,
        date=date, precision="day" if date else None, ref=next(_refs), source=source, cut=cut, saved=saved,
        attachments=attachments,
    )  # fmt: skip


def teaser(text: str | list[str], date: str | None = None, source: str = "s.txt", ord: int = 0) -> Item:
    paras = [text] if isinstance(text, str) else text
    return item_of(
        "teaser", title=None, lead=paras[0], body=paras, date=date, precision="day" if date else None,
        ref=next(_refs), source=source, ord=ord,
    )  # fmt: skip


def releases(items: list[Item]) -> list[set[int]]:
    """The releases as sets of item refs, in a canonical order."""
    return sorted(({it.ref for it in g} for g in cluster(items)), key=min)


def test_copies_of_one_article_are_one_release_told_by_the_complete_copy() -> None:
    full = art(source="b.txt")
    cut = art(body=BODY[:2], cut=True, source="a.txt")
    (group,) = cluster([cut, full])
    assert group[0] is full and set(group) == {full, cut}


def test_a_copy_cut_inside_its_repeated_title_joins_its_article() -> None:
    full = art()
    cut = art(body=[], date=None, cut=True, source="c.txt")
    assert len(cluster([full, cut])) == 1
    cut_title = art(title="Meeting with the ambassadors of", body=[], date=None, cut=True, source="d.txt")
    assert len(cluster([full, cut_title])) == 1


def test_the_corrected_resave_speaks_for_the_release() -> None:
    old = art(title="Meeting with the ambassdors of the member states", saved=1, source="z.txt")
    new = art(saved=2, source="a.txt")
    (group,) = cluster([old, new])
    assert group[0] is new


def test_a_corrected_stamp_digit_is_the_same_release() -> None:
    assert len(cluster([art(date="2020-05-12"), art(date="2020-05-13", source="b.txt")])) == 1


def test_one_lead_under_two_titles_and_dates_is_two_releases() -> None:
    a = art(title="Statement on the situation in the region", date="2010-03-01")
    b = art(title="Results of the meeting of the Permanent Council", date="2020-03-01", source="b.txt",
            body=[LEAD, "The Council adopted a statement on the situation on the borders of the member states."])  # fmt: skip
    assert len(cluster([a, b])) == 2


def test_speeches_that_open_with_one_salutation_are_apart() -> None:
    a = art(title="Speech at the forum in Minsk", body=["Dear colleagues!", BODY[1]], date=None)
    b = art(
        title="Speech at the conference in Dushanbe",
        body=["Dear colleagues!", BODY[2]],
        date=None,
        source="b.txt",
    )
    assert len(cluster([a, b])) == 2
    # and a teaser showing only the greeting is neither
    t = teaser("Dear colleagues!")
    assert len(cluster([a, b, t])) == 3


def test_a_reused_title_keeps_years_apart_and_a_headline_joins_only_the_one_whose_date_fits() -> None:
    title = "Interview of the CSTO Secretary General to the TASS agency"
    a = art(title=title, date="2015-02-01", body=[BODY[1], BODY[2]])
    b = art(title=title, date="2019-06-01", body=[LEAD, "The Secretary General answered questions on the situation."], source="b.txt")  # fmt: skip
    assert len(cluster([a, b])) == 2
    fits_b = teaser(title, date="2019-06-03")
    fits_none = teaser(title, date="2023-01-10", source="t.txt")
    undated = teaser(title, source="u.txt")
    got = releases([a, b, fits_b, fits_none, undated])
    assert {b.ref, fits_b.ref} in got and {a.ref} in got
    assert {fits_none.ref} in got  # its own, newer release
    assert len(got) == 4 and sum(undated.ref in g for g in got) == 1


def test_title_only_pages_with_one_title_and_different_stamps_are_apart() -> None:
    a = art(
        title="Statement of the Council of Foreign Ministers",
        body=[],
        date="2016-01-01",
        attachments=("a.pdf",),
    )
    b = art(
        title="Statement of the Council of Foreign Ministers",
        body=[],
        date="2021-01-01",
        attachments=("b.pdf",),
    )
    assert len(cluster([a, b])) == 2


def test_the_same_teaser_text_a_year_apart_is_two_releases() -> None:
    text = "The CSTO Secretary General congratulated the peoples of the member states on the New Year."
    got = cluster(
        [teaser(text, "2019-12-31"), teaser(text, "2020-01-02", "b.txt"), teaser(text, "2020-12-31", "c.txt")]
    )
    assert sorted(len(g) for g in got) == [1, 2]


def test_leads_that_agree_in_a_long_start_are_different_paragraphs() -> None:
    preamble = (
        "In accordance with the plan of the main activities of the CSTO for the year approved by the Council "
        * 3
    )
    a = art(title="First event of the plan", body=[preamble + "the first event took place."], date=None)
    b = art(
        title="Second event of the plan",
        body=[preamble + "the second event took place."],
        date=None,
        source="b.txt",
    )
    assert len(cluster([a, b])) == 2
    assert len(cluster([a, b, teaser(preamble + "the second event took place.")])) == 2


def test_teasers_join_their_article_whole_cut_short_or_as_a_headline() -> None:
    a = art()
    items = [
        a,
        teaser(LEAD, "2020-05-12"),
        teaser(LEAD[:60] + "…", source="t1.txt"),
        teaser(LEAD[:60], source="t2.txt"),
        teaser("Meeting with the ambassadors of the member states", source="t3.txt"),
        teaser("Meeting with the ambassadors", source="t4.txt"),
    ]
    assert len(cluster(items)) == 1


def test_a_teaser_joins_no_article_whose_date_is_far_from_its_own() -> None:
    assert len(cluster([art(), teaser(LEAD, "2021-05-12")])) == 2


def test_a_sidebar_paragraph_that_continues_an_article_is_part_of_it() -> None:
    assert len(cluster([art(), teaser(BODY[1])])) == 1


def test_a_teaser_split_on_one_page_is_mended_by_a_page_showing_it_whole() -> None:
    item = ["A meeting of the Council of Foreign Ministers was held in Yerevan on 12 October.",
            "The ministers exchanged views on the international situation and on regional security."]  # fmt: skip
    whole = teaser(item, "2023-10-12", "a.txt")
    assert (
        len(cluster([whole, teaser(item[0], source="b.txt", ord=0), teaser(item[1], source="b.txt", ord=1)]))
        == 1
    )


def test_one_item_is_in_one_release() -> None:
    items = [art(), art(source="b.txt", cut=True, body=BODY[:1]), teaser(LEAD), teaser(BODY[1])]
    got = cluster(items)
    assert sorted(it.ref for g in got for it in g) == sorted(it.ref for it in items)


def test_ids_are_readable_and_their_suffix_comes_from_the_release_itself() -> None:
    a = art()
    assert plain_id(a, a.date) == "2020-05-12-meeting-with-the-ambassadors-of-the"
    b = art(body=[BODY[2]], source="b.txt")
    assert suffix(a, a.date) != suffix(b, b.date)
    assert suffix(a, a.date) == suffix(art(source="elsewhere.txt", saved=9), "2020-05-12")


# --- properties: random archives of distinct articles, built with the traps ----------------

WORDS = [
    "security",
    "council",
    "ministers",
    "defence",
    "cooperation",
    "terrorism",
    "border",
    "exercise",
    "forces",
    "summit",
]


def sentence(rng: random.Random, n: int = 12) -> str:
    """A sentence of `n` of the site's words, at random (also used by test_refresh)."""
    return " ".join(rng.choice(WORDS) for _ in range(n)).capitalize() + "."


@st.composite
def archives(draw: st.DrawFn) -> tuple[list[Item], int]:
    """Items of a folder of distinct articles with their copies and teasers, and how many
    releases a careful archivist counts."""
    rng = random.Random(draw(st.integers(0, 10**6)))
    n = draw(st.integers(1, 8))
    shared_lead = sentence(rng, 14)
    shared_title = "Interview of the Secretary General to the agency"
    items: list[Item] = []
    releases_ = n
    for i in range(n):
        day = f"{2010 + i}-0{1 + i % 9}-1{i % 10}"
        lead = rng.choice([shared_lead, "Dear colleagues!", sentence(rng)])
        body = [lead, sentence(rng), sentence(rng), f"Paragraph {i} {sentence(rng)}"]
        title = rng.choice([shared_title, f"Event number {i} of the {rng.choice(WORDS)} programme"])
        stamped = rng.random() < 0.7
        the = art(title=title, body=body, date=day if stamped else None, source=f"{i}.txt")
        items.append(the)
        for c in range(draw(st.integers(0, 2))):
            kind = rng.choice(["same", "cut", "typo"])
            src = f"{i}-copy{c}.txt"
            if kind == "same":
                items.append(art(title=title, body=body, date=the.date, source=src))
            elif kind == "cut":
                # cut after a paragraph that tells it from the others (its last may be cut short)
                items.append(
                    art(title=title, body=body[: rng.randint(3, 4)], date=the.date, source=src, cut=True)
                )
            else:
                items.append(art(title=title[:-1] + "x", body=body, date=the.date, source=src))
        if stamped and lead not in (shared_lead, "Dear colleagues!") and rng.random() < 0.7:
            items.append(teaser(lead, day, source=f"side{i}.txt"))
    if draw(st.booleans()):
        # a teaser whose article is not in the folder
        items.append(teaser(sentence(rng, 15) + " Extra", "2030-01-01", source="orphan.txt"))
        releases_ += 1
    return items, releases_


@settings(max_examples=60, deadline=None)
@given(archives(), st.randoms())
def test_one_release_per_distinct_article_in_any_order(
    case: tuple[list[Item], int], rnd: random.Random
) -> None:
    items, expected = case
    got = releases(items)
    assert len(got) == expected
    shuffled = list(items)
    rnd.shuffle(shuffled)
    assert releases(shuffled) == got


@settings(max_examples=60, deadline=None)
@given(archives())
def test_clustering_by_component_is_clustering_the_whole(case: tuple[list[Item], int]) -> None:
    items, _ = case
    by_parts = sorted(({it.ref for it in g} for comp in components(items) for g in cluster(comp)), key=min)
    assert by_parts == releases(items)


def test_items_round_trip_through_their_stored_form() -> None:
    a = art(attachments=("x.pdf",))
    assert Item.from_list(a.to_list()) == a
    assert keys(Item.from_list(a.to_list())) == keys(a)


def test_a_date_a_teaser_reads_from_its_own_text_says_nothing_against_its_article() -> None:
    lead = (
        "June 18 of this year. The CSTO began to carry out the agreement of the session of 13 September 2022."
    )
    a = art(body=[lead, BODY[1]], date="2018-06-18")
    t = item_of("teaser", title=None, lead=lead, body=[lead], date="2022-09-13", precision="day", date_source="lead",
                ref=next(_refs), source="s.txt")  # fmt: skip
    assert len(cluster([a, t])) == 1
    stamped = teaser(lead, "2022-09-13")  # a stamp of its own that far off: another release
    assert len(cluster([a, stamped])) == 2


@given(
    size=st.integers(1, 40),
    pairs=st.lists(st.tuples(st.integers(0, 39), st.integers(0, 39)), max_size=60),
)
def test_components_one_at_a_time_are_the_components(size: int, pairs: list[tuple[int, int]]) -> None:
    comps = Components(size)
    for a, b in pairs:
        if a < size and b < size:
            comps.union(a, b)
    refs = list(range(size))
    assert list(comps.each(refs)) == comps.groups(refs)
