"""Where one sidebar item ends and the next begins. Dated sidebars mark each item's extent
with their date lines: the same sidebar with the date lines taken out must split the same
way by the undated rule."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cstonews.parse import read_page
from cstonews.sidebar import continues, opens_like_lead

HERE = Path(__file__).resolve().parent
_BARE_DATE = re.compile(r"\s*\d\d\.\d\d\.\d{4}\s*")


def _dated_pages() -> list[Path]:
    out = []
    for f in sorted((HERE / "pages").glob("*.txt")) + sorted((HERE.parent / "samples").glob("*.txt")):
        page = read_page(f.read_bytes(), f.name)
        if page.teasers and all(t.date_source == "stamp" for t in page.teasers):
            out.append(f)
    return out


DATED = _dated_pages()


def test_there_are_dated_sidebars_with_items_of_several_paragraphs() -> None:
    several = [f for f in DATED if any(len(t.body) > 1 for t in read_page(f.read_bytes(), f.name).teasers)]
    assert len(several) >= 2


@pytest.mark.parametrize("path", DATED, ids=lambda p: p.stem)
def test_a_dated_sidebar_without_its_dates_splits_the_same(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    dated = read_page(text.encode(), path.name)
    assert dated.article is not None and dated.article.title
    lines = text.split("\n")
    title_at = next(i for i, ln in enumerate(lines) if ln.strip() == dated.article.title)
    undated_text = "\n".join(
        ln for i, ln in enumerate(lines) if i >= title_at or not _BARE_DATE.fullmatch(ln)
    )
    undated = read_page(undated_text.encode(), path.name)
    assert [t.body for t in undated.teasers] == [t.body for t in dated.teasers]
    assert undated.article is not None and undated.article.title == dated.article.title


@pytest.mark.parametrize(
    ("item", "para"),
    [
        (["Allow me to thank the presidency of the forum for the invitation."],
         "I am glad to take part in this discussion, which touches on security."),
        (["Dear Mr. Secretary!", "Dear colleagues!"], "On behalf of the Secretariat, I welcome you."),
        (["A meeting of the Council of Foreign Ministers was held in Yerevan on 12 October."],
         "The ministers exchanged views on the situation in the region."),
        (["A meeting of the Council was held in Minsk."], "The heads of state discussed the results of the year."),
        (["On 3 March the Council of Defence Ministers met by video link."],
         "The defence ministers of Armenia (Lieutenant General S. Papikyan) and of Belarus took part."),
        (["The Secretariat held a briefing on the results of the year."],
         "Journalists of the member states followed it by video link."),
        (["A seminar was held in Moscow."], "During the seminar, the experts discussed the draft plan."),
        (["В Минске состоялось заседание Совета министров обороны."], "Министры обсудили план совместных учений."),
        (["В Минске состоялось заседание Совета."], "В заседании приняли участие министры обороны."),
    ],
)  # fmt: skip
def test_a_continuation_joins_its_item(item: list[str], para: str) -> None:
    assert continues(item, para)


@pytest.mark.parametrize(
    ("item", "para"),
    [
        (["A meeting of the Council was held in Minsk."], "On 5 May, the ministers met again in Astana."),
        (["A meeting of the Council was held in Minsk."], "From 3 to 6 September 2024, the exercise took place."),
        (["Allow me to thank the forum for the invitation."], "The CSTO Secretary General congratulated the President."),
        (["The CSTO Secretariat expresses serious concern."], "In Osh, veterans laid wreaths at the memorial."),
        (["The CSTO Secretariat expresses serious concern."], "The exercise Interaction-2023 started in Belarus."),
        (["The road of Victory goes on!"], "The CSTO Secretary General visited Bishkek."),
        (["Дорога Победы продолжается!"], "Генеральный секретарь ОДКБ посетил Бишкек."),
        (["В Минске состоялось заседание Совета."], "14 августа 2023 года в Секретариате ОДКБ состоялось совещание."),
    ],
)  # fmt: skip
def test_a_paragraph_that_opens_like_a_lead_starts_a_new_item(item: list[str], para: str) -> None:
    assert not continues(item, para)


_WORDS = st.sampled_from(
    ["the", "ministers", "meeting", "we", "it", "held", "in", "Minsk", "took", "part", "CSTO"]
)
_DATES = st.sampled_from(
    ["On 5 May 2021,", "On 12 October,", "From 3 to 6 September 2024,", "14 августа 2023 года"]
)


@settings(max_examples=100, deadline=None)
@given(
    st.lists(st.text(min_size=1, max_size=60), min_size=1, max_size=3), _DATES, st.lists(_WORDS, max_size=12)
)
def test_a_paragraph_opening_with_a_date_is_never_joined_unless_a_salutation_or_a_line_break_holds_it(
    item: list[str], opening: str, words: list[str]
) -> None:
    para = f"{opening} {' '.join(words)}."
    assert opens_like_lead(para)
    if not item[-1].endswith("!"):
        assert not continues(item, para)


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=200), st.lists(st.text(max_size=80), max_size=3))
def test_continues_takes_any_text(para: str, item: list[str]) -> None:
    assert continues(item, para) in (True, False)
    assert not continues([], para)
