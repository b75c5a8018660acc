"""Sign-up field validators: names, birth date, email address."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mespoints.domain.identity import (
    EMAIL_MAX_LENGTH,
    NAME_MAX_LENGTH,
    validate_birth_date,
    validate_email,
    validate_name,
)

TODAY = dt.date(2026, 3, 1)

# Any text, control characters included, but no lone surrogates (what a browser can send).
any_text = st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=300)
# Huge inputs, built by repetition (generating them character by character is slow).
huge_text = any_text.map(lambda s: (s or "a") * (6000 // max(len(s), 1)))
name_like = st.text(alphabet="abcdeéèçÀÑ -'’\t", max_size=120)


# --- names -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("MARTIN", "MARTIN"),
        ("  Julie   Anne ", "Julie Anne"),
        ("Jean - Pierre", "Jean-Pierre"),
        ("d’Artagnan", "d'Artagnan"),
        ("Zoë Ñúñez", "Zoë Ñúñez"),
        ("Ng", "Ng"),
        ("e\u0301lodie", "élodie"),  # decomposed accent composed by NFKC
        ("Ｍａｒｔｉｎ", "Martin"),  # full-width letters
    ],
)
def test_a_name_with_letters_spaces_hyphens_and_apostrophes_is_accepted_and_normalized(raw, expected):
    assert validate_name(raw, field_label="nom") == (expected, None)


@pytest.mark.parametrize("raw", ["Martin2", "Ma<rtin", "Julie_Anne", "李", "Jean\x00", "X Æ A-12"])
def test_a_name_with_other_characters_is_refused_in_french(raw):
    value, error = validate_name(raw, field_label="nom")
    assert value is None
    assert error == (
        "Le nom ne peut contenir que des lettres, des espaces, des traits d'union et des apostrophes."
    )


@pytest.mark.parametrize("raw", ["", "   ", None, 42])
def test_an_empty_name_asks_for_it_with_the_field_label(raw):
    assert validate_name(raw, field_label="prénom") == (None, "Indiquez votre prénom.")


def test_a_name_of_punctuation_only_is_refused():
    assert validate_name("- '", field_label="nom") == (None, "Le nom doit contenir au moins une lettre.")


def test_a_name_of_exactly_the_maximum_length_is_accepted_and_one_more_is_refused():
    assert validate_name("a" * NAME_MAX_LENGTH, field_label="nom") == ("a" * NAME_MAX_LENGTH, None)
    value, error = validate_name("a" * (NAME_MAX_LENGTH + 1), field_label="nom")
    assert value is None
    assert error == "Le nom ne peut pas dépasser 100 caractères."


@settings(max_examples=300, deadline=None)
@given(raw=st.one_of(any_text, huge_text, name_like))
def test_validate_name_never_raises_and_returns_one_well_formed_outcome(raw):
    value, error = validate_name(raw, field_label="nom")
    assert (value is None) != (error is None)
    if value is not None:
        assert 1 <= len(value) <= NAME_MAX_LENGTH
        assert value == value.strip() and "  " not in value
        assert validate_name(value, field_label="nom") == (value, None)  # normalizing twice is stable
    else:
        assert isinstance(error, str) and error.endswith(".")


# --- birth date ------------------------------------------------------------------------------


@pytest.mark.parametrize("raw", ["1990-05-17", "17/05/1990", " 17/5/1990 ", "17.05.1990", "1990-5-17"])
def test_a_birth_date_in_iso_or_french_format_is_accepted(raw):
    assert validate_birth_date(raw, today=TODAY) == (dt.date(1990, 5, 17), None)


def test_a_date_object_is_accepted_as_is():
    assert validate_birth_date(dt.date(1990, 5, 17), today=TODAY) == (dt.date(1990, 5, 17), None)


@pytest.mark.parametrize("raw", ["30/02/2000", "2001-02-29", "00/01/1990", "1990-13-01", "0000-01-01"])
def test_a_date_that_does_not_exist_is_refused(raw):
    assert validate_birth_date(raw, today=TODAY) == (
        None,
        "Cette date n'existe pas : vérifiez le jour, le mois et l'année.",
    )


@pytest.mark.parametrize("raw", ["17-05", "1990/05/17", "mai 1990", "17051990", "٢٠١٠-01-01"])
def test_a_date_in_another_format_is_refused_with_the_expected_format(raw):
    assert validate_birth_date(raw, today=TODAY) == (
        None,
        "Saisissez la date au format JJ/MM/AAAA, par exemple 17/05/1990.",
    )


def test_a_person_is_accepted_on_their_fourteenth_birthday_not_the_day_before():
    assert validate_birth_date("2012-03-01", today=TODAY) == (dt.date(2012, 3, 1), None)
    assert validate_birth_date("2012-03-02", today=TODAY) == (
        None,
        "Vous devez avoir au moins 14 ans pour créer un compte.",
    )


def test_someone_born_on_29_february_turns_fourteen_on_1_march():
    assert validate_birth_date("2012-02-29", today=dt.date(2026, 2, 28))[0] is None
    assert validate_birth_date("2012-02-29", today=dt.date(2026, 3, 1))[0] == dt.date(2012, 2, 29)


def test_an_age_of_120_is_accepted_and_121_refused():
    assert validate_birth_date("1906-03-01", today=TODAY) == (dt.date(1906, 3, 1), None)
    assert validate_birth_date("1905-03-01", today=TODAY) == (
        None,
        "Vérifiez l'année de naissance : elle correspond à plus de 120 ans.",
    )


def test_a_birth_date_in_the_future_is_refused():
    assert validate_birth_date("2026-03-02", today=TODAY) == (
        None,
        "La date de naissance ne peut pas être dans le futur.",
    )


@pytest.mark.parametrize("raw", ["", "  ", None, 19900517])
def test_a_missing_birth_date_is_asked_for(raw):
    assert validate_birth_date(raw, today=TODAY) == (None, "Indiquez votre date de naissance.")


@settings(max_examples=300, deadline=None)
@given(
    raw=st.one_of(
        any_text,
        huge_text,
        st.dates(),
        st.from_regex(r"[0-9]{1,2}/[0-9]{1,2}/[0-9]{4}", fullmatch=True),
        st.from_regex(r"[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}", fullmatch=True),
    )
)
def test_validate_birth_date_never_raises_and_keeps_ages_between_14_and_120(raw):
    value, error = validate_birth_date(raw, today=TODAY)
    assert (value is None) != (error is None)
    if value is not None:
        age = TODAY.year - value.year - ((TODAY.month, TODAY.day) < (value.month, value.day))
        assert 14 <= age <= 120
    else:
        assert isinstance(error, str) and error.endswith(".")


# --- email -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Julie.Martin@ExEmple.FR", "Julie.Martin@exemple.fr"),
        ("  julie@exemple.fr ", "julie@exemple.fr"),
        ("julie+permis@exemple.fr", "julie+permis@exemple.fr"),
        ("julie@xn--bcher-kva.de", "julie@bücher.de"),
        ("julie@BÜCHER.de", "julie@bücher.de"),
    ],
)
def test_an_email_keeps_its_local_part_and_gets_a_lower_case_domain(raw, expected):
    assert validate_email(raw) == (expected, None)


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("", "Indiquez votre adresse électronique."),
        (None, "Indiquez votre adresse électronique."),
        (
            "julie.exemple.fr",
            "L'adresse électronique doit contenir un « @ », par exemple prenom.nom@exemple.fr.",
        ),
        ("@exemple.fr", "Il manque la partie avant le « @ », par exemple prenom.nom@exemple.fr."),
        ("julie@", "Vérifiez la partie après le « @ », par exemple exemple.fr."),
        ("julie@exemple", "Vérifiez la partie après le « @ », par exemple exemple.fr."),
        ("élodie@exemple.fr", "Les lettres accentuées ne sont pas acceptées avant le « @ »."),
    ],
)
def test_an_invalid_email_gets_a_french_message(raw, message):
    assert validate_email(raw) == (None, message)


@pytest.mark.parametrize("raw", ["ju lie@exemple.fr", "julie@@exemple.fr", "Julie <julie@exemple.fr>"])
def test_a_malformed_email_is_refused_with_an_example(raw):
    value, error = validate_email(raw)
    assert value is None
    assert error is not None and "prenom.nom@exemple.fr" in error


def test_an_email_longer_than_254_characters_is_refused():
    local = "a" * 64
    domain = ".".join(["b" * 60] * 3) + ".fr"  # 186 characters
    long_one = f"{local}@{domain}"
    assert len(long_one) <= EMAIL_MAX_LENGTH
    assert validate_email(long_one)[0] == long_one
    too_long = f"{local}@{'c' * 60}.{domain}"
    assert len(too_long) > EMAIL_MAX_LENGTH
    assert validate_email(too_long) == (
        None,
        "L'adresse électronique est trop longue (254 caractères au plus).",
    )


@settings(max_examples=300, deadline=None)
@given(raw=st.one_of(any_text, huge_text, st.emails(), any_text.map(lambda s: f"{s}@{s}.fr")))
def test_validate_email_never_raises_and_accepted_addresses_are_stable(raw):
    value, error = validate_email(raw)
    assert (value is None) != (error is None)
    if value is not None:
        assert len(value) <= EMAIL_MAX_LENGTH
        local, _, domain = value.rpartition("@")
        assert local and domain == domain.lower()
        assert validate_email(value) == (value, None)
    else:
        assert isinstance(error, str) and error.endswith(".")
