"""The five real pages in samples/, read by hand: every field FORMAT.md defines."""

from __future__ import annotations

from pathlib import Path

import pytest

from cstonews.parse import read_page
from cstonews.release import PageReading

SAMPLES = Path(__file__).resolve().parent.parent / "samples"


def page(name: str) -> PageReading:
    path = SAMPLES / name
    return read_page(path.read_bytes(), str(path))


ARMS = "2019-04-02-arms-control-consultations.txt"
DUSHANBE = "2019-05-17-dushanbe-counter-terrorism-conference.txt"
COUNCIL = "2018-11-27-permanent-council-ukraine.txt"
VALDAI = "2022-02-09-zas-valdai-club.txt"
MISSION = "2022-09-14-mission-advance-team-armenia.txt"

# The three teasers of the 2020 sidebar that ARMS, DUSHANBE and COUNCIL share.
BELARUS_CONGRATS = "Dear Alexander Grigorievich, Please accept"
BORDER_CONCERN = "The CSTO Secretariat expresses serious concern"
WORKING_GROUP = "On July 9, 2020, the CSTO Secretariat hosted the first meeting"


def test_samples_are_the_seed_pages_byte_for_byte() -> None:
    seeds = Path(__file__).resolve().parent.parent.parent / "shared" / "seeds"
    if not seeds.is_dir():
        pytest.skip("shared/seeds is not beside this checkout")
    ours = sorted(p.read_bytes() for p in SAMPLES.glob("*.txt"))
    theirs = sorted(p.read_bytes() for p in seeds.iterdir())
    assert ours == theirs


def test_arms_control_consultations() -> None:
    p = page(ARMS)
    a = p.article
    assert a is not None and p.warnings == []
    assert a.title == (
        "Consultations of the CSTO member states on cooperation in arms control, "
        "disarmament and non-proliferation issues took place in Moscow"
    )
    # No stamp: the date is the lead's `On April 2, 2019`.
    assert (a.date, a.date_precision, a.date_source) == ("2019-04-02", "day", "lead")
    assert a.lead.startswith("On April 2, 2019, in Moscow, under the chairmanship")
    assert len(a.body) == 3
    assert a.body[-1].endswith("was confirmed.")  # the photo name taken off its end
    assert a.photos == ["ZVF_4799.JPG"]
    assert a.contacts == []
    assert a.countries == []  # "member states" only; Moscow is a city
    assert a.people == ["Ara Badalyan"]
    assert a.lang == "en" and a.kind == "article"
    assert a.id == "2019-04-02-consultations-of-the-csto-member-states"
    assert [t.lead[:40] for t in p.teasers] == [
        BELARUS_CONGRATS[:40],
        BORDER_CONCERN[:40],
        WORKING_GROUP[:40],
    ]
    # `July 12, this year` with no stamp for the teaser: its year is unknown.
    assert [t.date for t in p.teasers] == [None, None, "2020-07-09"]
    assert [t.date_source for t in p.teasers] == [None, None, "lead"]
    assert p.teasers[2].people == ["Stanislav Zas"]


def test_dushanbe_conference() -> None:
    p = page(DUSHANBE)
    a = p.article
    assert a is not None and p.warnings == []
    assert a.title is not None and a.title.startswith("CSTO delegation took part in the conference")
    assert a.title.endswith("held May 16-17, 2019 in Dushanbe")
    # The lead's `On May 17, 2019` comes before the title's range.
    assert (a.date, a.date_source) == ("2019-05-17", "lead")
    assert a.lead.startswith("On May 17, 2019, the CSTO delegation led by")
    assert len(a.body) == 6
    assert a.body[-1].startswith("On the Conference the CSTO delegation on May 16 of this year")
    assert a.photos == [] and a.contacts == []
    assert a.countries == ["Tajikistan"]
    assert a.people == ["Alymbay Sultanov"]
    assert len(p.teasers) == 3


def test_permanent_council() -> None:
    p = page(COUNCIL)
    a = p.article
    assert a is not None and p.warnings == []
    assert a.title is not None and a.title.startswith(
        "At the Permanent Council of the CSTO, the Russian side"
    )
    # `27.11.2018 ZVF_2142.JPG` on its own line is the stamp; the lead only says
    # `November 27th of this year`.
    assert (a.date, a.date_source) == ("2018-11-27", "stamp")
    assert a.lead.startswith("November 27th of this year. A meeting of the Permanent Council")
    assert len(a.body) == 3
    assert a.photos == ["ZVF_2142.JPG", "ZVF_2150.JPG"]
    assert a.contacts == [
        "CSTO Press secretary Vladimir Zaynetdinov",
        "+7495-795-27-10",
        "+7495-621-33-23-tel/fax",
        "odkb-pressa@gov.ru",
    ]
    assert a.countries == ["Russia", "Kyrgyzstan"]
    assert a.people == ["Aman Mambetseitov", "Valery Semerikov", "Andrei Shvedov"]
    # `Resolution 1540` is not a year; `November 25, 2018` is in the body, not the lead.
    assert a.event_date is None
    assert [t.lead[:40] for t in p.teasers] == [BORDER_CONCERN[:40], WORKING_GROUP[:40]]


def test_valdai_club() -> None:
    p = page(VALDAI)
    a = p.article
    assert a is not None and p.warnings == []
    assert a.title == (
        "Stanislav Zas at the “Valdai” Club forum stated that the CSTO strategic goal "
        "remained the strengthening of peace and international security"
    )
    # `09.02.2022` is 9 February (day first), not 2 September; the sidebar's dates
    # (2023) come first on the page and are not the article's.
    assert (a.date, a.date_source) == ("2022-02-09", "stamp")
    assert a.lead.startswith("On February 9, 2022, the CSTO Secretary General Stanislav Zas participated")
    assert len(a.body) == 11
    assert a.body[-1].startswith("In conclusion, Stanislav Zas stressed")
    assert a.photos == []
    assert a.contacts == [
        "The CSTO Press Secretary Vladimir Zaynetdinov",
        "+7495-795-27-10",
        "+7495-621-33-23-tel/fax",
        "odkb-pressa@gov.ru",
    ]
    assert set(a.countries) == {"Armenia", "Belarus", "Kazakhstan", "Kyrgyzstan", "Russia", "Tajikistan"}
    assert a.people[0] == "Stanislav Zas"
    assert {"Armen Ghevondian", "Alexander Pankin", "Vyacheslav Remenchik"} <= set(a.people)
    # Five dated teasers; the second runs over two paragraphs under one date.
    assert [t.date for t in p.teasers] == [
        "2023-11-24", "2023-11-23", "2023-11-23", "2023-11-22", "2023-11-21",
    ]  # fmt: skip
    assert all(t.date_source == "stamp" for t in p.teasers)
    assert [len(t.body) for t in p.teasers] == [1, 2, 1, 1, 1]
    assert (
        p.teasers[1].lead
        == "A meeting of the CSTO Collective Security Council was held in Minsk on 23 November."
    )
    assert p.teasers[2].people == ["Alexander Lukashenko"]


def test_mission_advance_team() -> None:
    p = page(MISSION)
    a = p.article
    assert a is not None and p.warnings == []
    assert a.title == "The CSTO Mission advance team will be sent to the Republic of Armenia on September 15"
    assert (a.date, a.date_source) == ("2022-09-14", "stamp")
    assert a.event_date == "2022-09-13"
    assert a.lead.startswith("The CSTO has started implementation of the agreement")
    assert "  " not in a.lead and "\u00a0" not in a.lead  # NBSP runs read as one space
    assert len(a.body) == 3
    assert a.countries == ["Armenia"]
    assert a.people == ["Anatoly Sidorov", "Stanislav Zas"]
    # `15 May marks the 32nd anniversary`: no year on the page for it, and never 2032.
    assert [t.date for t in p.teasers] == ["2024-05-16", None, "2024-04-24"]
    assert p.teasers[1].lead.startswith("15 May marks the 32nd anniversary")


@pytest.mark.parametrize("name", [ARMS, DUSHANBE, COUNCIL, VALDAI, MISSION])
def test_no_navigation_or_photo_names_in_text(name: str) -> None:
    p = page(name)
    assert p.article is not None
    for text in [*p.article.body, *(t.lead for t in p.teasers)]:
        assert "Back to the" not in text and "Go back" not in text
        assert ".JPG" not in text
    assert p.article.sources == [str(SAMPLES / name)]


def test_file_names_are_recognised_by_their_extension_before_any_pattern_runs() -> None:
    from cstonews.parse import _ends_with_extension, _files_only

    assert _ends_with_extension("IMG_0001.JPG") and _ends_with_extension("Report 2019.docx")
    assert not _ends_with_extension("held in Moscow.") and not _ends_with_extension("v. 2.0")
    assert _files_only("IMG_0001.jpg   IMG_0002.jpg") == ["IMG_0001.jpg", "IMG_0002.jpg"]
    assert _files_only("The meeting was held in Minsk.") is None
    # The longest extension wins: `.docx` is not `.doc` followed by an `x`.
    assert _files_only("Report.docx Annex.xlsx scan.TIFF") == ["Report.docx", "Annex.xlsx", "scan.TIFF"]
