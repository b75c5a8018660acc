"""Alerts (R223-3-1): one mail and one notification per change of the history, once, whoever sees it."""

from __future__ import annotations

import datetime as dt
import json
import threading
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, func, text
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from mespoints.db.accounts import Account
from mespoints.db.alerts import AccountPreference, AlertKey, Notification
from mespoints.db.mail import OutboxMail
from mespoints.services import alerts, notifications
from mespoints.services.national_file import import_feed

NUMBER = "120575100123"
OTHER = "300804200417"
NOW = dt.datetime(2024, 9, 1, 8, 0)

# A definitive licence: one point withdrawn on 2024-01-15, restored by R5 on 2024-07-15.
ONE_POINT = {
    "id": "A",
    "kind": "infraction",
    "committed_at": "2024-01-02T10:00:00",
    "effective_on": "2024-01-15",
    "offence_class": "C3",
    "points": 1,
    "label": "Franchissement d'une ligne continue",
    "place": "Rue des Secrets, Lyon (69)",
}
# Committed inside R5's window, known only on 2024-09-10: it cancels that restoration (and withdraws 2).
LATE = {
    "id": "B",
    "kind": "infraction",
    "committed_at": "2024-06-01T10:00:00",
    "effective_on": "2024-09-10",
    "offence_class": "C4",
    "points": 2,
    "label": "Excès de vitesse très confidentiel",
    "place": "Chemin du Mystère, Bron (69)",
}


def line(number: str = NUMBER, *events: dict[str, Any]) -> dict[str, Any]:
    return {
        "licence_number": number,
        "format": "card",
        "last_name": "MARTIN",
        "first_names": "Julie Anne",
        "birth_date": "1975-05-17",
        "issued_on": "1998-06-02",
        "early_training": False,
        "categories": [{"category": "B", "obtained_on": "1998-06-02"}],
        "events": list(events),
        "updated_at": "2024-09-10T03:00:00+00:00",
    }


def feed(path: Path, *lines: dict[str, Any]) -> Path:
    path.write_text("".join(json.dumps(item) + "\n" for item in lines), encoding="utf-8")
    return path


def account(engine: Engine, number: str = NUMBER, email: str = "julie@exemple.fr") -> int:
    with Session(engine) as session:
        row = Account(
            email=email,
            password_hash="x",
            last_name="MARTIN",
            first_names="Julie Anne",
            birth_date=dt.date(1975, 5, 17),
            licence_number=number,
            created_at=NOW,
            activated_at=NOW,
        )
        session.add(row)
        session.commit()
        assert row.id is not None
        return row.id


def importing(engine: Engine, path: Path, today: dt.date, **options: Any):  # type: ignore[no-untyped-def]
    """What `python -m mespoints import-feed` does: each batch written, its holders alerted."""
    return import_feed(
        engine=engine,
        path=path,
        workers=0,
        on_written=lambda numbers: alerts.alert_licences(
            engine=engine, licence_numbers=numbers, today=today, now=NOW
        ),
        **options,
    )


def count(engine: Engine, model: Any, **where: Any) -> int:
    with Session(engine) as session:
        statement = select(func.count()).select_from(model)
        for name, value in where.items():
            statement = statement.where(col(getattr(model, name)) == value)
        return int(session.exec(statement).one())


@pytest.fixture
def holder(engine, tmp_path) -> tuple[Engine, int]:
    """A licence with one restored point, known to its holder since alerts started."""
    import_feed(engine=engine, path=feed(tmp_path / "first.jsonl", line(NUMBER, ONE_POINT)), workers=0)
    account_id = account(engine)
    with Session(engine) as session:
        alerts.start_alerts(
            session, account_id=account_id, licence_number=NUMBER, as_of=dt.date(2024, 9, 1), now=NOW
        )
        session.commit()
    return engine, account_id


def test_importing_a_feed_with_a_new_withdrawal_sends_exactly_one_alert_and_importing_it_again_none(
    holder, tmp_path, outbox
) -> None:
    engine, account_id = holder
    withdrawal = {**LATE, "id": "W", "committed_at": "2024-08-20T10:00:00", "effective_on": "2024-09-05"}
    second = feed(tmp_path / "second.jsonl", line(NUMBER, ONE_POINT, withdrawal))

    importing(engine, second, dt.date(2024, 9, 10))
    assert [mail.subject for mail in outbox] == ["Un retrait de points a été enregistré"]
    assert count(engine, Notification, account_id=account_id) == 1

    importing(engine, second, dt.date(2024, 9, 10))
    importing(engine, second, dt.date(2024, 9, 11))
    assert len(outbox) == 1
    assert count(engine, Notification, account_id=account_id) == 1


def test_the_mail_says_what_changed_and_the_new_balance_never_the_offence_and_links_to_the_dashboard(
    holder, tmp_path, outbox
) -> None:
    engine, _ = holder
    withdrawal = {**LATE, "id": "W", "committed_at": "2024-08-20T10:00:00", "effective_on": "2024-09-05"}
    importing(
        engine, feed(tmp_path / "second.jsonl", line(NUMBER, ONE_POINT, withdrawal)), dt.date(2024, 9, 10)
    )

    (mail,) = outbox
    assert mail.to == "julie@exemple.fr"
    assert "Un retrait de 2 points a été enregistré sur votre permis de conduire." in mail.text
    assert "Votre solde est désormais de 10 points sur 12." in mail.text
    assert "/tableau-de-bord/historique" in mail.text
    for secret in ("Excès", "confidentiel", "Mystère", "Bron", "20 août", "C4"):
        assert secret not in mail.text


def test_a_cancelled_restoration_is_alerted_with_the_withdrawal_that_cancels_it(
    holder, tmp_path, outbox
) -> None:
    engine, account_id = holder
    importing(engine, feed(tmp_path / "late.jsonl", line(NUMBER, ONE_POINT, LATE)), dt.date(2024, 9, 10))

    assert sorted(mail.subject for mail in outbox) == [
        "Un retrait de points a été enregistré",
        "Une récupération de points a été annulée",
    ]
    cancelled = next(mail for mail in outbox if "annulée" in mail.subject)
    assert "repris le 10 septembre 2024 (-1)" in cancelled.text
    assert "Votre solde est désormais de 9 points sur 12." in cancelled.text
    with Session(engine) as session:
        rules = session.exec(select(AlertKey.rule).where(col(AlertKey.alerted))).all()
    assert sorted(rules) == ["restoration_cancelled", "withdrawal"]
    assert notifications.unread_count(engine=engine, account_id=account_id) == 2


def test_an_import_killed_after_a_batch_and_run_again_alerts_each_change_once(
    engine, tmp_path, outbox
) -> None:
    first = feed(tmp_path / "first.jsonl", line(NUMBER, ONE_POINT), line(OTHER, ONE_POINT))
    import_feed(engine=engine, path=first, workers=0)
    ids = [account(engine, NUMBER, "julie@exemple.fr"), account(engine, OTHER, "noe@exemple.fr")]
    for account_id in ids:  # alerts start: what the file held is not news
        alerts.alert_account(engine=engine, account_id=account_id, today=dt.date(2024, 9, 1), now=NOW)
    assert outbox == []
    withdrawal = {**LATE, "id": "W", "committed_at": "2024-08-20T10:00:00", "effective_on": "2024-09-05"}
    second = feed(
        tmp_path / "second.jsonl", line(NUMBER, ONE_POINT, withdrawal), line(OTHER, ONE_POINT, withdrawal)
    )

    calls = 0

    def killed_after_the_first_batch(numbers: list[str]) -> None:
        nonlocal calls
        calls += 1
        if calls == 2:
            raise KeyboardInterrupt  # the process dies after writing batch 2, before alerting it
        alerts.alert_licences(engine=engine, licence_numbers=numbers, today=dt.date(2024, 9, 10), now=NOW)

    with pytest.raises(KeyboardInterrupt):
        import_feed(
            engine=engine, path=second, workers=0, batch_size=1, on_written=killed_after_the_first_batch
        )
    assert [mail.to for mail in outbox] == ["julie@exemple.fr"]

    importing(engine, second, dt.date(2024, 9, 10), batch_size=1)
    assert sorted(mail.to for mail in outbox) == ["julie@exemple.fr", "noe@exemple.fr"]


@pytest.mark.parametrize("apart", [False, True], ids=["in-process", "own-process"])
def test_the_daily_job_alerts_a_restoration_the_calendar_brings_once(engine, tmp_path, outbox, apart) -> None:
    """`apart`: the sweep in a process of its own, as the portal's workers run it."""
    import_feed(engine=engine, path=feed(tmp_path / "first.jsonl", line(NUMBER, ONE_POINT)), workers=0)
    account_id = account(engine)

    def round_of(holder: str, today: dt.date) -> int | None:
        return alerts.daily_round(engine=engine, holder=holder, today=today, now=NOW, apart=apart)

    # Alerts start on 2024-07-01: the withdrawal is known, the restoration of 2024-07-15 is to come.
    assert round_of("w1", dt.date(2024, 7, 1)) == 0
    assert round_of("w1", dt.date(2024, 7, 14)) == 0
    assert round_of("w1", dt.date(2024, 7, 15)) == 1
    assert round_of("w2", dt.date(2024, 7, 15)) is None  # done today
    assert round_of("w2", dt.date(2024, 7, 16)) == 0

    if apart:  # queued by the sweep's process, which the outbox spy does not see: the table does
        with Session(engine) as session:
            queued = session.exec(select(OutboxMail.recipient, OutboxMail.subject)).all()
        assert [subject for _, subject in queued] == ["Un point vous a été restitué"]
        assert notifications.unread_count(engine=engine, account_id=account_id) == 1
        return
    (mail,) = outbox
    assert mail.subject == "Un point vous a été restitué"
    assert "1 point vous a été restitué le 15 juillet 2024, après 6 mois sans infraction." in mail.text
    assert "Votre solde est désormais de 12 points sur 12." in mail.text
    assert notifications.unread_count(engine=engine, account_id=account_id) == 1


def test_one_worker_at_a_time_holds_the_daily_job_and_a_dead_one_lets_go_after_its_lease(engine) -> None:
    day = dt.date(2024, 7, 15)
    assert alerts.take_daily_lease(engine=engine, holder="w1", today=day, now=NOW)
    assert not alerts.take_daily_lease(
        engine=engine, holder="w2", today=day, now=NOW + dt.timedelta(minutes=5)
    )
    # w1 died without finishing: once its lease is over, another worker runs the job.
    later = NOW + alerts.LEASE + dt.timedelta(seconds=1)
    assert alerts.take_daily_lease(engine=engine, holder="w2", today=day, now=later)
    alerts.finish_daily_lease(engine=engine, holder="w2", today=day)
    assert not alerts.take_daily_lease(engine=engine, holder="w3", today=day, now=later)
    assert alerts.take_daily_lease(engine=engine, holder="w3", today=day + dt.timedelta(days=1), now=later)


def test_with_mail_alerts_off_the_change_is_still_a_notification(holder, tmp_path, outbox) -> None:
    engine, account_id = holder
    notifications.set_mail_alerts(engine=engine, account_id=account_id, enabled=False, now=NOW)
    assert not notifications.mail_alerts_enabled(engine=engine, account_id=account_id)

    importing(engine, feed(tmp_path / "late.jsonl", line(NUMBER, ONE_POINT, LATE)), dt.date(2024, 9, 10))
    assert outbox == []
    rows = notifications.list_notifications(engine=engine, account_id=account_id)
    assert len(rows) == 2 and all(row.unread for row in rows)
    assert all(row.link == "/tableau-de-bord/historique" for row in rows)

    assert (
        notifications.mark_read(engine=engine, account_id=account_id, now=NOW, notification_id=rows[0].id)
        == 1
    )
    assert notifications.unread_count(engine=engine, account_id=account_id) == 1
    assert notifications.mark_read(engine=engine, account_id=account_id + 99, now=NOW) == 0  # not theirs
    assert notifications.mark_read(engine=engine, account_id=account_id, now=NOW) == 1
    assert notifications.unread_count(engine=engine, account_id=account_id) == 0


def test_an_account_older_than_alerts_starts_with_its_history_as_it_is_and_no_mail(
    engine, tmp_path, outbox
) -> None:
    import_feed(engine=engine, path=feed(tmp_path / "late.jsonl", line(NUMBER, ONE_POINT, LATE)), workers=0)
    account_id = account(engine)
    assert (
        alerts.alert_account(engine=engine, account_id=account_id, today=dt.date(2024, 9, 10), now=NOW) == 0
    )
    assert (
        alerts.alert_account(engine=engine, account_id=account_id, today=dt.date(2024, 9, 10), now=NOW) == 0
    )
    assert outbox == []
    assert count(engine, AlertKey, alerted=False) == 4  # withdrawal, restoration, cancellation, withdrawal
    assert count(engine, AccountPreference) == 1


def test_two_lookers_at_once_alert_a_change_once(holder, tmp_path, outbox) -> None:
    engine, account_id = holder
    import_feed(engine=engine, path=feed(tmp_path / "late.jsonl", line(NUMBER, ONE_POINT, LATE)), workers=0)
    results: list[int] = []
    errors: list[BaseException] = []

    def look() -> None:
        try:
            results.append(
                alerts.alert_account(
                    engine=engine, account_id=account_id, today=dt.date(2024, 9, 10), now=NOW
                )
            )
        except BaseException as error:  # noqa: BLE001
            errors.append(error)

    threads = [threading.Thread(target=look) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sum(results) == 2
    assert len(outbox) == 2
    assert count(engine, Notification) == 2


def test_the_alert_key_is_unique_by_licence_event_rule_and_day(holder) -> None:
    engine, account_id = holder
    values = "(:a, '120575100123', 'A', 'withdrawal', '2024-01-15', false, '2024-01-01 00:00:00')"
    columns = "account_id, licence_number, event_id, rule, day, alerted, created_at"
    with pytest.raises(IntegrityError), engine.begin() as connection:
        connection.execute(
            text(f"INSERT INTO alert_key ({columns}) VALUES {values}"),
            {"a": account_id},
        )


def test_a_stage_credit_brought_by_an_import_is_alerted_once(holder, tmp_path, outbox) -> None:
    engine, _ = holder
    withdrawal = {**LATE, "id": "W", "committed_at": "2024-08-20T10:00:00", "effective_on": "2024-09-05"}
    importing(
        engine, feed(tmp_path / "second.jsonl", line(NUMBER, ONE_POINT, withdrawal)), dt.date(2024, 9, 10)
    )
    outbox.clear()
    stage = {"id": "S1", "kind": "stage", "completed_on": "2024-10-01", "place": "Villeurbanne (69)"}
    third = feed(tmp_path / "third.jsonl", line(NUMBER, ONE_POINT, withdrawal, stage))

    importing(engine, third, dt.date(2024, 10, 5))
    importing(engine, third, dt.date(2024, 10, 6))
    assert alerts.daily_round(engine=engine, holder="w", today=dt.date(2024, 10, 7), now=NOW) == 0

    (mail,) = outbox
    assert mail.subject == "Les points de votre stage ont été crédités"
    assert "2 points vous ont été crédités le 2 octobre 2024" in mail.text
    assert "Villeurbanne" not in mail.text
