"""The official scale behind the « Et si… » simulator."""

from __future__ import annotations

import pytest

from mespoints.domain.offence_scale import OFFENCE_SCALE, entry_by_code
from mespoints.domain.records import OFFENCE_CLASSES


def test_codes_are_unique_and_every_entry_is_a_valid_feed_offence() -> None:
    codes = [entry.code for entry in OFFENCE_SCALE]
    assert len(codes) == len(set(codes))
    for entry in OFFENCE_SCALE:
        assert entry.offence_class in OFFENCE_CLASSES
        assert 1 <= entry.points <= 6
        if entry.offence_class == "DELIT":
            assert entry.points == 6  # R3
        assert entry.label and entry.label[0].isupper()


@pytest.mark.parametrize(
    ("code", "offence_class", "points"),
    [
        ("VITESSE_MOINS_20_HORS_AGGLO", "C3", 1),
        ("VITESSE_MOINS_20_AGGLO", "C4", 1),
        ("VITESSE_20_30", "C4", 2),
        ("VITESSE_30_40", "C4", 3),
        ("VITESSE_40_50", "C4", 4),
        ("VITESSE_50_PLUS", "C5", 6),
        ("VITESSE_50_PLUS_RECIDIVE", "DELIT", 6),
        ("TELEPHONE", "C4", 3),
        ("CEINTURE", "C4", 3),
        ("FEU_ROUGE", "C4", 4),
        ("STOP", "C4", 4),
        ("ALCOOL_CONTRAVENTION", "C4", 6),
        ("ALCOOL_DELIT", "DELIT", 6),
        ("STUPEFIANTS", "DELIT", 6),
        ("PRIORITE_PIETON", "C4", 6),
        ("DEPASSEMENT_DANGEREUX", "C4", 3),
        ("DISTANCE_SECURITE", "C4", 3),
        ("LIGNE_CONTINUE_FRANCHIE", "C4", 3),
        ("BANDE_ARRET_URGENCE", "C4", 3),
        ("CASQUE", "C4", 3),
        ("DELIT_FUITE", "DELIT", 6),
    ],
)
def test_the_scale_follows_the_code_de_la_route(code: str, offence_class: str, points: int) -> None:
    entry = entry_by_code(code)
    assert (entry.offence_class, entry.points) == (offence_class, points)


def test_an_unknown_code_is_refused() -> None:
    with pytest.raises(KeyError, match="INCONNU"):
        entry_by_code("INCONNU")
