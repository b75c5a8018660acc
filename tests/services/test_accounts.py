"""Sign-up, activation, login, throttling, password reset and account changes (issue "accounts")."""

from __future__ import annotations

import asyncio
import datetime as dt
import importlib
import json
import logging
import re
import threading
from collections.abc import Callable
from typing import TypeVar

import pytest
from sqlalchemy import Engine, func, inspect, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.types import String, Text

from mespoints.db.accounts import Account, AccountSession, AccountToken, LoginThrottle, RateLimitEvent
from mespoints.db.engine import session_scope
from mespoints.domain.feed import FeedLicence, parse_feed_line
from mespoints.services import accounts, national_file, rate_limit, security, sessions
from mespoints.services.accounts import Outcome, SignupDraft, Status
from mespoints.settings import get_settings
from tests.services.conftest import SentMail

# Plain logic: once on SQLite is enough (the engine fixture otherwise runs both databases).
SQLITE_ONLY = pytest.mark.parametrize("engine", ["sqlite"], indirect=True)
NOW = dt.datetime(2025, 3, 3, 8, 0, 0)
SECOND = dt.timedelta(seconds=1)
MINUTE = dt.timedelta(minutes=1)
PASSWORD = "cheval-Rouge-tambour-93"
OTHER_PASSWORD = "Lampadaire#Orage-58"
EMAIL = "julie.martin@exemple.fr"
LICENCE = "120575100123"
T = TypeVar("T")


pytestmark = pytest.mark.usefixtures("cheap_hashing")


def settled(use_case: Callable[..., Outcome]) -> Callable[..., Outcome]:
    """The use case, then one round of the mail sender, which turns its request into mails."""

    def run(**arguments: object) -> Outcome:
        outcome = use_case(**arguments)
        accounts.process_requests(engine=arguments["engine"], now=arguments["now"])  # type: ignore[arg-type]
        return outcome

    return run


register = settled(accounts.register)
request_password_reset = settled(accounts.request_password_reset)
resend_activation = settled(accounts.resend_activation)
request_email_change = settled(accounts.request_email_change)


def feed_record(number: str, *, last_name: str = "MARTIN", birth_date: str = "1990-05-17") -> FeedLicence:
    line = {
        "licence_number": number,
        "format": "card",
        "last_name": last_name,
        "first_names": "Julie Anne",
        "birth_date": birth_date,
        "issued_on": "2009-06-02",
        "early_training": False,
        "categories": [{"category": "B", "obtained_on": "2009-06-02"}],
        "events": [],
        "updated_at": "2024-11-02T03:00:00+00:00",
    }
    record = parse_feed_line(json.dumps(line))
    assert isinstance(record, FeedLicence), record
    return record


def add_licences(engine: Engine, *numbers: str) -> None:
    national_file.import_records(engine=engine, records=[feed_record(number) for number in numbers])


def draft(**changes: object) -> SignupDraft:
    values: dict[str, object] = {
        "last_name": "Martin",
        "first_names": "Julie Anne",
        "birth_date": "1990-05-17",
        "email": EMAIL,
        "password": PASSWORD,
        "licence_format": "card",
        "licence_number": "1205 7510 0123",
        "terms_accepted": True,
    }
    values.update(changes)
    return SignupDraft(**values)  # type: ignore[arg-type]


def count_accounts(engine: Engine) -> int:
    with session_scope(engine) as session:
        return session.exec(select(func.count()).select_from(Account)).one()[0]


def account_by_email(engine: Engine, email: str) -> Account | None:
    with session_scope(engine) as session:
        return session.exec(select(Account).where(Account.email == email)).scalars().one_or_none()


def signed_up(engine: Engine, outbox: list[SentMail], **changes: object) -> int:
    """A new activated account; returns its id."""
    add_licences(engine, str(changes.get("licence_number", LICENCE)).replace(" ", ""))
    assert register(engine=engine, draft=draft(**changes), now=NOW).status is Status.CHECK_MAILBOX
    assert accounts.activate(engine=engine, token=outbox[-1].token, now=NOW).status is Status.DONE
    found = account_by_email(engine, str(changes.get("email", EMAIL)))
    assert found is not None and found.id is not None
    return found.id


# Sign-up ------------------------------------------------------------------------------------


def test_sign_up_stores_an_inactive_account_and_mails_a_12_hour_activation_link(engine, outbox):
    add_licences(engine, LICENCE)

    outcome = register(engine=engine, draft=draft(email="  Julie.Martin@Exemple.FR "), now=NOW)

    assert outcome.status is Status.CHECK_MAILBOX
    account = account_by_email(engine, EMAIL)
    assert account is not None
    assert (account.licence_number, account.last_name, account.first_names) == (
        LICENCE,
        "Martin",
        "Julie Anne",
    )
    assert account.birth_date == dt.date(1990, 5, 17)
    assert account.created_at == NOW and account.activated_at is None
    assert [m.to for m in outbox] == [EMAIL]
    assert f"{get_settings().base_url}/activation?jeton={outbox[0].token}" in outbox[0].text
    assert "21 h 00 le 3 mars 2025 (heure de Paris)" in outbox[0].text  # 08:00 UTC + 12 h, in CET
    assert len(outbox[0].token) >= 43  # 32 random bytes, base64url


@pytest.mark.parametrize(
    ("utc", "text"),
    [
        (dt.datetime(2025, 6, 30, 22, 5), "0 h 05 le 1er juillet 2025 (heure de Paris)"),  # CEST
        (dt.datetime(2025, 1, 1, 13, 5), "14 h 05 le 1er janvier 2025 (heure de Paris)"),  # CET
        (dt.datetime(2025, 5, 17, 12, 5), "14 h 05 le 17 mai 2025 (heure de Paris)"),
        (dt.datetime(2025, 3, 11, 9, 30), "10 h 30 le 11 mars 2025 (heure de Paris)"),
        (dt.datetime(2025, 3, 30, 1, 0), "3 h 00 le 30 mars 2025 (heure de Paris)"),  # after the change
    ],
)
def test_mailed_deadlines_read_in_paris_time_with_the_first_of_the_month_as_1er(utc, text):
    assert accounts.paris_time_text(utc) == text


@SQLITE_ONLY
def test_an_activation_mail_sent_on_the_last_evening_of_a_month_says_valid_until_the_1er(engine, outbox):
    add_licences(engine, LICENCE)
    register(engine=engine, draft=draft(), now=dt.datetime(2025, 6, 30, 12, 5))
    assert "jusqu'à 2 h 05 le 1er juillet 2025 (heure de Paris)" in outbox[0].text


@SQLITE_ONLY
def test_sign_up_checks_every_field_again_on_the_server(engine, outbox):
    add_licences(engine, LICENCE)
    bad = draft(
        last_name="",
        first_names="J3an",
        birth_date="31/02/1990",
        email="pas-une-adresse",
        password="court",
        licence_format="pink",
        licence_number="12",
        terms_accepted=False,
    )

    outcome = register(engine=engine, draft=bad, now=NOW)

    assert outcome.status is Status.FIELD_ERRORS
    assert set(outcome.errors) == {
        "last_name",
        "first_names",
        "birth_date",
        "email",
        "password",
        "licence_format",
        "licence_number",
        "terms_accepted",
    }
    assert all(
        isinstance(message, str) and message for messages in outcome.errors.values() for message in messages
    )
    assert count_accounts(engine) == 0 and outbox == []


@SQLITE_ONLY
def test_sign_up_refuses_a_password_built_on_the_persons_name(engine, outbox):
    add_licences(engine, LICENCE)
    outcome = register(engine=engine, draft=draft(password="martin-julie-perso"), now=NOW)
    assert outcome.status is Status.FIELD_ERRORS
    assert list(outcome.errors) == ["password"]


def test_sign_up_with_data_matching_no_licence_is_refused_with_one_generic_message(engine, outbox):
    add_licences(engine, LICENCE)
    for wrong in (
        draft(last_name="Durand"),
        draft(birth_date="1990-05-18"),
        draft(licence_format="three_part"),
        draft(licence_number="999999999999"),
    ):
        outcome = register(engine=engine, draft=wrong, now=NOW)
        assert outcome.status is Status.MISMATCH
        assert outcome.message == "Les informations saisies ne correspondent à aucun permis de conduire."
    assert count_accounts(engine) == 0 and outbox == []


def test_sign_up_with_an_email_that_has_an_account_looks_the_same_and_mails_that_address(engine, outbox):
    signed_up(engine, outbox)
    add_licences(engine, "990000000001")
    outbox.clear()

    again = register(engine=engine, draft=draft(licence_number="990000000001"), now=NOW)
    fresh = register(
        engine=engine, draft=draft(licence_number="990000000001", email="autre@exemple.fr"), now=NOW
    )

    # Same answer for both addresses, and one mail to each: only its owner learns which it was.
    assert again == fresh == Outcome(Status.CHECK_MAILBOX)
    assert [(m.to, m.subject) for m in outbox] == [
        (EMAIL, "Vous avez déjà un compte Mes Points Permis"),
        ("autre@exemple.fr", "Activez votre compte Mes Points Permis"),
    ]
    assert count_accounts(engine) == 2


def test_sign_up_with_a_licence_bound_to_an_account_looks_the_same_and_tells_both_addresses_by_mail(
    engine, outbox
):
    signed_up(engine, outbox)
    outbox.clear()

    bound = register(engine=engine, draft=draft(email="intrus@exemple.fr"), now=NOW)
    fresh_licence = "990000000077"
    add_licences(engine, fresh_licence)
    free = register(
        engine=engine, draft=draft(email="autre@exemple.fr", licence_number=fresh_licence), now=NOW
    )

    # The page says the same thing; only the mailboxes concerned learn what happened.
    assert bound == free == Outcome(Status.CHECK_MAILBOX)
    assert [(m.to, m.subject) for m in outbox] == [
        (EMAIL, "Tentative d'inscription avec votre numéro de permis"),
        ("intrus@exemple.fr", "Votre inscription n'a pas pu aboutir"),
        ("autre@exemple.fr", "Activez votre compte Mes Points Permis"),
    ]
    assert "intrus" not in outbox[0].text
    assert account_by_email(engine, "intrus@exemple.fr") is None


def test_a_pending_sign_up_does_not_hold_the_licence_and_the_first_activation_wins(engine, outbox):
    add_licences(engine, LICENCE)
    register(engine=engine, draft=draft(email="premier@exemple.fr"), now=NOW)
    first_link = outbox[-1].token
    register(engine=engine, draft=draft(email="second@exemple.fr"), now=NOW + MINUTE)
    second_link = outbox[-1].token
    assert count_accounts(engine) == 2  # both sign-ups wait for their activation
    outbox.clear()

    assert accounts.activate(engine=engine, token=second_link, now=NOW + 2 * MINUTE).status is Status.DONE

    # The other sign-up is told why by mail, and its link no longer works.
    assert [(m.to, m.subject) for m in outbox] == [
        ("premier@exemple.fr", "Votre inscription n'a pas pu aboutir")
    ]
    assert account_by_email(engine, "premier@exemple.fr") is None
    assert accounts.activate(engine=engine, token=first_link, now=NOW + 3 * MINUTE).status is Status.INVALID
    assert count_accounts(engine) == 1


def test_an_activation_beaten_by_another_account_of_the_licence_is_refused_and_told_by_mail(engine, outbox):
    add_licences(engine, LICENCE)
    register(engine=engine, draft=draft(email="premier@exemple.fr"), now=NOW)
    first_link = outbox[-1].token
    # The rival account is activated behind the service's back (as a concurrent activation would).
    register(engine=engine, draft=draft(email="second@exemple.fr"), now=NOW)
    with engine.begin() as connection:
        connection.execute(
            text("UPDATE account SET activated_at = :now WHERE email = 'second@exemple.fr'"), {"now": NOW}
        )
    outbox.clear()

    outcome = accounts.activate(engine=engine, token=first_link, now=NOW + MINUTE)

    assert outcome.status is Status.LICENCE_TAKEN
    assert [(m.to, m.subject) for m in outbox] == [
        ("premier@exemple.fr", "Votre inscription n'a pas pu aboutir")
    ]
    assert account_by_email(engine, "premier@exemple.fr") is None


def test_the_database_refuses_two_activated_accounts_for_one_licence(engine, outbox):
    add_licences(engine, LICENCE)
    register(engine=engine, draft=draft(email="premier@exemple.fr"), now=NOW)
    register(engine=engine, draft=draft(email="second@exemple.fr"), now=NOW)
    with pytest.raises(IntegrityError), engine.begin() as connection:
        connection.execute(text("UPDATE account SET activated_at = :now"), {"now": NOW})


def test_an_unactivated_account_whose_link_expired_no_longer_holds_its_email(engine, outbox):
    add_licences(engine, LICENCE)
    register(engine=engine, draft=draft(), now=NOW)
    later = NOW + dt.timedelta(hours=12) + SECOND
    outbox.clear()

    outcome = register(engine=engine, draft=draft(first_names="Julie"), now=later)

    assert outcome.status is Status.CHECK_MAILBOX
    assert [m.subject for m in outbox] == ["Activez votre compte Mes Points Permis"]
    account = account_by_email(engine, EMAIL)
    assert account is not None and account.first_names == "Julie"


def test_twenty_concurrent_sign_ups_with_one_email_make_exactly_one_account(engine, outbox):
    numbers = [f"77000000{i:04d}" for i in range(20)]
    add_licences(engine, *numbers)
    barrier = threading.Barrier(20)
    outcomes: list[object] = []
    failures: list[BaseException] = []

    def sign_up(number: str) -> None:
        try:
            barrier.wait()
            outcomes.append(register(engine=engine, draft=draft(licence_number=number), now=NOW))
        except BaseException as error:  # noqa: BLE001 (the test reports any exception)
            failures.append(error)

    threads = [threading.Thread(target=sign_up, args=(number,)) for number in numbers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert failures == []
    assert len(outcomes) == 20
    assert {outcome.status for outcome in outcomes} == {Status.CHECK_MAILBOX}  # type: ignore[attr-defined]
    assert count_accounts(engine) == 1
    with session_scope(engine) as session:
        tokens = session.exec(select(func.count()).select_from(AccountToken)).one()[0]
    assert tokens == 1  # each newer sign-up replaced the pending one, its link included
    activation_mails = [m for m in outbox if m.subject == "Activez votre compte Mes Points Permis"]
    assert len(activation_mails) == rate_limit.SIGNUP_MAIL_PER_EMAIL.max_events  # then nothing more
    assert accounts.activate(engine=engine, token=activation_mails[-1].token, now=NOW).status is Status.DONE


# Licence check (wizard step 5) --------------------------------------------------------------


def check(
    engine: Engine,
    *,
    key: str = "browser-1",
    last_name: str = "MARTIN",
    number: str = LICENCE,
    now: dt.datetime = NOW,
) -> accounts.LicenceCheck:
    return accounts.check_licence(
        engine=engine,
        attempt_key=key,
        last_name=last_name,
        birth_date="17/05/1990",
        licence_format="card",
        licence_number=number,
        now=now,
    )


@SQLITE_ONLY
def test_licence_check_accepts_the_holders_data_and_refuses_others_generically(engine):
    add_licences(engine, LICENCE)
    assert check(engine, last_name="martin").status is Status.DONE
    refused = check(engine, last_name="Durand")
    assert refused.status is Status.MISMATCH
    assert refused.message == "Les informations saisies ne correspondent à aucun permis de conduire."
    assert check(engine, number="1").status is Status.FIELD_ERRORS


@SQLITE_ONLY
def test_licence_check_allows_five_failed_attempts_an_hour_per_browser(engine):
    add_licences(engine, LICENCE)
    for attempt in range(5):
        assert check(engine, last_name="Durand", number=f"88000000000{attempt}").status is Status.MISMATCH

    blocked = check(engine, now=NOW + dt.timedelta(minutes=10))

    assert blocked.status is Status.RATE_LIMITED
    assert blocked.retry_after == 50 * 60
    assert blocked.message == "Trop de tentatives. Réessayez dans 50 minutes."
    assert check(engine, key="browser-2").status is Status.DONE
    assert check(engine, now=NOW + dt.timedelta(hours=1)).status is Status.DONE


@SQLITE_ONLY
def test_licence_check_allows_five_failed_attempts_an_hour_per_licence_number(engine):
    add_licences(engine, LICENCE)
    for attempt in range(5):
        assert check(engine, key=f"browser-{attempt}", last_name="Durand").status is Status.MISMATCH

    assert check(engine, key="fresh-browser").status is Status.RATE_LIMITED
    # Sign-up shares the licence number's count.
    assert register(engine=engine, draft=draft(), now=NOW).status is Status.RATE_LIMITED


# Activation ---------------------------------------------------------------------------------


def test_activation_link_works_until_exactly_12_hours_after_it_was_sent(engine, outbox):
    add_licences(engine, LICENCE, "990000000002")
    register(engine=engine, draft=draft(), now=NOW)
    register(engine=engine, draft=draft(email="b@exemple.fr", licence_number="990000000002"), now=NOW)
    first, second = (m.token for m in outbox)
    twelve_hours = NOW + dt.timedelta(hours=12)  # the contract, not the constant

    assert accounts.activate(engine=engine, token=second, now=twelve_hours + SECOND).status is Status.EXPIRED
    assert accounts.activate(engine=engine, token=first, now=twelve_hours - SECOND).status is Status.DONE
    account = account_by_email(engine, EMAIL)
    assert account is not None and account.activated_at == twelve_hours - SECOND
    assert account_by_email(engine, "b@exemple.fr").activated_at is None  # type: ignore[union-attr]


def test_an_activation_link_works_once(engine, outbox):
    add_licences(engine, LICENCE)
    register(engine=engine, draft=draft(), now=NOW)
    token = outbox[0].token

    assert accounts.activate(engine=engine, token=token, now=NOW).status is Status.DONE
    assert accounts.activate(engine=engine, token=token, now=NOW + SECOND).status is Status.INVALID
    assert accounts.activate(engine=engine, token="inconnu", now=NOW).status is Status.INVALID
    assert accounts.activate(engine=engine, token="", now=NOW).status is Status.INVALID


def test_resending_activation_answers_alike_and_only_the_newest_link_works(engine, outbox):
    add_licences(engine, LICENCE)
    register(engine=engine, draft=draft(), now=NOW)
    old_token = outbox[0].token

    known = resend_activation(engine=engine, email=EMAIL, now=NOW)
    unknown = resend_activation(engine=engine, email="personne@exemple.fr", now=NOW)

    assert known == unknown == Outcome(Status.CHECK_MAILBOX)
    assert [m.to for m in outbox] == [EMAIL, EMAIL]
    assert accounts.activate(engine=engine, token=old_token, now=NOW).status is Status.INVALID
    assert accounts.activate(engine=engine, token=outbox[1].token, now=NOW).status is Status.DONE
    # Activated: nothing more is sent.
    assert resend_activation(engine=engine, email=EMAIL, now=NOW).status is Status.CHECK_MAILBOX
    assert len(outbox) == 2


@SQLITE_ONLY
def test_resending_activation_is_limited_to_three_an_hour_per_address_known_or_not(engine, outbox):
    for address in (EMAIL, "personne@exemple.fr"):
        statuses = [resend_activation(engine=engine, email=address, now=NOW).status for _ in range(4)]
        assert statuses == [Status.CHECK_MAILBOX] * 3 + [Status.RATE_LIMITED]


# Login --------------------------------------------------------------------------------------


def login(
    engine: Engine,
    *,
    email: str = EMAIL,
    password: str = PASSWORD,
    ip: str | None = "203.0.113.7",
    now: dt.datetime = NOW,
) -> Outcome:
    return accounts.authenticate(engine=engine, email=email, password=password, ip=ip, now=now)


def test_login_with_the_right_password_gives_the_account(engine, outbox):
    account_id = signed_up(engine, outbox)
    result = login(engine, email="JULIE.MARTIN@exemple.fr ")
    assert (result.status, result.account_id) == (Status.DONE, account_id)
    assert result.ticket and sessions.redeem_login_ticket(engine=engine, ticket=result.ticket, now=NOW)


def test_unknown_email_and_wrong_password_get_the_same_answer_after_the_same_work(
    engine, outbox, monkeypatch
):
    signed_up(engine, outbox)
    dummy_calls: list[str] = []
    real_dummy = security.verify_dummy
    monkeypatch.setattr(
        security, "verify_dummy", lambda password: dummy_calls.append(password) or real_dummy(password)
    )

    unknown = login(engine, email="personne@exemple.fr")
    wrong = login(engine, password="pas-le-bon-mot-de-passe")

    assert (
        unknown == wrong == Outcome(Status.INVALID, message="Adresse électronique ou mot de passe incorrect.")
    )
    assert dummy_calls == [PASSWORD]  # a hash was verified for the unknown email too


def test_a_sign_up_not_activated_answers_like_an_unknown_address_even_with_the_right_password(engine, outbox):
    # Anyone can start a sign-up for any address: telling it apart from « no account » would tell
    # whether the address has one.
    add_licences(engine, LICENCE)
    register(engine=engine, draft=draft(), now=NOW)

    pending = login(engine)
    unknown = login(engine, email="personne@exemple.fr")
    assert pending == unknown == Outcome(Status.INVALID, message=accounts.MSG_INVALID_LOGIN)


def test_five_failures_throttle_the_address_with_a_growing_delay(engine, outbox):
    signed_up(engine, outbox)
    for _ in range(4):
        assert login(engine, password="mauvais").status is Status.INVALID
    assert login(engine, password="mauvais").status is Status.INVALID  # 5th: now blocked 15 s

    blocked = login(engine, now=NOW + 14 * SECOND)
    assert blocked.status is Status.RATE_LIMITED
    assert blocked.retry_after == 1
    assert blocked.message == "Trop de tentatives. Réessayez dans 1 minute."

    delays = []
    moment = NOW
    for _ in range(8):
        moment += dt.timedelta(minutes=16)
        assert login(engine, password="mauvais", now=moment).status is Status.INVALID
        delays.append(login(engine, now=moment).retry_after)
    assert delays == [30, 60, 120, 240, 480, 900, 900, 900]


@SQLITE_ONLY
def test_a_successful_login_resets_the_failure_count(engine, outbox):
    signed_up(engine, outbox)
    for _ in range(4):
        login(engine, password="mauvais")
    assert login(engine).status is Status.DONE
    for _ in range(4):
        assert login(engine, password="mauvais").status is Status.INVALID
    assert login(engine).status is Status.DONE


@SQLITE_ONLY
def test_an_unknown_address_is_throttled_exactly_like_a_known_one(engine, outbox):
    signed_up(engine, outbox)
    known = [login(engine, password="mauvais", ip=None).status for _ in range(6)]
    unknown = [login(engine, email="personne@exemple.fr", ip=None).status for _ in range(6)]
    assert known == unknown == [Status.INVALID] * 5 + [Status.RATE_LIMITED]


@SQLITE_ONLY
def test_thirty_failures_from_one_ip_within_15_minutes_block_that_ip(engine, outbox):
    signed_up(engine, outbox)
    for attempt in range(30):
        result = login(engine, email=f"inconnu{attempt}@exemple.fr", now=NOW + attempt * SECOND)
        assert result.status is Status.INVALID

    blocked = login(engine, now=NOW + 30 * SECOND)
    assert blocked.status is Status.RATE_LIMITED
    assert blocked.retry_after == 15 * 60 - 30
    assert login(engine, ip="198.51.100.1", now=NOW + 30 * SECOND).status is Status.DONE
    assert login(engine, now=NOW + dt.timedelta(minutes=15)).status is Status.DONE


@SQLITE_ONLY
@pytest.mark.parametrize("unknown_ip", [None, ""])
def test_logins_from_unknown_ips_skip_the_ip_limit_instead_of_sharing_one_count(engine, outbox, unknown_ip):
    signed_up(engine, outbox)
    for attempt in range(40):
        result = login(
            engine, email=f"inconnu{attempt}@exemple.fr", ip=unknown_ip, now=NOW + attempt * SECOND
        )
        assert result.status is Status.INVALID

    assert login(engine, ip=unknown_ip, now=NOW + 40 * SECOND).status is Status.DONE
    with session_scope(engine) as session:
        ip_events = session.exec(
            select(func.count()).select_from(RateLimitEvent).where(RateLimitEvent.bucket == "login-ip")
        ).one()[0]
    assert ip_events == 0
    # The per-address back-off still applies without an IP.
    for _ in range(5):
        login(engine, password="mauvais", ip=unknown_ip, now=NOW + 41 * SECOND)
    assert login(engine, ip=unknown_ip, now=NOW + 41 * SECOND).status is Status.RATE_LIMITED


def all_at_once(count: int, action: Callable[[int], T]) -> list[T]:
    """Run action(0) … action(count - 1) in as many threads, released together; their results."""
    barrier = threading.Barrier(count)
    results: list[T] = []
    failures: list[BaseException] = []

    def run(index: int) -> None:
        try:
            barrier.wait()
            results.append(action(index))
        except BaseException as error:  # noqa: BLE001 (the test reports any exception)
            failures.append(error)

    threads = [threading.Thread(target=run, args=(index,)) for index in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    return results


@pytest.fixture
def verifications(monkeypatch) -> list[str]:
    """Every password the services verify, against a real or the dummy hash."""
    seen: list[str] = []
    real_verify, real_dummy = security.verify_password, security.verify_dummy

    def verify(password: str, password_hash: str) -> tuple[bool, str | None]:
        seen.append(password)
        return real_verify(password, password_hash)

    def dummy(password: str) -> None:
        seen.append(password)
        real_dummy(password)

    monkeypatch.setattr(security, "verify_password", verify)
    monkeypatch.setattr(security, "verify_dummy", dummy)
    return seen


def test_twenty_simultaneous_wrong_passwords_for_one_address_get_only_five_verifications(
    engine, outbox, verifications
):
    signed_up(engine, outbox)

    results = all_at_once(20, lambda i: login(engine, password=f"mauvais-{i}", ip=None))

    statuses = [result.status for result in results]
    assert len(verifications) == 5
    assert statuses.count(Status.INVALID) == 5
    assert statuses.count(Status.RATE_LIMITED) == 15
    assert login(engine, ip=None, now=NOW + 14 * SECOND).status is Status.RATE_LIMITED
    assert login(engine, ip=None, now=NOW + 15 * SECOND).status is Status.DONE


def test_forty_simultaneous_failures_from_one_ip_get_only_thirty_verifications(engine, verifications):
    results = all_at_once(40, lambda i: login(engine, email=f"inconnu{i}@exemple.fr", password="mauvais"))

    statuses = [result.status for result in results]
    assert len(verifications) == 30
    assert statuses.count(Status.INVALID) == 30
    assert statuses.count(Status.RATE_LIMITED) == 10


def test_simultaneous_wrong_passwords_on_the_account_page_get_only_five_verifications(
    engine, outbox, verifications
):
    account_id = signed_up(engine, outbox)

    results = all_at_once(
        12,
        lambda i: (
            accounts.close_account(
                engine=engine, account_id=account_id, password=f"mauvais-{i}", now=NOW
            ).status
        ),
    )

    assert len(verifications) == 5
    assert sorted(results) == sorted([Status.FIELD_ERRORS] * 5 + [Status.RATE_LIMITED] * 7)
    assert login(engine, ip=None).status is Status.RATE_LIMITED


def test_login_upgrades_a_hash_made_with_weaker_parameters(engine, outbox):
    account_id = signed_up(engine, outbox)
    weak = security._make_context(security.Argon2Cost(memory_kib=8, time_cost=1, parallelism=1)).hash(
        PASSWORD
    )
    with session_scope(engine) as session:
        session.exec(
            text("UPDATE account SET password_hash = :h WHERE id = :i").bindparams(h=weak, i=account_id)
        )

    assert login(engine).status is Status.DONE

    with session_scope(engine) as session:
        stored = session.get(Account, account_id).password_hash  # type: ignore[union-attr]
    assert stored != weak
    assert stored.startswith("$argon2id$v=19$m=64,t=1,p=1$")  # the current (test) parameters
    assert login(engine).status is Status.DONE


# Password reset -----------------------------------------------------------------------------


def test_password_reset_answers_alike_and_mails_only_an_existing_account(engine, outbox):
    signed_up(engine, outbox)
    outbox.clear()

    known = request_password_reset(engine=engine, email=EMAIL, now=NOW)
    unknown = request_password_reset(engine=engine, email="personne@exemple.fr", now=NOW)

    assert known == unknown == Outcome(Status.CHECK_MAILBOX)
    assert [m.to for m in outbox] == [EMAIL]
    assert f"{get_settings().base_url}/mot-de-passe/nouveau?jeton={outbox[0].token}" in outbox[0].text


def test_a_reset_link_lasts_one_hour_and_works_once(engine, outbox):
    signed_up(engine, outbox)
    request_password_reset(engine=engine, email=EMAIL, now=NOW)
    token = outbox[-1].token
    hour = NOW + dt.timedelta(hours=1)  # the contract, not the constant

    expired = accounts.reset_password(engine=engine, token=token, new_password=OTHER_PASSWORD, now=hour)
    assert expired.status is Status.EXPIRED
    assert accounts.check_reset_token(engine=engine, token=token, now=hour - SECOND) is Status.DONE
    done = accounts.reset_password(engine=engine, token=token, new_password=OTHER_PASSWORD, now=hour - SECOND)
    assert done.status is Status.DONE
    again = accounts.reset_password(
        engine=engine, token=token, new_password=OTHER_PASSWORD, now=hour - SECOND
    )
    assert again.status is Status.INVALID
    assert login(engine, password=OTHER_PASSWORD, now=hour).status is Status.DONE
    assert login(engine, password=PASSWORD, now=hour).status is Status.INVALID


@SQLITE_ONLY
def test_a_reset_applies_the_password_policy_and_keeps_the_link_usable(engine, outbox):
    signed_up(engine, outbox)
    request_password_reset(engine=engine, email=EMAIL, now=NOW)
    token = outbox[-1].token

    weak = accounts.reset_password(engine=engine, token=token, new_password="azerty", now=NOW)

    assert weak.status is Status.FIELD_ERRORS and weak.errors["new_password"]
    assert accounts.reset_password(
        engine=engine, token=token, new_password=OTHER_PASSWORD, now=NOW
    ).status is (Status.DONE)


def test_a_reset_ends_every_session_notifies_and_does_not_log_in(engine, outbox):
    account_id = signed_up(engine, outbox)
    session_id = sessions.redeem_login_ticket(
        engine=engine,
        ticket=sessions.create_login_ticket(engine=engine, account_id=account_id, now=NOW),
        now=NOW,
    )
    request_password_reset(engine=engine, email=EMAIL, now=NOW)

    outcome = accounts.reset_password(
        engine=engine, token=outbox[-1].token, new_password=OTHER_PASSWORD, now=NOW
    )

    assert outcome == Outcome(Status.DONE)
    assert sessions.resolve_session(engine=engine, session_id=session_id, now=NOW) is None
    assert outbox[-1].to == EMAIL and outbox[-1].subject == outbox[-1].subject
    assert "jeton" not in outbox[-1].text  # the notice carries no token


def test_a_login_lockout_never_blocks_a_password_reset_and_the_reset_clears_it(engine, outbox):
    signed_up(engine, outbox)
    for _ in range(12):
        login(engine, password="mauvais", ip=None, now=NOW)
    assert login(engine, ip=None).status is Status.RATE_LIMITED

    assert request_password_reset(engine=engine, email=EMAIL, now=NOW).status is Status.CHECK_MAILBOX
    reset = accounts.reset_password(
        engine=engine, token=outbox[-1].token, new_password=OTHER_PASSWORD, now=NOW
    )

    assert reset.status is Status.DONE
    assert login(engine, password=OTHER_PASSWORD, ip=None).status is Status.DONE


@SQLITE_ONLY
def test_a_sign_up_not_activated_gets_no_reset_link_so_a_reset_never_activates_it(engine, outbox):
    # Else a stranger's sign-up with my address would become my account, with his licence.
    add_licences(engine, LICENCE)
    register(engine=engine, draft=draft(), now=NOW)
    outbox.clear()
    assert request_password_reset(engine=engine, email=EMAIL, now=NOW).status is Status.CHECK_MAILBOX
    assert outbox == []


# Account page -------------------------------------------------------------------------------


def test_an_email_change_takes_effect_only_once_the_new_address_confirms(engine, outbox):
    account_id = signed_up(engine, outbox)
    outbox.clear()

    asked = request_email_change(
        engine=engine, account_id=account_id, new_email="Julie@Nouveau.fr", password=PASSWORD, now=NOW
    )

    assert asked.status is Status.DONE
    assert [m.to for m in outbox] == ["julie@nouveau.fr", EMAIL]  # the current address is told at once
    assert f"{get_settings().base_url}/compte/confirmer-adresse?jeton={outbox[0].token}" in outbox[0].text
    assert login(engine).status is Status.DONE  # old address still in use

    confirmed = accounts.confirm_email_change(engine=engine, token=outbox[0].token, now=NOW)

    assert confirmed.status is Status.DONE
    assert login(engine).status is Status.INVALID
    assert login(engine, email="julie@nouveau.fr").status is Status.DONE
    assert outbox[-1].to == EMAIL and "j•••@n•••.fr" in outbox[-1].text
    assert "/compte/annuler-changement-adresse?jeton=" in outbox[-1].text
    assert (
        accounts.confirm_email_change(engine=engine, token=outbox[0].token, now=NOW).status is Status.INVALID
    )


@SQLITE_ONLY
def test_an_email_change_needs_the_password_and_a_new_valid_address(engine, outbox):
    account_id = signed_up(engine, outbox)
    outbox.clear()
    change = accounts.request_email_change

    assert change(
        engine=engine, account_id=account_id, new_email="x@y.fr", password="mauvais", now=NOW
    ).errors == {"password": [accounts.MSG_WRONG_PASSWORD]}
    assert (
        "new_email"
        in change(engine=engine, account_id=account_id, new_email="x", password=PASSWORD, now=NOW).errors
    )
    same = change(engine=engine, account_id=account_id, new_email=EMAIL, password=PASSWORD, now=NOW)
    assert same.errors == {"new_email": [accounts.MSG_SAME_EMAIL]}
    assert outbox == []


@SQLITE_ONLY
def test_an_email_change_to_an_address_with_an_account_reveals_nothing_and_sends_it_nothing(engine, outbox):
    account_id = signed_up(engine, outbox)
    signed_up(engine, outbox, email="autre@exemple.fr", licence_number="990000000003")
    outbox.clear()
    outcome = request_email_change(
        engine=engine, account_id=account_id, new_email="autre@exemple.fr", password=PASSWORD, now=NOW
    )
    assert outcome == Outcome(Status.DONE)
    assert [(m.to, m.subject) for m in outbox] == [
        (EMAIL, "Demande de changement de l'adresse électronique de votre compte")
    ]


def test_changing_the_password_ends_the_other_sessions_only_and_notifies(engine, outbox):
    account_id = signed_up(engine, outbox)

    def open_session() -> str:
        ticket = sessions.create_login_ticket(engine=engine, account_id=account_id, now=NOW)
        session_id = sessions.redeem_login_ticket(engine=engine, ticket=ticket, now=NOW)
        assert session_id is not None
        return session_id

    here, elsewhere = open_session(), open_session()
    change = accounts.change_password

    wrong = change(
        engine=engine,
        account_id=account_id,
        current_password="mauvais",
        new_password=OTHER_PASSWORD,
        current_session_id=here,
        now=NOW,
    )
    assert wrong.errors == {"current_password": ["Le mot de passe actuel est incorrect."]}
    same = change(
        engine=engine,
        account_id=account_id,
        current_password=PASSWORD,
        new_password=PASSWORD,
        current_session_id=here,
        now=NOW,
    )
    assert same.errors == {"new_password": [accounts.MSG_SAME_PASSWORD]}
    outbox.clear()

    done = change(
        engine=engine,
        account_id=account_id,
        current_password=PASSWORD,
        new_password=OTHER_PASSWORD,
        current_session_id=here,
        now=NOW,
    )

    assert done.status is Status.DONE
    assert sessions.resolve_session(engine=engine, session_id=here, now=NOW) is not None
    assert sessions.resolve_session(engine=engine, session_id=elsewhere, now=NOW) is None
    assert [m.to for m in outbox] == [EMAIL]
    assert login(engine, password=OTHER_PASSWORD).status is Status.DONE


def test_closing_the_account_needs_the_password_then_deletes_its_personal_data(engine, outbox):
    account_id = signed_up(engine, outbox)
    ticket = sessions.create_login_ticket(engine=engine, account_id=account_id, now=NOW)
    session_id = sessions.redeem_login_ticket(engine=engine, ticket=ticket, now=NOW)
    request_password_reset(engine=engine, email=EMAIL, now=NOW)
    outbox.clear()

    refused = accounts.close_account(engine=engine, account_id=account_id, password="mauvais", now=NOW)
    assert refused.status is Status.FIELD_ERRORS and count_accounts(engine) == 1

    closed = accounts.close_account(engine=engine, account_id=account_id, password=PASSWORD, now=NOW)

    assert closed.status is Status.DONE
    assert [m.to for m in outbox] == [EMAIL]
    assert count_accounts(engine) == 0
    with session_scope(engine) as session:
        assert session.exec(select(func.count()).select_from(AccountToken)).one()[0] == 0
        assert session.exec(select(func.count()).select_from(AccountSession)).one()[0] == 0
    assert sessions.resolve_session(engine=engine, session_id=session_id, now=NOW) is None
    assert login(engine).status is Status.INVALID
    # The licence is free again for a new account.
    assert register(engine=engine, draft=draft(), now=NOW).status is Status.CHECK_MAILBOX


@SQLITE_ONLY
def test_repeated_wrong_passwords_on_the_account_page_are_throttled_like_logins(engine, outbox):
    account_id = signed_up(engine, outbox)
    for _ in range(5):
        accounts.close_account(engine=engine, account_id=account_id, password="mauvais", now=NOW)
    blocked = accounts.close_account(engine=engine, account_id=account_id, password=PASSWORD, now=NOW)
    assert blocked.status is Status.RATE_LIMITED and blocked.retry_after == 15
    assert count_accounts(engine) == 1


# Secrets at rest ----------------------------------------------------------------------------


def every_text_value(engine: Engine) -> str:
    """Every text column of every table, concatenated: what an attacker reading the database sees."""
    values: list[str] = []
    with engine.connect() as connection:
        inspector = inspect(connection)
        for table in inspector.get_table_names():
            for column in inspector.get_columns(table):
                if isinstance(column["type"], String | Text):
                    values.extend(
                        str(value)
                        for value in connection.execute(
                            text(f'SELECT "{column["name"]}" FROM "{table}"')
                        ).scalars()
                        if value is not None
                    )
    return "\n".join(values)


def test_passwords_tokens_tickets_and_session_ids_never_reach_the_database_in_clear(engine, outbox):
    add_licences(engine, LICENCE)
    register(engine=engine, draft=draft(), now=NOW)
    activation_token = outbox[-1].token
    accounts.activate(engine=engine, token=activation_token, now=NOW)
    account_id = account_by_email(engine, EMAIL).id  # type: ignore[union-attr]
    ticket = sessions.create_login_ticket(engine=engine, account_id=account_id, now=NOW)
    session_id = sessions.redeem_login_ticket(engine=engine, ticket=ticket, now=NOW)
    request_password_reset(engine=engine, email=EMAIL, now=NOW)
    reset_token = outbox[-1].token
    accounts.reset_password(engine=engine, token=reset_token, new_password=OTHER_PASSWORD, now=NOW)
    request_email_change(
        engine=engine, account_id=account_id, new_email="neuve@exemple.fr", password=OTHER_PASSWORD, now=NOW
    )
    change_token = outbox[-1].token
    login(engine, password="essai-rate-secret-42")

    dump = every_text_value(engine)

    assert "mail_outbox" in inspect(engine).get_table_names()  # the outbox is part of the dump
    assert EMAIL in dump  # the dump does read the tables
    for secret in (
        PASSWORD,
        OTHER_PASSWORD,
        "essai-rate-secret-42",
        activation_token,
        reset_token,
        change_token,
        ticket,
        session_id,
        "203.0.113.7",
    ):
        assert secret and secret not in dump
    assert security.hash_token(session_id) in dump  # type: ignore[arg-type]


@SQLITE_ONLY
def test_expired_rate_limit_records_can_be_purged(engine):
    with session_scope(engine) as session:
        rate_limit.record(session, limit=rate_limit.LOGIN_FAILURES_PER_IP, key="203.0.113.7", now=NOW)
    with session_scope(engine) as session:
        assert rate_limit.purge(session, now=NOW + dt.timedelta(hours=2)) == 1


def test_a_reset_makes_login_tickets_handed_out_before_it_useless(engine, outbox):
    account_id = signed_up(engine, outbox)
    ticket = sessions.create_login_ticket(engine=engine, account_id=account_id, now=NOW)
    request_password_reset(engine=engine, email=EMAIL, now=NOW)
    accounts.reset_password(engine=engine, token=outbox[-1].token, new_password=OTHER_PASSWORD, now=NOW)
    assert sessions.redeem_login_ticket(engine=engine, ticket=ticket, now=NOW) is None


def test_a_password_change_makes_login_tickets_handed_out_before_it_useless(engine, outbox):
    account_id = signed_up(engine, outbox)
    here = sessions.redeem_login_ticket(
        engine=engine,
        ticket=sessions.create_login_ticket(engine=engine, account_id=account_id, now=NOW),
        now=NOW,
    )
    pending = sessions.create_login_ticket(engine=engine, account_id=account_id, now=NOW)

    done = accounts.change_password(
        engine=engine,
        account_id=account_id,
        current_password=PASSWORD,
        new_password=OTHER_PASSWORD,
        current_session_id=here,
        now=NOW,
    )

    assert done.status is Status.DONE
    assert sessions.redeem_login_ticket(engine=engine, ticket=pending, now=NOW + SECOND) is None
    assert sessions.resolve_session(engine=engine, session_id=here, now=NOW + SECOND) is not None
    # A ticket handed out after the change still works.
    fresh = sessions.create_login_ticket(engine=engine, account_id=account_id, now=NOW + SECOND)
    assert sessions.redeem_login_ticket(engine=engine, ticket=fresh, now=NOW + SECOND) is not None


def test_ten_concurrent_uses_of_one_activation_link_activate_once(engine, outbox):
    add_licences(engine, LICENCE)
    register(engine=engine, draft=draft(), now=NOW)
    token = outbox[-1].token
    barrier = threading.Barrier(10)
    results: list[Status] = []

    def follow() -> None:
        barrier.wait()
        results.append(accounts.activate(engine=engine, token=token, now=NOW).status)

    threads = [threading.Thread(target=follow) for _ in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(results) == sorted([Status.DONE] + [Status.INVALID] * 9)


@SQLITE_ONLY
def test_housekeeping_deletes_unactivated_accounts_past_their_deadline_and_old_links(engine, outbox):
    add_licences(engine, LICENCE, "990000000004")
    register(engine=engine, draft=draft(), now=NOW)
    signed_up(engine, outbox, email="active@exemple.fr", licence_number="990000000004")

    accounts.housekeeping(engine=engine, now=NOW + dt.timedelta(hours=11))
    assert account_by_email(engine, EMAIL) is not None  # its link still works
    removed = accounts.housekeeping(engine=engine, now=NOW + dt.timedelta(days=2))

    assert removed == 3  # the never-activated account, its link, the used link of the other
    assert account_by_email(engine, EMAIL) is None
    assert account_by_email(engine, "active@exemple.fr") is not None


def table_counts(engine: Engine) -> dict[str, int]:
    with session_scope(engine) as session:
        return {
            table.__tablename__: session.exec(select(func.count()).select_from(table)).one()[0]
            for table in (Account, AccountToken, AccountSession, RateLimitEvent, LoginThrottle)
        }


def test_housekeeping_runs_every_purge_and_keeps_what_still_serves(engine, outbox):
    account_id = signed_up(engine, outbox)  # its activation link: used
    later = NOW + dt.timedelta(days=2)
    # Opened first: a redemption purges its account's expired tickets, which would hide ours.
    alive = sessions.redeem_login_ticket(
        engine=engine,
        ticket=sessions.create_login_ticket(engine=engine, account_id=account_id, now=later - 10 * MINUTE),
        now=later - 10 * MINUTE,
    )
    ended = sessions.redeem_login_ticket(
        engine=engine,
        ticket=sessions.create_login_ticket(engine=engine, account_id=account_id, now=NOW),
        now=NOW,
    )
    sessions.end_session(engine=engine, session_id=ended, now=NOW)
    sessions.create_login_ticket(engine=engine, account_id=account_id, now=NOW)  # never redeemed
    login(engine, email="inconnu@exemple.fr", password="mauvais")  # IP event, back-off record
    add_licences(engine, "990000000005")
    register(engine=engine, draft=draft(email="jamais@exemple.fr", licence_number="990000000005"), now=NOW)
    before = table_counts(engine)
    assert before == {
        "account": 2,
        "account_token": 5,
        "account_session": 2,
        "rate_limit_event": 3,  # the failed login's IP, two sign-up mails
        "login_throttle": 1,
    }

    removed = accounts.housekeeping(engine=engine, now=later)

    after = table_counts(engine)
    assert after == {
        "account": 1,  # the never-activated one is gone
        "account_token": 0,  # activation links, tickets: used or long expired
        "account_session": 1,  # the live one
        "rate_limit_event": 0,
        "login_throttle": 0,
    }
    assert removed == sum(before.values()) - sum(after.values())
    assert sessions.resolve_session(engine=engine, session_id=alive, now=later) is not None
    assert accounts.housekeeping(engine=engine, now=later) == 0


def test_two_workers_running_the_guarded_housekeeping_round_at_once_run_it_exactly_once(engine, monkeypatch):
    module = importlib.import_module("mespoints.services.accounts.housekeeping")
    runs: list[dt.datetime] = []
    lock = threading.Lock()

    def round_(*, engine: Engine, now: dt.datetime) -> int:
        with lock:
            runs.append(now)
        return 0

    monkeypatch.setattr(module, "housekeeping", round_)
    hour = dt.timedelta(hours=1)

    def two_workers_at(now: dt.datetime) -> list[int | None]:
        start = threading.Barrier(2)
        results: list[int | None] = []
        errors: list[BaseException] = []

        def worker(holder: str) -> None:
            try:
                start.wait()
                results.append(module.housekeeping_round(engine=engine, holder=holder, now=now, hold=hour))
            except BaseException as error:  # noqa: BLE001 (reported by the assertion below)
                errors.append(error)

        threads = [threading.Thread(target=worker, args=(name,)) for name in ("w1", "w2")]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
        assert errors == []
        return results

    for rounds, now in enumerate((NOW, NOW + hour, NOW + 2 * hour), start=1):
        assert sorted(two_workers_at(now), key=str) == [0, None]  # one ran it, the other did not
        assert len(runs) == rounds
    # Within the hour of the last round, the lease is held: nobody runs another.
    assert two_workers_at(NOW + 2 * hour + dt.timedelta(minutes=59)) == [None, None]
    assert len(runs) == 3


@SQLITE_ONLY
def test_the_housekeeping_loop_runs_rounds_in_a_thread_and_survives_a_failed_round(
    engine, monkeypatch, caplog
):
    rounds: list[tuple[dt.datetime, str]] = []

    def round_(*, engine: Engine, now: dt.datetime) -> int:
        rounds.append((now, threading.current_thread().name))
        if len(rounds) == 1:
            raise RuntimeError("base indisponible")
        return 0

    monkeypatch.setattr(
        importlib.import_module("mespoints.services.accounts.housekeeping"), "housekeeping", round_
    )

    async def run_three_rounds() -> None:
        task = asyncio.create_task(accounts.run_housekeeping_forever(engine=engine, interval=0))
        while len(rounds) < 3:
            await asyncio.sleep(0.01)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task

    with caplog.at_level(logging.ERROR, logger="mespoints.services.accounts"):
        asyncio.run(asyncio.wait_for(run_three_rounds(), timeout=10))

    assert len(rounds) >= 3
    assert all(name != threading.main_thread().name for _, name in rounds)
    assert abs(rounds[0][0] - dt.datetime.now(dt.UTC).replace(tzinfo=None)) < dt.timedelta(minutes=1)
    assert "housekeeping round failed" in caplog.text and "base indisponible" in caplog.text


@SQLITE_ONLY
def test_the_stored_hash_is_argon2id_with_the_production_parameters(engine, outbox):
    previous = security.use_argon2_cost(security.PRODUCTION_COST)  # undo the cheap test hook here
    try:
        add_licences(engine, LICENCE)
        register(engine=engine, draft=draft(), now=NOW)
    finally:
        security.use_argon2_cost(previous)
    with engine.connect() as connection:
        stored = connection.execute(text("SELECT password_hash FROM account")).scalar_one()
    assert re.fullmatch(r"\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]+\$[A-Za-z0-9+/]+", stored)


def test_activation_starts_alerts_and_closing_the_account_deletes_them_with_its_notifications(engine, outbox):
    from mespoints.db.alerts import AccountPreference, AlertKey, Notification
    from mespoints.db.mail import OutboxMail
    from mespoints.services import alerts

    account_id = signed_up(engine, outbox)
    with session_scope(engine) as session:
        preference = session.get(AccountPreference, account_id)
        assert preference is not None and preference.alerts_since == NOW and preference.mail_alerts
        session.add(Notification(account_id=account_id, created_at=NOW, title="t", body="b", link="/"))
    # Nothing new since activation: the history known then is no news.
    assert alerts.alert_account(engine=engine, account_id=account_id, today=NOW.date(), now=NOW) == 0
    outbox.clear()

    closed = accounts.close_account(engine=engine, account_id=account_id, password=PASSWORD, now=NOW)

    assert closed.status is Status.DONE
    with session_scope(engine) as session:
        for table in (Notification, AlertKey, AccountPreference):
            assert session.exec(select(func.count()).select_from(table)).one()[0] == 0
        # Only the goodbye mail waits in the outbox for that address.
        subjects = (
            session.exec(select(OutboxMail.subject).where(OutboxMail.recipient == EMAIL)).scalars().all()
        )
    assert [m.to for m in outbox] == [EMAIL] and len(subjects) == 1
