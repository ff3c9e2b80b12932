"""Countries and people in a release's text, and one person's spellings as one."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from cstonews import dates, entities
from cstonews.text import alternation


def test_member_states_in_every_form_and_other_countries() -> None:
    t = ("the Republic of Armenia and the Kyrgyz Republic; the Russian Federation; on the "
         "Armenian-Azerbaijani border; Belarusian and Kazakh delegations; Таджикистан; Afghan refugees")  # fmt: skip
    assert entities.countries(t) == ["Armenia", "Kyrgyzstan", "Russia", "Belarus", "Kazakhstan", "Tajikistan"]
    assert entities.all_countries(t)[-2:] == ["Tajikistan", "Afghanistan"]
    assert "Azerbaijan" in entities.all_countries(t)
    assert entities.countries("Prussian history, unarmenian") == []  # word starts only


def test_one_person_however_written_with_a_role() -> None:
    t = ("The CSTO Secretary General Stanislav ZAS met S. Zas's deputy. Valery Semerikov, Acting "
         "Secretary General of the CSTO, took part, as did Zas himself.")  # fmt: skip
    people = entities.find_people(t)
    assert [p.name for p in people] == ["Stanislav ZAS", "Valery Semerikov"]
    assert people[0].role == "CSTO Secretary General"
    assert people[1].role == "Acting Secretary General of the CSTO"
    assert entities.person_keys("Stanislav ZAS") == entities.person_keys("S. Zas") == ("zas", "s")


def test_no_people_without_a_role_and_acronyms_are_not_surnames() -> None:
    assert entities.people("Moscow Region Dushanbe Meeting Point CSTO") == []
    assert entities.people("Secretary General Stanislav Zas OSCE said") == ["Stanislav Zas"]


def test_country_names_the_user_types() -> None:
    assert entities.country_name("Armenian") == "Armenia"
    assert entities.country_name("Армения") == "Armenia"
    assert entities.country_name("united states") == "United States"
    # In whatever case the user types it.
    assert entities.country_name("armenian") == "Armenia"
    assert entities.country_name("KAZAKH") == "Kazakhstan"
    assert entities.country_name("армянский") == "Armenia"
    assert entities.country_name("ТАДЖИКИСТАН") == "Tajikistan"
    assert entities.country_name("usa") == "United States"
    assert entities.country_name("Atlantis") is None


@given(
    st.text(
        alphabet=st.sampled_from(list("0123456789 .,-–May June мая года of this year 2019 15th")),
        max_size=120,
    )
)
def test_dates_looked_for_near_digits_find_what_the_whole_pattern_finds(text: str) -> None:
    whole = [m.span() for m in dates._DATE_RE.finditer(text)]
    near = [m.span() for m in dates._date_matches(text)]
    assert near == whole


# --- the speed-ups must not change what is found ------------------------------------------

_PIECES = ["CSTO ", "Secretary General ", "Deputy ", "head ", "Minister ", "of the ", "Stanislav ",
           "Zas", "ZAS ", "S. ", ", ", ". ", "; ", "(", ")", "“", "”", "said ", "the ", "Armenia",
           "Chair", "Chairman ", "x", " ", " \n", "\n"]  # fmt: skip


@given(st.lists(st.sampled_from(_PIECES), max_size=40), st.data())
def test_role_before_searches_only_where_the_pattern_can_match(
    pieces: list[str], data: st.DataObject
) -> None:
    text = "".join(pieces)
    start = data.draw(st.integers(0, len(text)))  # where a name would start: 90 characters before it count
    full = entities._ROLE_BEFORE.search(text[max(0, start - 90) : start])
    assert entities._role_before(text, start, text[::-1]) == (full and full.group(0))


@given(
    st.lists(st.text("abcAB- ", min_size=1, max_size=6), min_size=1, max_size=8),
    st.text("abcAB- ", max_size=40),
)
def test_trie_alternation_matches_what_a_longest_first_alternation_matches(
    words: list[str], text: str
) -> None:
    trie = re.compile(alternation(words))
    plain = re.compile("|".join(map(re.escape, sorted(set(words), key=len, reverse=True))))
    assert [m.span() for m in trie.finditer(text)] == [m.span() for m in plain.finditer(text)]


_ROLE_PIECES = ["the ", "vice-", "co-", "(", "«", "“", "head ", "ahead ", "chairman ", "Chairman ", "minister ",
                "Secretary General ", "Press secretary ", "of the CSTO", "Ivan Petrov", "S. Zas", ", ", ". ",
                "x" * 40 + " ", "x" * 100 + " ", "said ", "Armenia ", "Foo Bar Baz ", "Ivan ", "Petrov "]  # fmt: skip
_ANY_ROLE_WORD = re.compile(alternation(entities._ROLE_WORDS))


def _people_near_role_words(text: str) -> list[entities.Person]:
    """find_people as it was: names sought only within 160 characters of a role word."""
    windows: list[tuple[int, int]] = []
    for m in _ANY_ROLE_WORD.finditer(text):
        a, b = max(0, m.start() - 160), m.end() + 160
        if windows and a <= windows[-1][1]:
            windows[-1] = (windows[-1][0], b)
        else:
            windows.append((a, b))
    spans: list[tuple[int, int]] = []
    for a, b in windows:
        for m in entities._RUN.finditer(text, a, b):
            start = m.start()
            if (m.end() == b and b < len(text)) or (start and not _word_start(text, start)):
                continue
            if not start or text[start - 1] not in "-.":
                spans.extend((start + i, start + j) for i, j in entities._names_in_run(m.group(0)))
    real = entities._candidates
    entities._candidates = lambda _t: spans  # type: ignore[assignment]
    try:
        return entities.find_people(text)
    finally:
        entities._candidates = real


@given(st.lists(st.sampled_from(_ROLE_PIECES), max_size=40))
def test_names_sought_in_the_whole_text_are_those_found_near_role_words(pieces: list[str]) -> None:
    text = "".join(pieces)
    assert entities.find_people(text) == _people_near_role_words(text)


def test_roles_in_lower_case_after_marks() -> None:
    text = "vice-chairman Ivan Petrov went ahead; (head of the group) and minister S. Zas"
    assert entities.people(text) == ["Ivan Petrov", "S. Zas"]


_COUNTRY_PIECES = ["Russia", "Russian", "Росси", "российск", "United States", "Serbia and Montenegro",
                   "Serbia", "x", "_", "1", "-", " ", "Türkiye", "Kazakh", "stan", "PRC", "Китая"]  # fmt: skip
_ALL_FORMS = re.compile(alternation(list(entities._FORMS)))


def _word_start(text: str, i: int) -> bool:
    return i == 0 or not (text[i - 1].isalnum() or text[i - 1] == "_")


def _countries_scanning_every_form(text: str) -> list[str]:
    """all_countries as it was: every form found, word start or not, then word starts kept."""
    seen: dict[str, None] = {}
    for m in _ALL_FORMS.finditer(text):
        if _word_start(text, m.start()):
            seen.setdefault(entities._FORMS[m.group(0)])
    return list(seen)


@given(st.lists(st.sampled_from(_COUNTRY_PIECES), max_size=20))
def test_countries_at_word_starts_are_those_a_scan_of_every_form_keeps(pieces: list[str]) -> None:
    text = "".join(pieces)
    assert entities.all_countries(text) == _countries_scanning_every_form(text)


@given(st.lists(st.sampled_from([p for p in _COUNTRY_PIECES + _PIECES if p.isascii()]), max_size=30))
def test_text_without_cyrillic_reads_the_same_without_the_russian_patterns(pieces: list[str]) -> None:
    text = "".join(pieces)
    assert entities.all_countries(text, cyrillic=False) == entities.all_countries(text)
    assert entities.find_people(text, cyrillic=False) == entities.find_people(text)


def test_a_role_after_a_name_is_read_whole() -> None:
    text = "The delegation was headed by Armen Ghevondian, the Deputy Foreign Minister of the Republic of Armenia."
    (person,) = entities.find_people(text)
    assert person.role == "Deputy Foreign Minister of the Republic of Armenia"
