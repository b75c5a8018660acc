"""The password policy (docs/passwords.md): length, common passwords, personal data, meter."""

from __future__ import annotations

import datetime as dt
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mespoints.domain import password_policy
from mespoints.domain.password_policy import (
    MAX_LENGTH,
    MIN_LENGTH,
    STRENGTH_LABELS,
    check_password,
    is_common,
    strength,
)

JULIE = {
    "last_name": "Martin-Dupont",
    "first_names": "Julie Anne",
    "birth_date": dt.date(1990, 5, 17),
    "email": "j.martin@exemple.fr",
}
NOBODY = {"last_name": None, "first_names": None, "birth_date": None, "email": None}

COMMON = "Ce mot de passe fait partie des mots de passe les plus courants : choisissez-en un autre."


def test_the_policy_has_one_source_of_truth_for_its_lengths():
    assert (MIN_LENGTH, MAX_LENGTH) == (12, 128)


@pytest.mark.parametrize(
    "password",
    [
        "correct horse battery staple",
        "ma voiture rouge roule vite",
        "Tr0ub4dor&3-xyz",
        "pâquerette sous la pluie",
        "🚗🚦 feu vert pour 🏁",
    ],
)
def test_a_long_uncommon_password_without_composition_rules_is_accepted(password):
    assert check_password(password, **JULIE) == []


def test_a_password_of_eleven_characters_is_refused_and_twelve_accepted():
    assert check_password("kq8vn2zjw4p", **NOBODY) == [
        "Le mot de passe doit contenir au moins 12 caractères (il en contient 11)."
    ]
    assert check_password("kq8vn2zjw4px", **NOBODY) == []


def test_length_is_counted_in_code_points_after_nfkc():
    decomposed = "e\u0301t\u00e9 chaud, hiver"  # "été chaud, hiver" with one decomposed é
    assert len(decomposed) == 17
    assert check_password(decomposed, **NOBODY) == []
    # The "ﬃ" ligature is one code point raw and three after NFKC: 10 + 1 raw, 13 normalized.
    assert check_password("zq8vn2zjw4\ufb03", **NOBODY) == []


def test_a_password_longer_than_128_characters_is_refused():
    assert check_password("kq8vn2zjw4px" * 10 + "abcdefghi", **NOBODY) == [
        "Le mot de passe ne peut pas dépasser 128 caractères."
    ]
    assert check_password(("kq8vn2zjw4px" * 11)[:MAX_LENGTH], **NOBODY) == []


@pytest.mark.parametrize(
    "password",
    ["azertyuiop123", "motdepasse123", "AZERTYUIOPQSDFGHJKLM", "1234567890123", "MotDePasseOublié"],
)
def test_a_common_password_is_refused_whatever_its_case(password):
    assert COMMON in check_password(password, **NOBODY)


@pytest.mark.parametrize("password", ["Marseille2024!", "soleil123456", "Chouchou2000!!", "doudou.1234567"])
def test_a_common_french_password_followed_by_digits_or_punctuation_is_refused(password):
    assert check_password(password, **NOBODY) == [COMMON]


def test_a_short_common_stem_followed_by_random_symbols_is_not_refused_as_common():
    # "x" is in the list, but "x" + 12 random digits and symbols is not a guessable password.
    assert not is_common("x8#4!92&7@1;0")


def test_the_common_list_holds_at_least_ten_thousand_entries_french_ones_included():
    common = password_policy._common_passwords()
    assert len(common) >= 10_000
    assert {"motdepasse", "azerty", "soleil", "doudou", "chouchou", "marseille"} <= common


def test_a_repetitive_password_is_refused():
    assert check_password("abababababab", **NOBODY) == [
        "Ce mot de passe est trop répétitif : variez davantage les caractères."
    ]


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("dupont et les autres", "Le mot de passe ne doit pas contenir votre nom."),
        ("vive MARTIN dupont!", "Le mot de passe ne doit pas contenir votre nom."),
        ("le chat de Julie !", "Le mot de passe ne doit pas contenir votre prénom."),
        ("ÂNNE aime les pommes", "Le mot de passe ne doit pas contenir votre prénom."),
        ("né en 1990, quelle année", "Le mot de passe ne doit pas contenir votre année de naissance."),
        (
            "plutôt j.martin que rien",
            "Le mot de passe ne doit pas contenir votre adresse électronique (la partie avant le « @ »).",
        ),
    ],
)
def test_a_password_containing_the_persons_own_data_is_refused(password, message):
    assert message in check_password(password, **JULIE)


def test_personal_data_is_matched_without_accents_or_case():
    helene = {**NOBODY, "first_names": ["Hélène", "Marie-Ève"]}
    assert check_password("HELENE sous la pluie", **helene) == [
        "Le mot de passe ne doit pas contenir votre prénom."
    ]
    assert check_password("la belle eve du lac", **helene) == [
        "Le mot de passe ne doit pas contenir votre prénom."
    ]


def test_first_names_shorter_than_three_letters_are_not_looked_for():
    assert check_password("allons voir le lac", **{**NOBODY, "first_names": "Al Li"}) == []


def test_an_email_local_part_shorter_than_three_characters_is_not_looked_for():
    assert check_password("jo au bord du lac", **{**NOBODY, "email": "jo@exemple.fr"}) == []


def test_an_empty_password_asks_for_one():
    assert check_password("", **JULIE) == ["Choisissez un mot de passe."]
    assert check_password(None, **JULIE) == ["Choisissez un mot de passe."]


def test_a_control_character_is_refused():
    assert check_password("bonne route\x00 demain", **NOBODY) == [
        "Le mot de passe contient un caractère invisible non autorisé."
    ]


def test_strength_gives_a_french_label_for_each_score():
    assert strength("", ()) == (0, "Très faible")
    assert strength("azerty", ()) == (0, "Très faible")
    assert strength("correct horse battery staple", ()) == (4, "Très fort")
    assert STRENGTH_LABELS == ("Très faible", "Faible", "Moyen", "Fort", "Très fort")


def test_strength_counts_the_persons_own_words_as_easy_to_guess():
    own_words = ["Martin-Dupont", "Julie Anne", "1990"]
    assert strength("martindupont1990", own_words)[0] < strength("martindupont1990", [])[0]


def test_strength_is_fast_enough_for_every_keystroke_even_on_the_longest_input():
    strength("warm-up", ())
    for password in ["a1!" * 43, "x" * 128, "19901990" * 16, "abcdefghij" * 12]:
        started = time.perf_counter()
        strength(password, ["Martin-Dupont", "Julie Anne"])
        assert time.perf_counter() - started < 0.5


any_text = st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=200)
huge_text = any_text.map(lambda s: (s or "a") * (5000 // max(len(s), 1)))
birth_dates = st.one_of(st.none(), st.dates())


@settings(max_examples=200, deadline=None)
@given(
    password=st.one_of(any_text, huge_text),
    last_name=st.one_of(st.none(), any_text),
    first_names=st.one_of(st.none(), any_text, st.lists(any_text, max_size=3)),
    birth_date=birth_dates,
    email=st.one_of(st.none(), any_text, st.emails()),
)
def test_check_password_never_raises_and_returns_french_sentences(
    password, last_name, first_names, birth_date, email
):
    problems = check_password(
        password, last_name=last_name, first_names=first_names, birth_date=birth_date, email=email
    )
    assert isinstance(problems, list)
    assert all(isinstance(p, str) and p.endswith(".") for p in problems)
    assert len(problems) == len(set(problems))


@settings(max_examples=100, deadline=None)
@given(password=st.one_of(any_text, huge_text), user_inputs=st.lists(any_text, max_size=5))
def test_strength_never_raises_and_returns_a_score_and_its_label(password, user_inputs):
    score, label = strength(password, user_inputs)
    assert 0 <= score <= 4
    assert label == STRENGTH_LABELS[score]
