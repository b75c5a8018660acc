"""The official, dated scale behind the « Et si… » simulator (docs/law.md, « The offence scale »)."""

from __future__ import annotations

import datetime as dt

import pytest

from mespoints.domain.offence_scale import OFFENCE_SCALE, ScaleEntry, ScaleVersion, entry_by_code
from mespoints.domain.records import OFFENCE_CLASSES

D = dt.date
# Amende forfaitaire, minorée, majorée of each contravention class that has one (R49, R49-9 CPP).
FINES_BY_CLASS = {"C1": (11, None, 33), "C2": (35, 22, 75), "C3": (68, 45, 180), "C4": (135, 90, 375)}
MAXIMUM_BY_CLASS = {"C1": 38, "C2": 150, "C3": 450, "C4": 750, "C5": 1500}
NO_POINT_SINCE = D(2024, 1, 1)  # décret 2023-1150
SPEEDING_DELIT_SINCE = D(2025, 12, 29)  # loi 2025-622

VERSIONS = [(entry, version) for entry in OFFENCE_SCALE for version in entry.versions]


def version_id(item: tuple[ScaleEntry, ScaleVersion]) -> str:
    entry, version = item
    return f"{entry.code}@{version.from_day or 'origin'}"


def test_the_scale_covers_every_common_offence_that_withdraws_points_with_unique_codes() -> None:
    codes = [entry.code for entry in OFFENCE_SCALE]
    assert len(codes) == len(set(codes))
    # As broad as service-public.fr's simulator (about 70 offences with points): today's rule of at
    # least 70 entries withdraws points.
    assert sum(1 for entry in OFFENCE_SCALE if entry.points >= 1) >= 70


def test_every_entry_has_an_article_and_a_source() -> None:
    missing = [entry.code for entry in OFFENCE_SCALE if not entry.article.strip() or not entry.source.strip()]
    assert missing == []


def test_a_yellow_light_is_not_on_the_scale() -> None:
    # R412-31: not stopping at a steady yellow light is a class-2 contravention without points.
    assert all("R412-31" not in entry.article for entry in OFFENCE_SCALE)
    assert "FEU_ORANGE" not in {entry.code for entry in OFFENCE_SCALE}


@pytest.mark.parametrize("entry", OFFENCE_SCALE, ids=lambda entry: entry.code)
def test_every_entry_names_its_article_and_source_and_dates_its_versions(entry: ScaleEntry) -> None:
    assert entry.label and entry.label[0].isupper()
    assert entry.article and entry.source
    assert entry.article.split(" ")[0].rstrip(";") in entry.source
    assert entry.versions[0].from_day is None
    later_days = [version.from_day for version in entry.versions[1:]]
    assert all(day is not None for day in later_days)
    assert later_days == sorted(later_days)  # type: ignore[type-var]


@pytest.mark.parametrize("item", VERSIONS, ids=version_id)
def test_every_version_withdraws_what_its_class_allows_and_fines_match_the_class(
    item: tuple[ScaleEntry, ScaleVersion],
) -> None:
    _entry, version = item
    fine = version.fine
    assert version.offence_class in OFFENCE_CLASSES
    if version.offence_class == "DELIT":
        assert version.points == 6  # R3: a délit withdraws 6
        assert fine.maximum is not None and fine.maximum >= 3750
        if fine.forfaitaire is not None:  # an amende forfaitaire délictuelle
            assert fine.minoree is not None and fine.majoree is not None
            assert fine.minoree < fine.forfaitaire < fine.majoree
        else:
            assert (fine.minoree, fine.majoree) == (None, None)
        return
    # A contravention withdraws 1 to 6 points, or none once a later text removed them.
    assert 1 <= version.points <= 6 or (version.points == 0 and version.from_day is not None)
    assert fine.maximum == MAXIMUM_BY_CLASS[version.offence_class]
    if version.offence_class == "C5":
        assert (fine.forfaitaire, fine.minoree, fine.majoree) == (None, None, None)
    else:
        assert (fine.forfaitaire, fine.minoree, fine.majoree) == FINES_BY_CLASS[version.offence_class]


@pytest.mark.parametrize("code", ["VITESSE_MOINS_5_HORS_AGGLO", "VITESSE_MOINS_5_AGGLO"])
def test_speeding_under_five_kmh_withdraws_no_point_when_committed_since_2024(code: str) -> None:
    entry = entry_by_code(code)
    day_before = entry.on(NO_POINT_SINCE - dt.timedelta(days=1))
    day_of = entry.on(NO_POINT_SINCE)
    assert (day_before.points, day_of.points) == (1, 0)
    assert day_before.offence_class == day_of.offence_class
    assert day_of.fine.forfaitaire in (68, 135)  # the fine stays


@pytest.mark.parametrize("code", ["VITESSE_5_20_HORS_AGGLO", "VITESSE_5_20_AGGLO"])
def test_speeding_from_five_to_twenty_kmh_keeps_its_point(code: str) -> None:
    entry = entry_by_code(code)
    assert entry.on(D(2023, 12, 31)).points == entry.on(NO_POINT_SINCE).points == 1


def test_speeding_by_fifty_kmh_or_more_committed_since_29_december_2025_is_a_delit() -> None:
    entry = entry_by_code("VITESSE_50_PLUS")
    day_before = entry.on(SPEEDING_DELIT_SINCE - dt.timedelta(days=1))
    day_of = entry.on(SPEEDING_DELIT_SINCE)
    assert (day_before.offence_class, day_before.points, day_before.fine.forfaitaire) == ("C5", 6, None)
    assert (day_of.offence_class, day_of.points) == ("DELIT", 6)
    assert entry.suspension and entry.confiscation
    assert "2025-622" in entry.source


@pytest.mark.parametrize(
    ("code", "offence_class", "points", "article"),
    [
        ("VITESSE_20_30", "C4", 2, "R413-14"),
        ("VITESSE_30_40", "C4", 3, "R413-14"),
        ("VITESSE_40_50", "C4", 4, "R413-14"),
        ("VITESSE_50_PLUS_RECIDIVE", "DELIT", 6, "L413-1"),
        ("TELEPHONE", "C4", 3, "R412-6-1"),
        ("CEINTURE", "C4", 3, "R412-1"),
        ("FEU_ROUGE", "C4", 4, "R412-30"),
        ("STOP", "C4", 4, "R415-6"),
        ("CIRCULATION_GAUCHE", "C4", 3, "R412-9"),
        ("ALCOOL_CONTRAVENTION", "C4", 6, "R234-1"),
        ("ALCOOL_DELIT", "DELIT", 6, "L234-1"),
        ("STUPEFIANTS", "DELIT", 6, "L235-1"),
        ("PRIORITE_PIETON", "C4", 6, "R415-11"),
        ("GANTS", "C3", 1, "R431-1-2"),
        ("CHANGEMENT_DIRECTION", "C2", 3, "R412-10"),
        ("CONDUITE_MALGRE_SUSPENSION", "DELIT", 6, "L224-16"),
        ("DELIT_FUITE", "DELIT", 6, "L231-1"),
        ("ECLAIRAGE_NUIT", "C4", 4, "R416-11"),
        ("STATIONNEMENT_NUIT_SANS_ECLAIRAGE", "C4", 3, "R416-12"),
        ("PRIORITE_GIRATOIRE", "C4", 4, "R415-10"),
        ("PRIORITE_BRETELLE_AUTOROUTE", "C4", 4, "R421-3"),
        ("PASSAGE_A_NIVEAU", "C4", 4, "R422-3"),
        ("DEPASSEMENT_INTERDIT", "C4", 3, "R414-11"),
        ("LIGNE_BANDE_ARRET_URGENCE", "C4", 1, "R412-22"),
        ("AUTOROUTE_BANDE_CENTRALE", "C4", 2, "R421-5"),
        ("AUTOROUTE_MARCHE_ARRIERE", "C4", 4, "R421-6"),
        ("ACCES_INTERDIT_DESCENTE_TUNNEL", "C5", 3, "R411-17"),
        ("ANTIDEMARRAGE_ETHYLOTEST", "C5", 6, "R234-5"),
        ("REFUS_VERIFICATIONS", "DELIT", 6, "L233-2"),
        ("USURPATION_PLAQUES", "DELIT", 6, "L317-4-1"),
    ],
)
def test_the_scale_follows_the_code_de_la_route(
    code: str, offence_class: str, points: int, article: str
) -> None:
    entry = entry_by_code(code)
    assert (entry.offence_class, entry.points, entry.article) == (offence_class, points, article)


def test_an_unknown_code_is_refused() -> None:
    with pytest.raises(KeyError, match="INCONNU"):
        entry_by_code("INCONNU")


def test_false_plates_and_plate_usurpation_carry_their_own_maximum() -> None:
    assert entry_by_code("FAUSSES_PLAQUES").current.fine.maximum == 3750  # L317-2: 5 years, 3,750 €
    assert entry_by_code("USURPATION_PLAQUES").current.fine.maximum == 30000  # L317-4-1: 7 years


def test_refusing_to_stop_is_punished_more_heavily_when_committed_since_the_2022_law() -> None:
    entry = entry_by_code("REFUS_OBTEMPERER")  # loi 2022-52
    assert entry.on(D(2022, 1, 25)).fine.maximum == 7500
    assert entry.on(D(2022, 1, 26)).fine.maximum == 15000
    assert entry.on(D(2022, 1, 25)).points == entry.on(D(2022, 1, 26)).points == 6
