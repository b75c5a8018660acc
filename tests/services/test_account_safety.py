"""Account safety (issue 7): takeover and enumeration paths closed, each by a test that failed before."""

from __future__ import annotations

import datetime as dt
import importlib
from collections.abc import Callable, Iterator

import pytest
from sqlalchemy import Engine, event, func, select

from mespoints.db.accounts import Account
from mespoints.db.engine import session_scope
from mespoints.db.mail import OutboxMail
from mespoints.domain.account_policy import EMAIL_CHANGE_CANCEL_VALIDITY
from mespoints.services import accounts, mail, rate_limit, security, sessions
from mespoints.services.accounts import Outcome, Status
from tests.services.conftest import SentMail
from tests.services.test_accounts import (
    EMAIL,
    LICENCE,
    MINUTE,
    NOW,
    OTHER_PASSWORD,
    PASSWORD,
    SECOND,
    add_licences,
    draft,
    login,
    register,
    request_email_change,
    request_password_reset,
    signed_up,
)

pytestmark = pytest.mark.usefixtures("cheap_hashing")
THIEF = "voleur@exemple.net"
accounts_requests = importlib.import_module("mespoints.services.accounts.requests")


def open_session(engine: Engine, account_id: int) -> str:
    ticket = sessions.create_login_ticket(engine=engine, account_id=account_id, now=NOW)
    session_id = sessions.redeem_login_ticket(engine=engine, ticket=ticket, now=NOW)
    assert session_id is not None
    return session_id


def mail_to(outbox: list[SentMail], to: str, subject_start: str) -> SentMail:
    found = [m for m in outbox if m.to == to and m.subject.startswith(subject_start)]
    assert found, [(m.to, m.subject) for m in outbox]
    return found[-1]


# 1. A pending email change does not survive a new password ----------------------------------


def thief_asks_for_the_address(engine: Engine, account_id: int, outbox: list[SentMail]) -> str:
    asked = request_email_change(
        engine=engine, account_id=account_id, new_email=THIEF, password=PASSWORD, now=NOW
    )
    assert asked.status is Status.DONE
    return mail_to(outbox, THIEF, "Confirmez").token


def test_a_password_reset_cancels_a_pending_email_change(engine, outbox):
    account_id = signed_up(engine, outbox)
    thief_link = thief_asks_for_the_address(engine, account_id, outbox)

    request_password_reset(engine=engine, email=EMAIL, now=NOW + MINUTE)
    reset_link = mail_to(outbox, EMAIL, "Choisissez").token
    reset = accounts.reset_password(
        engine=engine, token=reset_link, new_password=OTHER_PASSWORD, now=NOW + MINUTE
    )
    assert reset.status is Status.DONE

    late = accounts.confirm_email_change(engine=engine, token=thief_link, now=NOW + 2 * MINUTE)
    assert late.status is Status.INVALID
    assert login(engine, password=OTHER_PASSWORD, now=NOW + 3 * MINUTE).status is Status.DONE


def test_a_password_change_cancels_a_pending_email_change(engine, outbox):
    account_id = signed_up(engine, outbox)
    thief_link = thief_asks_for_the_address(engine, account_id, outbox)

    changed = accounts.change_password(
        engine=engine,
        account_id=account_id,
        current_password=PASSWORD,
        new_password=OTHER_PASSWORD,
        current_session_id=None,
        now=NOW + MINUTE,
    )
    assert changed.status is Status.DONE

    assert (
        accounts.confirm_email_change(engine=engine, token=thief_link, now=NOW + MINUTE).status
        is Status.INVALID
    )


def test_the_current_address_is_told_when_a_change_is_requested_with_a_link_that_cancels_it(engine, outbox):
    account_id = signed_up(engine, outbox)
    here = open_session(engine, account_id)
    thief_link = thief_asks_for_the_address(engine, account_id, outbox)
    notice = mail_to(outbox, EMAIL, "Demande de changement")
    assert "v•••@e•••.net" in notice.text and THIEF not in notice.text
    assert "/compte/annuler-changement-adresse?jeton=" in notice.text and "7 jours" in notice.text

    cancelled = accounts.cancel_email_change(engine=engine, token=notice.token, now=NOW + MINUTE)

    assert cancelled.status is Status.DONE
    assert (
        accounts.confirm_email_change(engine=engine, token=thief_link, now=NOW + MINUTE).status
        is Status.INVALID
    )
    assert sessions.resolve_session(engine=engine, session_id=here, now=NOW + MINUTE) is None
    # Single use.
    again = accounts.cancel_email_change(engine=engine, token=notice.token, now=NOW + MINUTE)
    assert again.status is Status.INVALID


def test_the_cancel_link_gives_back_the_address_when_the_change_was_already_confirmed(engine, outbox):
    account_id = signed_up(engine, outbox)
    thief_link = thief_asks_for_the_address(engine, account_id, outbox)
    first_notice = mail_to(outbox, EMAIL, "Demande de changement")
    assert (
        accounts.confirm_email_change(engine=engine, token=thief_link, now=NOW + MINUTE).status is Status.DONE
    )
    done_notice = mail_to(outbox, EMAIL, "L'adresse électronique de votre compte a été modifiée")
    assert "/compte/annuler-changement-adresse?jeton=" in done_notice.text
    thief_session = open_session(engine, account_id)

    undone = accounts.cancel_email_change(engine=engine, token=first_notice.token, now=NOW + 2 * MINUTE)

    assert undone.status is Status.DONE
    with session_scope(engine) as session:
        assert session.get(Account, account_id).email == EMAIL  # type: ignore[union-attr]
    assert sessions.resolve_session(engine=engine, session_id=thief_session, now=NOW + 2 * MINUTE) is None
    assert login(engine, email=THIEF, now=NOW + 3 * MINUTE).status is Status.INVALID


def test_the_cancel_link_lasts_seven_days(engine, outbox):
    account_id = signed_up(engine, outbox)
    thief_asks_for_the_address(engine, account_id, outbox)
    token = mail_to(outbox, EMAIL, "Demande de changement").token
    request_email_change(
        engine=engine, account_id=account_id, new_email="b@exemple.net", password=PASSWORD, now=NOW
    )
    second = mail_to(outbox, EMAIL, "Demande de changement").token
    assert second != token

    late = accounts.cancel_email_change(
        engine=engine, token=token, now=NOW + EMAIL_CHANGE_CANCEL_VALIDITY + SECOND
    )
    in_time = accounts.cancel_email_change(
        engine=engine, token=second, now=NOW + EMAIL_CHANGE_CANCEL_VALIDITY - SECOND
    )

    assert late.status is Status.EXPIRED
    assert in_time.status is Status.DONE


# 3. Request timing: the same statements for a known and an unknown address ------------------


@pytest.fixture
def statements(engine: Engine) -> Iterator[Callable[[Callable[[], object]], list[str]]]:
    """Runs a call and returns the SQL statements it sent (parameters left out)."""

    def run(call: Callable[[], object]) -> list[str]:
        seen: list[str] = []

        def record(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
            seen.append(statement)

        event.listen(engine, "before_cursor_execute", record)
        try:
            call()
        finally:
            event.remove(engine, "before_cursor_execute", record)
        return seen

    yield run


def test_a_forgotten_password_request_runs_the_same_statements_for_any_address(engine, outbox, statements):
    signed_up(engine, outbox)
    known = statements(lambda: accounts.request_password_reset(engine=engine, email=EMAIL, now=NOW))
    unknown = statements(
        lambda: accounts.request_password_reset(engine=engine, email="x@exemple.fr", now=NOW)
    )
    assert known == unknown
    assert any("mail_outbox" in statement for statement in known)


def test_a_new_activation_link_request_runs_the_same_statements_for_any_address(engine, outbox, statements):
    add_licences(engine, LICENCE)
    accounts.register(engine=engine, draft=draft(), now=NOW)  # pending, not processed yet
    accounts.process_requests(engine=engine, now=NOW)
    known = statements(lambda: accounts.resend_activation(engine=engine, email=EMAIL, now=NOW))
    unknown = statements(lambda: accounts.resend_activation(engine=engine, email="x@exemple.fr", now=NOW))
    assert known == unknown


def test_an_email_change_runs_the_same_statements_whether_the_new_address_is_taken(
    engine, outbox, statements
):
    account_id = signed_up(engine, outbox)
    signed_up(engine, outbox, email="autre@exemple.fr", licence_number="990000000003")

    def change(address: str) -> Callable[[], object]:
        return lambda: accounts.request_email_change(
            engine=engine, account_id=account_id, new_email=address, password=PASSWORD, now=NOW
        )

    assert statements(change("autre@exemple.fr")) == statements(change("libre@exemple.fr"))


def test_the_end_of_a_sign_up_runs_the_same_statements_whatever_the_address_or_licence(
    engine, outbox, statements
):
    signed_up(engine, outbox)
    add_licences(engine, "990000000005")
    existing_email = statements(
        lambda: accounts.register(engine=engine, draft=draft(licence_number="990000000005"), now=NOW)
    )
    bound_licence = statements(
        lambda: accounts.register(engine=engine, draft=draft(email="n@exemple.fr"), now=NOW)
    )
    fresh = statements(
        lambda: accounts.register(
            engine=engine, draft=draft(email="m@exemple.fr", licence_number="990000000005"), now=NOW
        )
    )
    assert existing_email == bound_licence == fresh


def test_the_sender_mails_a_known_address_and_drops_an_unknown_one(engine, outbox):
    signed_up(engine, outbox)
    outbox.clear()
    accounts.request_password_reset(engine=engine, email=EMAIL, now=NOW)
    accounts.request_password_reset(engine=engine, email="inconnu@exemple.fr", now=NOW)
    assert outbox == []  # the forms only queued requests

    assert accounts.process_requests(engine=engine, now=NOW) == 2

    assert [m.to for m in outbox] == [EMAIL]
    with session_scope(engine) as session:
        kinds = session.exec(select(OutboxMail.kind)).all()  # type: ignore[call-overload]
    assert [row[0] for row in kinds].count("request") == 0  # processed requests are gone
    assert all(item.recipient == EMAIL for item in mail.list_mailbox(engine=engine))


def test_a_request_whose_handler_fails_is_kept_for_a_later_round(engine, outbox, monkeypatch, caplog):
    signed_up(engine, outbox)
    outbox.clear()
    accounts.request_password_reset(engine=engine, email=EMAIL, now=NOW)
    real = accounts_requests.HANDLERS["password_reset"]

    def broken(session, data, now):  # type: ignore[no-untyped-def]
        raise RuntimeError("panne")

    monkeypatch.setitem(accounts_requests.HANDLERS, "password_reset", broken)
    assert accounts.process_requests(engine=engine, now=NOW) == 0
    assert "request" in caplog.text and outbox == []
    monkeypatch.setitem(accounts_requests.HANDLERS, "password_reset", real)

    assert accounts.process_requests(engine=engine, now=NOW) == 0  # backing off
    assert accounts.process_requests(engine=engine, now=NOW + MINUTE) == 1
    assert [m.to for m in outbox] == [EMAIL]
    assert accounts.process_requests(engine=engine, now=NOW + 2 * MINUTE) == 0  # processed once


# 6. Limits that cannot be sidestepped -------------------------------------------------------


@pytest.mark.parametrize(
    ("ip", "key"),
    [
        ("203.0.113.7", "203.0.113.7"),
        ("2001:db8:1:2:3:4:5:6", "2001:db8:1:2::/64"),
        ("2001:db8:1:2:ffff::1", "2001:db8:1:2::/64"),
        ("2001:DB8:1:2::abcd", "2001:db8:1:2::/64"),
        ("2001:db8:1:3::1", "2001:db8:1:3::/64"),
        ("::ffff:203.0.113.7", "203.0.113.7"),
        ("fe80::1%eth0", "fe80::/64"),
        ("pas une adresse", "pas une adresse"),
    ],
)
def test_clients_are_counted_by_ipv4_address_or_ipv6_64_network(ip, key):
    assert rate_limit.ip_key(ip) == key


def test_the_per_ip_login_limit_counts_a_whole_ipv6_64(engine, outbox):
    signed_up(engine, outbox)
    for attempt in range(rate_limit.LOGIN_FAILURES_PER_IP.max_events):
        # A different address of one /64 and a different account each time: only the network counts.
        outcome = login(
            engine, email=f"x{attempt}@exemple.fr", password="mauvais", ip=f"2001:db8:5:6::{attempt + 1:x}"
        )
        assert outcome.status is Status.INVALID
    blocked = login(engine, ip="2001:db8:5:6:ffff:ffff:ffff:fffe")
    assert blocked.status is Status.RATE_LIMITED
    assert login(engine, ip="2001:db8:5:7::1").status is Status.DONE  # another network


def test_the_licence_check_counts_per_network_whatever_browser_key_is_sent(engine, outbox):
    add_licences(engine, LICENCE)
    refused = 0
    for attempt in range(rate_limit.LICENCE_CHECK_PER_IP.max_events):
        outcome = accounts.check_licence(
            engine=engine,
            attempt_key=f"navigateur-{attempt}",  # a fresh browser key every time
            last_name="DURAND",
            birth_date="1990-05-17",
            licence_format="card",
            licence_number=f"88{attempt:010d}",  # and a fresh licence number
            now=NOW,
            ip="198.51.100.20",
        )
        refused += outcome.status is Status.MISMATCH
    assert refused == rate_limit.LICENCE_CHECK_PER_IP.max_events

    blocked = accounts.check_licence(
        engine=engine,
        attempt_key="navigateur-neuf",
        last_name="MARTIN",
        birth_date="1990-05-17",
        licence_format="card",
        licence_number=LICENCE,
        now=NOW,
        ip="198.51.100.20",
    )
    assert blocked.status is Status.RATE_LIMITED and blocked.message and "Réessayez" in blocked.message
    elsewhere = accounts.check_licence(
        engine=engine,
        attempt_key="navigateur-neuf",
        last_name="MARTIN",
        birth_date="1990-05-17",
        licence_format="card",
        licence_number=LICENCE,
        now=NOW,
        ip="198.51.100.21",
    )
    assert elsewhere == Outcome(Status.DONE)


def test_sign_up_answers_do_not_tell_whether_the_licence_has_an_account(engine, outbox):
    signed_up(engine, outbox)
    # Same person's data, another address: step 5 says OK and the end says « check your mailbox ».
    check = accounts.check_licence(
        engine=engine,
        attempt_key="b",
        last_name="Martin",
        birth_date="1990-05-17",
        licence_format="card",
        licence_number=LICENCE,
        now=NOW,
    )
    end = accounts.register(engine=engine, draft=draft(email="quelquun@exemple.fr"), now=NOW)
    assert check == Outcome(Status.DONE)
    assert end == Outcome(Status.CHECK_MAILBOX)
    with session_scope(engine) as session:
        assert session.exec(select(func.count()).select_from(Account)).one()[0] == 1  # type: ignore[call-overload]


# Review findings: the undo links cannot be turned against the holder ------------------------


def test_a_thief_cannot_win_the_address_back_with_undo_links_of_his_own(engine, outbox):
    account_id = signed_up(engine, outbox)
    thief_link = thief_asks_for_the_address(engine, account_id, outbox)
    holder_undo = mail_to(outbox, EMAIL, "Demande de changement").token
    assert (
        accounts.confirm_email_change(engine=engine, token=thief_link, now=NOW + MINUTE).status is Status.DONE
    )
    # The thief, now at his address, asks for one more change: its undo link goes to him.
    request_email_change(
        engine=engine,
        account_id=account_id,
        new_email="v2@exemple.net",
        password=PASSWORD,
        now=NOW + 2 * MINUTE,
    )
    thief_undo = mail_to(outbox, THIEF, "Demande de changement").token

    assert (
        accounts.cancel_email_change(engine=engine, token=holder_undo, now=NOW + 3 * MINUTE).status
        is Status.DONE
    )
    late = accounts.cancel_email_change(engine=engine, token=thief_undo, now=NOW + dt.timedelta(days=6))

    assert late.status is Status.INVALID
    with session_scope(engine) as session:
        assert session.get(Account, account_id).email == EMAIL  # type: ignore[union-attr]


def test_the_thiefs_undo_link_does_not_retire_the_holders_older_one(engine, outbox):
    account_id = signed_up(engine, outbox)
    thief_link = thief_asks_for_the_address(engine, account_id, outbox)
    holder_undo = mail_to(outbox, EMAIL, "Demande de changement").token
    accounts.confirm_email_change(engine=engine, token=thief_link, now=NOW + MINUTE)
    request_email_change(
        engine=engine,
        account_id=account_id,
        new_email="v2@exemple.net",
        password=PASSWORD,
        now=NOW + 2 * MINUTE,
    )
    thief_undo = mail_to(outbox, THIEF, "Demande de changement").token

    # The thief uses his own link first (it keeps his address)…
    assert (
        accounts.cancel_email_change(engine=engine, token=thief_undo, now=NOW + 3 * MINUTE).status
        is Status.DONE
    )
    # …the holder's older link still gives the address back.
    assert (
        accounts.cancel_email_change(engine=engine, token=holder_undo, now=NOW + 4 * MINUTE).status
        is Status.DONE
    )
    with session_scope(engine) as session:
        assert session.get(Account, account_id).email == EMAIL  # type: ignore[union-attr]


def test_an_old_address_cannot_take_back_an_account_its_owner_has_moved_since(engine, outbox):
    account_id = signed_up(engine, outbox)
    request_email_change(
        engine=engine, account_id=account_id, new_email="b@exemple.fr", password=PASSWORD, now=NOW
    )
    accounts.confirm_email_change(
        engine=engine, token=mail_to(outbox, "b@exemple.fr", "Confirmez").token, now=NOW
    )
    old_undo = mail_to(outbox, EMAIL, "L'adresse électronique de votre compte a été modifiée").token
    request_email_change(
        engine=engine, account_id=account_id, new_email="c@exemple.fr", password=PASSWORD, now=NOW + MINUTE
    )
    accounts.confirm_email_change(
        engine=engine, token=mail_to(outbox, "c@exemple.fr", "Confirmez").token, now=NOW + MINUTE
    )

    outcome = accounts.cancel_email_change(engine=engine, token=old_undo, now=NOW + dt.timedelta(days=4))

    assert outcome.status is Status.INVALID
    with session_scope(engine) as session:
        assert session.get(Account, account_id).email == "c@exemple.fr"  # type: ignore[union-attr]
    assert login(engine, email="c@exemple.fr", now=NOW + dt.timedelta(days=4)).status is Status.DONE


def test_the_undo_ends_the_password_the_thief_knows_until_the_holder_chooses_a_new_one(engine, outbox):
    account_id = signed_up(engine, outbox)
    thief_asks_for_the_address(engine, account_id, outbox)
    undo = mail_to(outbox, EMAIL, "Demande de changement").token
    accounts.cancel_email_change(engine=engine, token=undo, now=NOW + MINUTE)

    assert login(engine, now=NOW + 2 * MINUTE).status is Status.INVALID
    request_password_reset(engine=engine, email=EMAIL, now=NOW + 2 * MINUTE)
    reset = mail_to(outbox, EMAIL, "Choisissez").token
    accounts.reset_password(engine=engine, token=reset, new_password=OTHER_PASSWORD, now=NOW + 3 * MINUTE)
    assert login(engine, password=OTHER_PASSWORD, now=NOW + 4 * MINUTE).status is Status.DONE


def test_opening_an_undo_link_changes_nothing_until_its_button_is_pressed(engine, outbox):
    account_id = signed_up(engine, outbox)
    thief_link = thief_asks_for_the_address(engine, account_id, outbox)
    undo = mail_to(outbox, EMAIL, "Demande de changement").token

    # A mail scanner opening the page only checks the link.
    assert accounts.check_undo_link(engine=engine, token=undo, now=NOW) is Status.DONE
    assert accounts.check_undo_link(engine=engine, token=undo, now=NOW) is Status.DONE
    assert accounts.check_undo_link(engine=engine, token="x", now=NOW) is Status.INVALID
    assert login(engine).status is Status.DONE
    assert accounts.confirm_email_change(engine=engine, token=thief_link, now=NOW).status is Status.DONE


# Review findings: pending sign-ups neither squat an address nor become an account by a reset ----


def test_a_newer_sign_up_replaces_a_pending_one_on_the_same_address(engine, outbox):
    add_licences(engine, LICENCE, "990000000042")
    accounts.register(engine=engine, draft=draft(licence_number="990000000042"), now=NOW)  # a squatter
    accounts.process_requests(engine=engine, now=NOW)
    squatter_link = outbox[-1].token

    register(engine=engine, draft=draft(), now=NOW + MINUTE)  # the address's owner

    assert accounts.activate(engine=engine, token=squatter_link, now=NOW + MINUTE).status is Status.INVALID
    assert accounts.activate(engine=engine, token=outbox[-1].token, now=NOW + MINUTE).status is Status.DONE
    with session_scope(engine) as session:
        assert session.exec(select(Account.licence_number)).all() == [(LICENCE,)]  # type: ignore[call-overload]


def test_a_new_activation_link_never_extends_a_sign_up_past_its_first_window(engine, outbox):
    add_licences(engine, LICENCE)
    register(engine=engine, draft=draft(), now=NOW)
    outbox.clear()

    accounts.resend_activation(engine=engine, email=EMAIL, now=NOW + dt.timedelta(hours=11))
    accounts.process_requests(engine=engine, now=NOW + dt.timedelta(hours=11))
    renewed = outbox[-1].token
    accounts.resend_activation(engine=engine, email=EMAIL, now=NOW + dt.timedelta(hours=13))
    accounts.process_requests(engine=engine, now=NOW + dt.timedelta(hours=13))

    assert len(outbox) == 1  # past the first 12 hours: no new link
    expired = accounts.activate(engine=engine, token=renewed, now=NOW + dt.timedelta(hours=12, seconds=1))
    assert expired.status is Status.EXPIRED


def test_a_reset_committed_while_a_login_is_verified_wins(engine, outbox, monkeypatch):
    signed_up(engine, outbox)
    request_password_reset(engine=engine, email=EMAIL, now=NOW)
    reset_link = mail_to(outbox, EMAIL, "Choisissez").token
    real_verify = security.verify_password

    def verify_then_reset(password: str, password_hash: str):  # type: ignore[no-untyped-def]
        answer = real_verify(password, password_hash)
        # The holder's reset commits between the check of the old password and the ticket.
        monkeypatch.setattr(security, "verify_password", real_verify)
        accounts.reset_password(engine=engine, token=reset_link, new_password=OTHER_PASSWORD, now=NOW)
        return answer

    monkeypatch.setattr(security, "verify_password", verify_then_reset)
    outcome = login(engine)

    assert outcome.status is Status.INVALID and outcome.ticket is None


def test_a_request_that_keeps_failing_is_dropped_and_logged_without_its_data(
    engine, outbox, monkeypatch, caplog
):
    accounts.request_password_reset(engine=engine, email="secret.adresse@exemple.fr", now=NOW)

    def broken(session, data, now):  # type: ignore[no-untyped-def]
        raise RuntimeError(f"panne pour {data['email']}")

    monkeypatch.setitem(accounts_requests.HANDLERS, "password_reset", broken)
    moment = NOW
    for _ in range(mail.MAX_REQUEST_ATTEMPTS):
        accounts.process_requests(engine=engine, now=moment)
        moment += dt.timedelta(hours=2)

    with session_scope(engine) as session:
        assert session.exec(select(func.count()).select_from(OutboxMail)).one()[0] == 0  # type: ignore[call-overload]
    assert "dropped" in caplog.text and "secret.adresse" not in caplog.text
