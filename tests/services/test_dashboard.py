"""The dashboard use case: what the driver sees, in French, and the « Et si… » simulator."""

from __future__ import annotations

import datetime as dt
import itertools
import re
from typing import Any

import pytest

from mespoints.domain.feed import FeedLicence, validate_feed_record
from mespoints.domain.records import Infraction, LicenceFacts
from mespoints.services import dashboard
from mespoints.services.licences import read_licence
from mespoints.services.national_file import import_records

AS_OF = dt.date(2024, 11, 10)
NUMBER = "120575100123"


def record(number: str = NUMBER, **overrides: Any) -> FeedLicence:
    data: dict[str, Any] = {
        "licence_number": number,
        "format": "card",
        "last_name": "MARTIN",
        "first_names": "Julie Anne",
        "birth_date": "1975-05-17",
        "issued_on": "1998-06-02",
        "early_training": False,
        "categories": [{"category": "B", "obtained_on": "1998-06-02"}],
        # The worked example of docs/law.md.
        "events": [
            {
                "id": "INF-1",
                "kind": "infraction",
                "committed_at": "2023-02-03T08:15:00",
                "effective_on": "2023-03-10",
                "offence_class": "C4",
                "points": 4,
                "label": "Excès de vitesse de 40 à moins de 50 km/h",
                "place": "Lyon (69)",
            },
            {
                "id": "INF-2",
                "kind": "infraction",
                "committed_at": "2023-08-20T17:00:00",
                "effective_on": "2023-09-01",
                "offence_class": "C3",
                "points": 1,
                "label": "Défaut de port de gants homologués",
                "place": "Villeurbanne (69)",
            },
        ],
        "updated_at": "2024-11-02T03:00:00+00:00",
    }
    data.update(overrides)
    parsed = validate_feed_record(data)
    assert isinstance(parsed, FeedLicence), parsed
    return parsed


def infraction(event_id: str, day: str, points: int, offence_class: str = "C4") -> dict[str, Any]:
    return {
        "id": event_id,
        "kind": "infraction",
        "committed_at": f"{day}T10:00:00",
        "effective_on": day,
        "offence_class": offence_class,
        "points": points,
        "label": "Refus de priorité",
        "place": "Paris (75)",
    }


@pytest.fixture
def worked_example(sqlite_engine):
    import_records(engine=sqlite_engine, records=[record()])
    return sqlite_engine


def test_the_dashboard_shows_the_worked_example_balance_on_sqlite_and_postgresql(engine):
    import_records(engine=engine, records=[record()])

    data = dashboard.load_dashboard(engine=engine, licence_number=NUMBER, as_of=AS_OF)

    assert data is not None
    assert (data.balance, data.maximum) == (8, 12)
    assert data.gauge_label == "8 points sur 12"
    assert data.gauge_percent == 67
    assert data.as_of_label == "10 novembre 2024"
    assert data.updated_label == "2 novembre 2024"
    assert data.first_names == "Julie Anne"


def test_an_unknown_licence_gives_no_dashboard(worked_example):
    assert dashboard.load_dashboard(engine=worked_example, licence_number="999999999", as_of=AS_OF) is None


def test_the_history_is_newest_first_with_both_days_of_an_infraction(worked_example):
    data = dashboard.load_dashboard(engine=worked_example, licence_number=NUMBER, as_of=AS_OF)
    assert data is not None

    assert [(row.date, row.rule, row.points, row.balance_after) for row in data.history] == [
        ("1er mars 2024", "six_month", "+1", "8"),
        ("1er septembre 2023", "withdrawal", "-1", "7"),
        ("10 mars 2023", "withdrawal", "-4", "8"),
    ]
    speeding = data.history[-1]
    assert speeding.label == "Excès de vitesse de 40 à moins de 50 km/h"
    assert speeding.place == "Lyon (69)"
    assert "commise le 3 février 2023" in speeding.detail
    assert "retirés le 10 mars 2023 (date de réalité)" in speeding.detail
    assert data.history[0].label == "Récupération d'un point après 6 mois sans infraction"  # R5


def test_the_forecast_names_the_rule_and_its_period_in_plain_french(worked_example):
    data = dashboard.load_dashboard(engine=worked_example, licence_number=NUMBER, as_of=AS_OF)
    assert data is not None

    # R6: three years, because a class-4 infraction took effect since the balance was last at 12.
    assert [(row.date, row.points, row.balance_after) for row in data.forecast] == [
        ("1er septembre 2026", "+4", "12")
    ]
    assert data.forecast[0].label == "Récupération de la totalité des points après 3 ans sans infraction"


def test_letters_are_newest_first_with_their_meaning(worked_example):
    data = dashboard.load_dashboard(engine=worked_example, licence_number=NUMBER, as_of=AS_OF)
    assert data is not None

    assert [(row.date, row.code) for row in data.letters] == [
        ("1er mars 2024", "46"),
        ("1er septembre 2023", "48"),
        ("10 mars 2023", "48"),
    ]
    assert data.letters[-1].meaning == "Information : des points ont été retirés de votre permis."


def test_a_valid_definitive_licence_can_take_a_stage_now(worked_example):
    data = dashboard.load_dashboard(engine=worked_example, licence_number=NUMBER, as_of=AS_OF)
    assert data is not None

    assert data.status.valid and data.status.title == "Votre permis est valide."
    assert data.probation.kind == "definitive"
    assert data.stage.available_now and data.stage.points_now == 4  # R8
    assert "dès maintenant" in data.stage.lines[0]


def test_a_stage_less_than_a_year_after_the_last_one_says_from_which_day(sqlite_engine):
    events = [
        infraction("I1", "2024-01-10", 4),
        {"id": "S1", "kind": "stage", "completed_on": "2024-03-01", "place": "Lyon (69)"},
        infraction("I2", "2024-06-10", 4),
    ]
    import_records(engine=sqlite_engine, records=[record(events=events)])

    data = dashboard.load_dashboard(engine=sqlite_engine, licence_number=NUMBER, as_of=AS_OF)
    assert data is not None

    assert not data.stage.available_now
    assert data.stage.possible_from == "1er mars 2025"  # R8: one stage a year
    stage_row = next(row for row in data.history if row.rule == "stage")
    assert stage_row.place == "Lyon (69)" and stage_row.points == "+4"


def test_an_invalidated_licence_says_what_it_means_and_what_to_do(sqlite_engine):
    events = [infraction("I1", "2024-01-10", 6, "DELIT"), infraction("I2", "2024-04-10", 6, "DELIT")]
    import_records(engine=sqlite_engine, records=[record(events=events)])

    data = dashboard.load_dashboard(engine=sqlite_engine, licence_number=NUMBER, as_of=AS_OF)
    assert data is not None

    assert data.balance == 0
    assert not data.status.valid
    assert data.status.title.startswith("Votre permis est invalidé depuis le 10 avril 2024")  # R4
    text = " ".join(data.status.lines)
    for expected in (
        "48SI",
        "10 jours",
        "6 mois",
        "porté à un an",
        "5 années",
        "médical",
        "psychotechniques",
    ):
        assert expected in text
    # Held since 1998: the theory test only, if asked for within 9 months.
    assert "épreuve théorique (code) seulement" in text
    assert [row.rule for row in data.history[:2]] == ["invalidation", "withdrawal"]
    assert data.forecast == []
    assert not data.stage.available_now and data.stage.possible_from == ""
    assert data.letters[0].code == "48SI"


def test_a_probationary_licence_shows_its_next_increment(sqlite_engine):
    import_records(engine=sqlite_engine, records=[record(issued_on="2023-06-02", events=[])])

    data = dashboard.load_dashboard(engine=sqlite_engine, licence_number=NUMBER, as_of=AS_OF)
    assert data is not None

    assert (data.balance, data.maximum) == (8, 8)  # R1 + one R2 increment
    assert data.probation.kind == "active"
    assert data.probation.title == "Votre permis est probatoire jusqu'au 2 juin 2026."
    assert "Prochaine majoration : +2 points le 2 juin 2025" in " ".join(data.probation.lines)


def test_a_probationary_licence_explains_why_increments_stopped(sqlite_engine):
    events = [infraction("I1", "2024-01-10", 1)]
    import_records(engine=sqlite_engine, records=[record(issued_on="2023-06-02", events=events)])

    data = dashboard.load_dashboard(engine=sqlite_engine, licence_number=NUMBER, as_of=AS_OF)
    assert data is not None

    text = " ".join(data.probation.lines)
    assert "majorations annuelles sont arrêtées" in text  # R2
    assert "Prochaine majoration" not in text


def test_the_last_update_is_the_day_in_paris(sqlite_engine):
    late_evening_utc = "2024-11-01T23:30:00+00:00"
    import_records(engine=sqlite_engine, records=[record(updated_at=late_evening_utc)])

    data = dashboard.load_dashboard(engine=sqlite_engine, licence_number=NUMBER, as_of=AS_OF)

    assert data is not None and data.updated_label == "2 novembre 2024"


def test_the_chart_draws_history_up_to_today_and_forecast_after(worked_example):
    data = dashboard.load_dashboard(engine=worked_example, licence_number=NUMBER, as_of=AS_OF)
    assert data is not None
    chart = data.chart

    # The history holds each balance up to today, the forecast from today to the chart's end.
    assert chart.history[-1].end == chart.today == chart.forecast[0].start
    assert chart.forecast[-1].end == chart.days
    assert [step.balance for step in chart.history][-1] == 8
    assert [(step.previous, step.balance) for step in chart.forecast] == [(8, 8), (8, 12)]  # one change
    for steps in (chart.history, chart.forecast):
        assert all(step.start <= step.end for step in steps)
        assert all(later.start == earlier.end for earlier, later in itertools.pairwise(steps))
        assert all(later.previous == earlier.balance for earlier, later in itertools.pairwise(steps))
    assert chart.years and all(0 <= mark.day <= chart.days for mark in chart.years)
    assert "8 points sur 12 le 10 novembre 2024" in chart.summary
    assert "12 points le 1er septembre 2026" in chart.summary
    # The chart's table of data (its text alternative) dates each step in French.
    assert [step.since for step in chart.forecast] == ["10 novembre 2024", "1er septembre 2026"]
    assert all(re.fullmatch(r"(1er|[0-9]{1,2}) [a-zéû]+ [0-9]{4}", step.since) for step in chart.history)


def test_offence_choices_list_the_official_scale_with_points(worked_example):
    choices = dict(dashboard.offence_choices())

    assert choices["VITESSE_40_50"] == "Excès de vitesse de 40 à moins de 50 km/h (4 points)"
    assert choices["GANTS"].endswith("(1 point)")


@pytest.mark.parametrize(
    ("code", "day", "offence_error", "day_error"),
    [
        ("", "2024-12-01", "Choisissez une infraction dans la liste.", ""),
        ("NOPE", "2024-12-01", "Cette infraction ne figure pas dans la liste : choisissez-en une.", ""),
        ("TELEPHONE", "", "", "Indiquez la date de l'infraction."),
        ("TELEPHONE", "2024-02-30", "", "Cette date n'est pas valable."),
        (
            "TELEPHONE",
            "1990-01-01",
            "",
            "Indiquez une date à partir de la délivrance de votre permis, le 2 juin 1998.",
        ),
        ("TELEPHONE", "2031-01-01", "", "Indiquez une date au plus tard le 10 novembre 2029."),
    ],
)
def test_the_simulator_explains_wrong_input_in_french(worked_example, code, day, offence_error, day_error):
    outcome = dashboard.simulate_offence(
        engine=worked_example, licence_number=NUMBER, as_of=AS_OF, offence_code=code, day=day
    )

    assert outcome is not None and outcome.result is None
    assert outcome.offence_error == offence_error
    assert outcome.day_error.startswith(day_error)
    assert bool(outcome.day_error) == bool(day_error)


def test_the_simulator_shows_balance_letters_and_forecast_and_saves_nothing(worked_example):
    outcome = dashboard.simulate_offence(
        engine=worked_example,
        licence_number=NUMBER,
        as_of=AS_OF,
        offence_code="VITESSE_40_50",
        day="2024-11-10",
    )

    assert outcome is not None and outcome.result is not None
    result = outcome.result
    assert (result.points_withdrawn, result.balance, result.maximum) == (4, 4, 12)
    assert result.balance_label == "4 points sur 12"
    assert [letter.code for letter in result.letters] == ["48", "48M"]  # R9: 6 points or fewer left
    assert "votre solde serait de 4 points sur 12 aujourd'hui" in result.summary
    # R6: three years after this class-4 infraction, instead of 2026-09-01.
    assert [(row.date, row.balance_after) for row in result.forecast] == [("10 novembre 2027", "12")]
    after = dashboard.load_dashboard(engine=worked_example, licence_number=NUMBER, as_of=AS_OF)
    assert after is not None and after.balance == 8


def test_a_simulated_future_offence_is_assessed_on_its_day(worked_example):
    outcome = dashboard.simulate_offence(
        engine=worked_example, licence_number=NUMBER, as_of=AS_OF, offence_code="GANTS", day="2025-01-15"
    )

    assert outcome is not None and outcome.result is not None
    assert outcome.result.balance == 7
    assert "le 15 janvier 2025" in outcome.result.summary
    # R5: the point comes back six months later.
    assert outcome.result.forecast[0].date == "15 juillet 2025"


def test_a_simulated_offence_that_empties_the_balance_says_the_licence_would_be_invalidated(sqlite_engine):
    import_records(
        engine=sqlite_engine, records=[record(events=[infraction("I1", "2024-06-10", 6, "DELIT")])]
    )

    outcome = dashboard.simulate_offence(
        engine=sqlite_engine,
        licence_number=NUMBER,
        as_of=AS_OF,
        offence_code="ALCOOL_DELIT",
        day="2024-11-10",
    )

    assert outcome is not None and outcome.result is not None
    assert outcome.result.invalidated and outcome.result.balance == 0
    assert [letter.code for letter in outcome.result.letters] == ["48", "48SI"]  # R4, R9
    assert "invalidé" in outcome.result.summary


def test_the_simulator_answers_nothing_for_an_unknown_licence(worked_example):
    assert (
        dashboard.simulate_offence(
            engine=worked_example,
            licence_number="999999999",
            as_of=AS_OF,
            offence_code="GANTS",
            day="2024-12-01",
        )
        is None
    )


def test_the_one_reader_gives_the_facts_with_or_without_categories_from_an_engine_or_a_connection(engine):
    stage = {"id": "S1", "kind": "stage", "completed_on": "2024-03-01", "place": "Lyon (69)"}
    import_records(
        engine=engine,
        records=[record(), record("999888777", events=[]), record("555444333", events=[stage])],
    )

    for number in (NUMBER, "999888777", "555444333", " 1205 7510 0123 "):
        found = read_licence(engine, number)
        assert found is not None
        assert found.licence_number == number.replace(" ", "")
        assert found.categories == ()  # asked for only by the documents
        with engine.connect() as connection:
            within = read_licence(connection, number, with_categories=True)
        assert within is not None and within.facts == found.facts and within.categories
    assert [event.id for event in read_licence(engine, "555444333").facts.events] == ["S1"]  # type: ignore[union-attr]
    assert read_licence(engine, "???") is None


def test_a_past_full_restoration_names_its_period_and_the_last_infraction(worked_example):
    data = dashboard.load_dashboard(engine=worked_example, licence_number=NUMBER, as_of=dt.date(2026, 10, 1))
    assert data is not None

    restoration = data.history[0]
    assert (restoration.date, restoration.points, restoration.balance_after) == (
        "1er septembre 2026",
        "+4",
        "12",
    )
    assert restoration.label == "Récupération de la totalité des points après 3 ans sans infraction"  # R6
    assert restoration.detail.startswith("Dernière infraction : Défaut de port de gants homologués")


def test_simulating_on_an_already_invalidated_licence_says_nothing_would_change(sqlite_engine):
    events = [infraction("I1", "2024-01-10", 6, "DELIT"), infraction("I2", "2024-04-10", 6, "DELIT")]
    import_records(engine=sqlite_engine, records=[record(events=events)])

    outcome = dashboard.simulate_offence(
        engine=sqlite_engine, licence_number=NUMBER, as_of=AS_OF, offence_code="TELEPHONE", day="2024-11-10"
    )

    assert outcome is not None and outcome.result is not None
    result = outcome.result
    assert result.already_invalidated and result.invalidated  # R4
    assert (result.points_withdrawn, result.balance, result.letters, result.forecast) == (0, 0, [], [])
    assert result.summary == (
        "Votre permis est déjà invalidé depuis le 10 avril 2024 (solde nul) : cette infraction ne retirerait"
        " aucun point et ne changerait rien à votre situation."
    )
    assert "seraient retirés" not in result.summary and "serait invalidé" not in result.summary


def test_simulating_after_a_recorded_future_invalidation_says_nothing_would_change(sqlite_engine):
    events = [infraction("I1", "2024-01-10", 6, "DELIT"), infraction("I2", "2024-12-02", 6, "DELIT")]
    import_records(engine=sqlite_engine, records=[record(events=events)])

    for day in ("2024-12-02", "2025-01-15"):
        outcome = dashboard.simulate_offence(
            engine=sqlite_engine, licence_number=NUMBER, as_of=AS_OF, offence_code="TELEPHONE", day=day
        )
        assert outcome is not None and outcome.result is not None
        assert outcome.result.already_invalidated
        assert outcome.result.summary.startswith(
            "D'après les infractions déjà enregistrées, votre permis sera invalidé le 2 décembre 2024"
        )
    # The day before, the simulated offence comes first and withdraws its points.
    outcome = dashboard.simulate_offence(
        engine=sqlite_engine, licence_number=NUMBER, as_of=AS_OF, offence_code="TELEPHONE", day="2024-12-01"
    )
    assert outcome is not None and outcome.result is not None
    assert not outcome.result.already_invalidated and outcome.result.points_withdrawn == 3


def test_a_simulated_offence_is_not_capped_with_a_recorded_one_of_the_same_day(sqlite_engine):
    # R3's 8-point cap is for offences committed at the same moment; the simulated one is another.
    import_records(engine=sqlite_engine, records=[record(events=[infraction("I1", "2024-11-10", 6, "C5")])])

    outcome = dashboard.simulate_offence(
        engine=sqlite_engine,
        licence_number=NUMBER,
        as_of=AS_OF,
        offence_code="VITESSE_50_PLUS",
        day="2024-11-10",
    )

    assert outcome is not None and outcome.result is not None
    assert (outcome.result.points_withdrawn, outcome.result.balance) == (6, 0)
    assert outcome.result.invalidated and not outcome.result.already_invalidated
    assert "6 points seraient retirés" in outcome.result.summary
    assert "Votre permis serait invalidé (solde nul)." in outcome.result.summary


def test_a_licence_invalidated_during_probation_says_when_probation_was_cut_short(sqlite_engine):
    events = [infraction("I1", "2025-07-01", 6, "DELIT")]
    import_records(engine=sqlite_engine, records=[record(issued_on="2025-01-10", events=events)])

    data = dashboard.load_dashboard(engine=sqlite_engine, licence_number=NUMBER, as_of=dt.date(2025, 8, 1))

    assert data is not None
    assert (data.probation.kind, data.probation.title) == (
        "invalidated",
        "Période probatoire interrompue le 1er juillet 2025.",
    )


def test_a_licence_invalidated_after_its_probation_says_the_probation_ended(sqlite_engine):
    events = [infraction("I1", "2028-07-01", 6, "DELIT")]
    import_records(engine=sqlite_engine, records=[record(issued_on="2025-01-10", events=events)])

    data = dashboard.load_dashboard(engine=sqlite_engine, licence_number=NUMBER, as_of=dt.date(2028, 8, 1))

    assert data is not None
    assert (data.probation.kind, data.probation.title) == (
        "ended",
        "Votre période probatoire s'est terminée le 10 janvier 2028.",
    )


def test_a_compulsory_stage_gives_an_approximate_deadline_without_contradiction(sqlite_engine):
    # R9: 3 points withdrawn during probation send a 48N letter; the 4 months run from its receipt.
    events = [infraction("I1", "2024-10-01", 3)]
    import_records(engine=sqlite_engine, records=[record(issued_on="2023-06-02", events=events)])

    data = dashboard.load_dashboard(engine=sqlite_engine, licence_number=NUMBER, as_of=AS_OF)

    assert data is not None
    text = data.stage.lines[0]
    assert "jusque vers le 1er février 2025 selon le jour où vous l'avez reçue" in text
    assert "au plus tard vers" not in text


def test_dates_on_the_dashboard_read_1er_for_the_first_of_the_month(worked_example):
    data = dashboard.load_dashboard(engine=worked_example, licence_number=NUMBER, as_of=dt.date(2024, 7, 1))

    assert data is not None
    assert data.as_of_label == "1er juillet 2024"
    assert data.history[0].date == "1er mars 2024"


def test_the_dashboard_of_facts_with_centuries_of_forecast_still_draws_its_chart() -> None:
    # Facts stored before the feed checked the range: the chart's year labels must still fit.
    far = dt.datetime(9995, 1, 1, 10, 0)
    facts = LicenceFacts(issued_on=dt.date(1998, 6, 2), events=(Infraction("E1", far, far.date(), "C3", 2),))
    # The file knows the offence from its effective day: assessed that day, it forecasts 9997.
    assessment = dashboard.assess(facts, far.date())
    chart = dashboard.balance_series(assessment, facts)

    assert 1 <= len(chart.years) <= 7
    assert "12 points le 1er janvier 9997" in chart.summary


def test_every_history_and_forecast_row_links_its_rule_to_the_page_that_explains_it(worked_example):
    data = dashboard.load_dashboard(engine=worked_example, licence_number=NUMBER, as_of=AS_OF)
    assert data is not None
    assert [(row.rule_label, row.rule_href) for row in data.history] == [
        (
            "Récupération d'un point après 6 mois sans infraction",
            "/comprendre-le-calcul#recuperation-apres-six-mois",
        ),
        ("Retrait de points", "/comprendre-le-calcul#retrait-de-points"),
        ("Retrait de points", "/comprendre-le-calcul#retrait-de-points"),
    ]
    assert [row.rule_href for row in data.forecast] == ["/comprendre-le-calcul#recuperation-totale"]


def test_a_restoration_cancelled_is_explained_to_the_driver_in_the_history(sqlite_engine):
    late = {
        "id": "INF-3",
        "kind": "infraction",
        "committed_at": "2024-01-20T07:30:00",  # inside INF-2's six months, recorded in May
        "effective_on": "2024-05-14",
        "offence_class": "C4",
        "points": 2,
        "label": "Usage d'un téléphone tenu en main par le conducteur",
    }
    base = record()
    import_records(engine=sqlite_engine, records=[record(events=[*_events_of(base), late])])
    data = dashboard.load_dashboard(engine=sqlite_engine, licence_number=NUMBER, as_of=AS_OF)
    assert data is not None
    cancelled = next(row for row in data.history if row.rule == "restoration_cancelled")
    assert (cancelled.date, cancelled.points, cancelled.balance_after) == ("14 mai 2024", "-1", "7")
    assert cancelled.label == "Reprise de points rendus à tort"
    assert "Usage d'un téléphone tenu en main par le conducteur" in cancelled.detail
    assert "commise pendant cette période" in cancelled.detail
    assert "les dates passées de votre historique ne changent pas" in cancelled.detail
    assert cancelled.rule_href == "/comprendre-le-calcul#annulation-d-une-recuperation"


def test_a_restoration_cancelled_names_the_offence_committed_during_the_period() -> None:
    # D5: both take effect on 2023-09-01; the red light comes first that day but was committed before
    # the six months of A's restored point; the phone call, committed during them, is the one named.
    def late(event_id: str, committed: dt.date, label: str) -> Infraction:
        return Infraction(
            event_id, dt.datetime.combine(committed, dt.time(8)), dt.date(2023, 9, 1), "C3", 1, label
        )

    facts = LicenceFacts(
        issued_on=dt.date(1998, 6, 2),
        events=(
            Infraction(
                "A", dt.datetime(2023, 1, 1, 8), dt.date(2023, 1, 10), "C3", 1, "Ceinture non attachée"
            ),
            late("Y", dt.date(2022, 12, 1), "Franchissement d'un feu rouge"),
            late("X", dt.date(2023, 3, 1), "Usage d'un téléphone tenu en main par le conducteur"),
        ),
    )
    rows = dashboard.history_rows(dashboard.assess(facts, dt.date(2023, 9, 1)), facts)
    cancelled = next(row for row in rows if row.rule == "restoration_cancelled")
    assert "Usage d'un téléphone tenu en main par le conducteur" in cancelled.detail
    assert "feu rouge" not in cancelled.detail


def _events_of(parsed: FeedLicence) -> list[dict[str, Any]]:
    return [
        {
            "id": event.id,
            "kind": "infraction",
            "committed_at": event.committed_at.isoformat(),  # type: ignore[union-attr]
            "effective_on": event.effective_on.isoformat(),  # type: ignore[union-attr]
            "offence_class": event.offence_class,  # type: ignore[union-attr]
            "points": event.points,  # type: ignore[union-attr]
            "label": event.label,  # type: ignore[union-attr]
        }
        for event in parsed.events
    ]


def test_simulating_speeding_under_five_kmh_since_2024_shows_the_fine_and_withdraws_nothing(worked_example):
    outcome = dashboard.simulate_offence(
        engine=worked_example,
        licence_number=NUMBER,
        as_of=AS_OF,
        offence_code="VITESSE_MOINS_5_AGGLO",
        day="2024-11-10",
    )
    assert outcome is not None and outcome.result is not None
    result = outcome.result
    assert (result.points_withdrawn, result.balance, result.letters) == (0, 8, [])
    assert "n'entraîne aucun retrait de points" in result.summary
    assert "Elle ne retarde aucune récupération de points" in result.summary
    assert result.fine_label.startswith(
        "Contravention de 4e classe : amende forfaitaire de 135 € (90 € minorée"
    )
    # It blocks nothing: the full restoration stays on its day.
    assert [(row.date, row.rule) for row in result.forecast] == [("1er septembre 2026", "full_restoration")]


def test_simulating_speeding_by_fifty_kmh_applies_the_scale_in_force_on_the_chosen_day(worked_example):
    def fine(day: str) -> str:
        outcome = dashboard.simulate_offence(
            engine=worked_example, licence_number=NUMBER, as_of=AS_OF, offence_code="VITESSE_50_PLUS", day=day
        )
        assert outcome is not None and outcome.result is not None
        assert outcome.result.points_withdrawn == 6
        return outcome.result.fine_label

    assert fine("2025-12-28").startswith("Contravention de 5e classe : jusqu'à 1\u202f500 € d'amende")
    assert fine("2025-12-29").startswith(
        "Délit : jusqu'à 3\u202f750 € d'amende ; amende forfaitaire délictuelle"
    )
    assert "confiscation du véhicule" in fine("2025-12-29")
