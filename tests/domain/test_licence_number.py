"""Licence numbers and holder names (interfaces.md section 4; sign-up identity check)."""

from __future__ import annotations

import pytest

from mespoints.domain.licence_number import normalize_licence_number, normalize_name


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("120575100123", "120575100123"),
        ("1205 7510 0123", "120575100123"),
        ("  ab12c  ", "AB12C"),
        ("12345", "12345"),
        ("A" * 19, "A" * 19),
        ("12 34\t5", "12345"),
    ],
)
def test_a_licence_number_loses_its_spaces_and_is_upper_cased(raw: str, expected: str) -> None:
    assert normalize_licence_number(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "1234",  # 4 characters
        "A" * 20,  # 20 characters
        "1205-7510-0123",  # hyphens
        "120575.100123",
        "12345É",  # a letter outside ASCII
        "１２３４５",  # full-width digits
        "١٢٣٤٥",  # Arabic-Indic digits, which str.isdigit accepts
    ],
)
def test_a_licence_number_that_cannot_be_one_gives_none(raw: str) -> None:
    assert normalize_licence_number(raw) is None


def test_a_value_that_is_not_text_is_not_a_licence_number() -> None:
    assert normalize_licence_number(120575100123) is None  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "variant",
    ["Martin-Démo", "MARTIN DEMO", "  martin   démo ", "martin—demo", "MARTIN-DÉMO"],
)
def test_names_match_whatever_their_case_accents_hyphens_and_spaces(variant: str) -> None:
    assert normalize_name(variant) == "MARTIN DEMO"


def test_apostrophes_separate_words_like_spaces() -> None:
    assert normalize_name("d'Artagnan") == normalize_name("D’ARTAGNAN") == normalize_name("D ARTAGNAN")


def test_ligatures_match_their_letters() -> None:
    assert normalize_name("Cœur") == normalize_name("COEUR")


def test_different_names_stay_different() -> None:
    assert normalize_name("Martin") != normalize_name("Martins")
    assert normalize_name("MARTIN DEMO") != normalize_name("MARTINDEMO")
