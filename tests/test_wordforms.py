"""Word forms and names in both scripts: the rules behind search and --person."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cstonews import wordforms
from cstonews.entities import person_keys
from cstonews.names import name_key
from cstonews.text import transliterate


@pytest.mark.parametrize(
    "forms",
    [
        ["consultation", "consultations"],
        ["meeting", "meetings"],
        ["exercise", "exercises", "exercised"],
        ["учение", "учения", "учений", "учениях"],
        ["граница", "границе", "границы"],
        ["Москва", "Москве", "Москвы"],
        ["министр", "министра", "министров"],
    ],
)
def test_forms_of_a_word_share_a_stem(forms: list[str]) -> None:
    assert len({wordforms.stem(w.lower()) for w in forms}) == 1


def test_other_words_keep_other_stems() -> None:
    assert wordforms.stem("ministry") != wordforms.stem("minister")
    assert wordforms.stem("министерство") != wordforms.stem("министр")


def test_the_pure_python_stemmer_agrees_with_pystemmer() -> None:
    import snowballstemmer

    for language, words in (("english", ["meetings", "strengthened"]), ("russian", ["учениях", "границе"])):
        pure = snowballstemmer.stemmer(language)
        assert [pure.stemWord(w) for w in words] == [wordforms.stem(w) for w in words]


def test_stem_text_has_one_stem_a_word_in_order() -> None:
    text = "Meetings in Москве, СRRF drills: 2019"
    assert wordforms.stemmed(text) == "meet in москв crrf drill 2019"
    assert len(wordforms.stemmed(text).split()) == len(wordforms.words(text))


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=60))
def test_stem_columns_are_one_token_a_word(text: str) -> None:
    assert len(wordforms.stemmed(text).split()) == len(wordforms.words(text))


def test_accents_come_off_latin_letters_only() -> None:
    assert wordforms.plain("Café") == "cafe"
    assert wordforms.plain("Йод") == "йод"


@pytest.mark.parametrize(
    "spellings",
    [
        ["Зась", "Zas", "Zas'", "ZAS", "Зася", "Засю", "Засем"],
        ["Тасмагамбетов", "Tasmagambetov", "Тасмагамбетова", "Тасмагамбетову", "Тасмагамбетовым"],
        ["Хачатуров", "Khachaturov"],
        ["Шойгу", "Shoigu"],
    ],
)
def test_a_surname_has_one_key_in_either_script(spellings: list[str]) -> None:
    assert len({name_key(s) for s in spellings}) == 1


def test_people_keys_agree_across_scripts() -> None:
    assert (
        person_keys("Станислав Зась") == person_keys("Stanislav ZAS") == person_keys("С.Зась") == ("zas", "s")
    )
    assert person_keys("Евгений Иванов") == person_keys("Yevgeny Ivanov")
    assert name_key("Zas") != name_key("Sidorov")


CYRILLIC = st.text(alphabet="абвгдежзийклмнопрстуфхцчшщъыьэюя", min_size=3, max_size=12)


@settings(max_examples=200, deadline=None)
@given(CYRILLIC)
def test_a_cyrillic_name_and_its_transliteration_have_one_key(word: str) -> None:
    assert name_key(word) == name_key(transliterate(word)) == name_key(word.upper())
