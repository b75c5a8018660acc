"""Accounts through FranceConnect: state single-use, first login, later logins, linking, claims,
the contact address — on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlmodel import select

from mespoints.db.accounts import Account, AccountSession
from mespoints.db.engine import session_scope
from mespoints.domain.account_policy import FRANCECONNECT_REQUEST_VALIDITY
from mespoints.services import accounts, demo, rate_limit, security, sessions
from mespoints.services.accounts import franceconnect as fc
from mespoints.services.accounts.outcome import Status

NOW = dt.datetime(2026, 11, 22, 9, 0, 0)
ISSUER = "http://fc.test/demo"
# Demo national file: Hugo's licence has no account; Élodie's is bound to a password account here.
HUGO = {
    "given_name": "Hugo",
    "family_name": "Rousseau-Test",
    "birthdate": "2001-12-01",
    "email": "hugo@fc.fr",
}
HUGO_LICENCE = ("card", "211005RO0077")
ELODIE = {
    "given_name": "Élodie",
    "family_name": "MOREAU FICTIVE",
    "birthdate": "1985-06-22",
    "email": "elodie@fc.fr",
}
ELODIE_LICENCE = ("card", "040115MF2290")
PASSWORD = "Tournesol-Velours-Quai-58"


@pytest.fixture
def loaded(engine, cheap_hashing):  # type: ignore[no-untyped-def]
    demo.load_demo_data(engine)
    return engine


def _password_account(engine, *, email: str, licence: str, last_name: str, birth: dt.date) -> int:  # type: ignore[no-untyped-def]
    with session_scope(engine) as session:
        account = Account(
            email=email,
            password_hash=security.hash_password(PASSWORD),
            last_name=last_name,
            first_names="Quelqu'un",
            birth_date=birth,
            licence_number=licence,
            created_at=NOW,
            activated_at=NOW,
        )
        session.add(account)
        session.flush()
        assert account.id is not None
        return account.id


def _admit(engine, person: dict[str, str], sub: str = "sub-1", now: dt.datetime = NOW) -> fc.Admission:  # type: ignore[no-untyped-def]
    admission = fc.admit(
        engine=engine,
        issuer=ISSUER,
        sub=sub,
        id_token="id.token.x",
        claims=person,
        next_path="/tableau-de-bord",
        now=now,
    )
    assert admission is not None
    return admission


def _session_row(engine, session_id: str) -> AccountSession:  # type: ignore[no-untyped-def]
    with session_scope(engine) as session:
        return session.exec(
            select(AccountSession).where(AccountSession.session_hash == security.hash_token(session_id))
        ).one()


# ----- state ------------------------------------------------------------------------------------


def test_a_state_is_long_random_and_serves_once_from_the_browser_that_asked(engine) -> None:
    started = fc.begin_request(engine=engine, purpose=fc.LOGIN, payload=fc.new_login_secrets(), now=NOW)
    assert len(started.state) >= 32 and len(started.payload["nonce"]) >= 32
    assert len(started.payload["code_verifier"]) >= 43
    other_browser = fc.consume_request(
        engine=engine, state=started.state, browser_secret="autre", purpose=fc.LOGIN, now=NOW
    )
    assert other_browser is None
    # Burnt by the wrong browser: even the right one cannot use it any more.
    again = fc.consume_request(
        engine=engine, state=started.state, browser_secret=started.browser_secret, purpose=fc.LOGIN, now=NOW
    )
    assert again is None


def test_a_state_is_single_use_and_short_lived(engine) -> None:
    first = fc.begin_request(engine=engine, purpose=fc.LOGIN, payload={"nonce": "n"}, now=NOW)
    kwargs = {
        "engine": engine,
        "state": first.state,
        "browser_secret": first.browser_secret,
        "purpose": fc.LOGIN,
    }
    assert fc.consume_request(**kwargs, now=NOW) == {"nonce": "n"}
    assert fc.consume_request(**kwargs, now=NOW) is None
    late = fc.begin_request(engine=engine, purpose=fc.LOGIN, payload={}, now=NOW)
    assert (
        fc.consume_request(
            engine=engine,
            state=late.state,
            browser_secret=late.browser_secret,
            purpose=fc.LOGIN,
            now=NOW + FRANCECONNECT_REQUEST_VALIDITY,
        )
        is None
    )


def test_a_logout_state_does_not_serve_as_a_login_state(engine) -> None:
    started = fc.begin_request(engine=engine, purpose=fc.LOGOUT, payload={}, now=NOW)
    assert (
        fc.consume_request(
            engine=engine,
            state=started.state,
            browser_secret=started.browser_secret,
            purpose=fc.LOGIN,
            now=NOW,
        )
        is None
    )


# ----- first and later logins --------------------------------------------------------------------


def test_a_first_login_needs_the_holders_own_licence_then_opens_an_activated_account_without_password(
    loaded, outbox
) -> None:
    admission = _admit(loaded, HUGO)
    assert admission.session_id is None and admission.handle
    pending = fc.load_pending(engine=loaded, handle=admission.handle, now=NOW)
    assert pending is not None and pending.family_name == "Rousseau-Test" and not pending.email_taken
    # Another person's licence is refused, whatever number is typed.
    wrong = fc.check_licence(
        engine=loaded,
        handle=admission.handle,
        licence_format="card",
        licence_number="120575100123",
        now=NOW,
    )
    assert wrong.status == Status.MISMATCH
    right = fc.check_licence(
        engine=loaded,
        handle=admission.handle,
        licence_format=HUGO_LICENCE[0],
        licence_number=HUGO_LICENCE[1],
        now=NOW,
    )
    assert right.status == Status.DONE
    refused = fc.finish_signup(
        engine=loaded,
        handle=admission.handle,
        licence_format=HUGO_LICENCE[0],
        licence_number=HUGO_LICENCE[1],
        terms_accepted=False,
        claim_confirmed=False,
        now=NOW,
    )
    assert refused.status == Status.FIELD_ERRORS
    done = fc.finish_signup(
        engine=loaded,
        handle=admission.handle,
        licence_format=HUGO_LICENCE[0],
        licence_number=HUGO_LICENCE[1],
        terms_accepted=True,
        claim_confirmed=False,
        now=NOW,
    )
    assert done.status == Status.DONE
    with session_scope(loaded) as session:
        account = session.get(Account, done.account_id)
        assert account is not None
        assert account.password_hash is None and account.activated_at == NOW
        assert account.email == "hugo@fc.fr" and account.licence_number == HUGO_LICENCE[1]
        assert account.franceconnect_sub_hash == fc.sub_hash(ISSUER, "sub-1") != "sub-1"
    assert outbox == [], "no activation mail for a FranceConnect account"

    opened = fc.open_finished_session(engine=loaded, handle=admission.handle, now=NOW)
    assert opened is not None
    session_id, next_path = opened
    assert next_path == "/tableau-de-bord"
    assert fc.open_finished_session(engine=loaded, handle=admission.handle, now=NOW) is None, "once"
    info = sessions.resolve_session(engine=loaded, session_id=session_id, now=NOW)
    assert info is not None and info.auth_method == sessions.AuthMethod.FRANCECONNECT
    assert _session_row(loaded, session_id).id_token_encrypted not in (None, "id.token.x")

    # Later: straight to a session.
    later = _admit(loaded, HUGO)
    assert later.handle is None and later.session_id is not None
    ended = sessions.end_session(engine=loaded, session_id=later.session_id, now=NOW)
    assert ended is not None and ended.auth_method == sessions.AuthMethod.FRANCECONNECT


def test_nobody_logs_in_with_a_password_to_an_account_opened_through_franceconnect(loaded) -> None:
    admission = _admit(loaded, HUGO)
    fc.finish_signup(
        engine=loaded,
        handle=admission.handle or "",
        licence_format=HUGO_LICENCE[0],
        licence_number=HUGO_LICENCE[1],
        terms_accepted=True,
        claim_confirmed=False,
        now=NOW,
    )
    for password in ("", "None", PASSWORD):
        outcome = accounts.authenticate(
            engine=loaded, email="hugo@fc.fr", password=password, ip=None, now=NOW
        )
        assert outcome.status == Status.INVALID


def test_a_password_session_records_its_method(loaded) -> None:
    ticket = sessions.create_login_ticket(engine=loaded, account_id=1, now=NOW)
    session_id = sessions.redeem_login_ticket(engine=loaded, ticket=ticket, now=NOW)
    info = sessions.resolve_session(engine=loaded, session_id=session_id, now=NOW)
    assert info is not None and info.auth_method == sessions.AuthMethod.PASSWORD


# ----- a licence bound to a password account -----------------------------------------------------


def test_a_licence_on_a_password_account_is_never_moved_without_the_drivers_choice(loaded, outbox) -> None:
    other = _password_account(
        loaded,
        email="autre@exemple.fr",
        licence=ELODIE_LICENCE[1],
        last_name="MOREAU-FICTIVE",
        birth=dt.date(1985, 6, 22),
    )
    admission = _admit(loaded, ELODIE, sub="sub-elodie")
    handle = admission.handle or ""
    check = fc.check_licence(
        engine=loaded,
        handle=handle,
        licence_format=ELODIE_LICENCE[0],
        licence_number=ELODIE_LICENCE[1],
        now=NOW,
    )
    assert check.status == Status.CLAIM_NEEDED and check.message == "a•••@e•••.fr"
    silent = fc.finish_signup(
        engine=loaded,
        handle=handle,
        licence_format=ELODIE_LICENCE[0],
        licence_number=ELODIE_LICENCE[1],
        terms_accepted=True,
        claim_confirmed=False,
        now=NOW,
    )
    assert silent.status == Status.CLAIM_NEEDED
    with session_scope(loaded) as session:
        assert session.get(Account, other).licence_number == ELODIE_LICENCE[1]  # type: ignore[union-attr]
    assert outbox == []


def test_not_my_account_moves_the_licence_ends_the_other_sessions_and_tells_its_address(
    loaded, outbox
) -> None:
    other = _password_account(
        loaded,
        email="autre@exemple.fr",
        licence=ELODIE_LICENCE[1],
        last_name="MOREAU-FICTIVE",
        birth=dt.date(1985, 6, 22),
    )
    ticket = sessions.create_login_ticket(engine=loaded, account_id=other, now=NOW)
    their_session = sessions.redeem_login_ticket(engine=loaded, ticket=ticket, now=NOW)
    admission = _admit(loaded, ELODIE, sub="sub-elodie")
    done = fc.finish_signup(
        engine=loaded,
        handle=admission.handle or "",
        licence_format=ELODIE_LICENCE[0],
        licence_number=ELODIE_LICENCE[1],
        terms_accepted=True,
        claim_confirmed=True,
        now=NOW,
    )
    assert done.status == Status.DONE
    with session_scope(loaded) as session:
        lost = session.get(Account, other)
        assert lost is not None and lost.licence_number is None and lost.licence_claimed_at == NOW
        assert session.get(Account, done.account_id).licence_number == ELODIE_LICENCE[1]  # type: ignore[union-attr]
    assert sessions.resolve_session(engine=loaded, session_id=their_session, now=NOW) is None
    assert [mail.to for mail in outbox] == ["autre@exemple.fr"]
    assert "repris par son titulaire" in outbox[0].subject
    assert "FranceConnect" in outbox[0].text
    # Logging in again, the other account sees it lost the licence and nothing of it.
    outcome = accounts.authenticate(
        engine=loaded, email="autre@exemple.fr", password=PASSWORD, ip=None, now=NOW
    )
    ticket = sessions.create_login_ticket(engine=loaded, account_id=outcome.account_id or 0, now=NOW)
    info = sessions.resolve_session(
        engine=loaded, session_id=sessions.redeem_login_ticket(engine=loaded, ticket=ticket, now=NOW), now=NOW
    )
    assert info is not None and info.licence_claimed and info.licence_number is None


def test_its_my_account_links_franceconnect_to_it_with_its_password(loaded, outbox) -> None:
    other = _password_account(
        loaded,
        email="elodie.ancienne@exemple.fr",
        licence=ELODIE_LICENCE[1],
        last_name="MOREAU-FICTIVE",
        birth=dt.date(1985, 6, 22),
    )
    admission = _admit(loaded, ELODIE, sub="sub-elodie")
    link = {
        "engine": loaded,
        "handle": admission.handle or "",
        "now": NOW,
        "licence_format": ELODIE_LICENCE[0],
        "licence_number": ELODIE_LICENCE[1],
    }
    wrong = fc.link_with_password(**link, password="pas-le-bon")
    assert wrong.status == Status.FIELD_ERRORS
    linked = fc.link_with_password(**link, password=PASSWORD)
    assert linked.status == Status.DONE and linked.account_id == other
    opened = fc.open_finished_session(engine=loaded, handle=admission.handle or "", now=NOW)
    assert opened is not None
    info = sessions.resolve_session(engine=loaded, session_id=opened[0], now=NOW)
    assert (
        info is not None
        and info.account_id == other
        and info.auth_method == sessions.AuthMethod.FRANCECONNECT
    )
    with session_scope(loaded) as session:
        assert (
            len(session.exec(select(Account).where(Account.licence_number == ELODIE_LICENCE[1])).all()) == 1
        )
    assert outbox == []
    # FranceConnect is now a second way into the same account.
    assert _admit(loaded, ELODIE, sub="sub-elodie").session_id is not None


# ----- the contact address --------------------------------------------------------------------------


def test_an_address_already_used_is_linked_with_its_password_or_replaced_by_one_proven_by_mail(
    loaded, outbox
) -> None:
    _password_account(
        loaded,
        email="hugo@fc.fr",
        licence="241105FM0010",
        last_name="FAURE-MAQUETTE",
        birth=dt.date(2005, 10, 10),
    )
    admission = _admit(loaded, HUGO)
    handle = admission.handle or ""
    pending = fc.load_pending(engine=loaded, handle=handle, now=NOW)
    assert pending is not None and pending.email_taken
    same_address = fc.finish_signup(
        engine=loaded,
        handle=handle,
        licence_format=HUGO_LICENCE[0],
        licence_number=HUGO_LICENCE[1],
        terms_accepted=True,
        claim_confirmed=False,
        now=NOW,
    )
    assert same_address.status == Status.TAKEN, "never two accounts with one address"
    other_address = fc.finish_signup(
        engine=loaded,
        handle=handle,
        licence_format=HUGO_LICENCE[0],
        licence_number=HUGO_LICENCE[1],
        terms_accepted=True,
        claim_confirmed=False,
        now=NOW,
        other_email="Hugo.Autre@Exemple.fr",
    )
    assert other_address.status == Status.CHECK_MAILBOX
    assert [mail.to for mail in outbox] == ["hugo.autre@exemple.fr"]
    assert accounts.activate(engine=loaded, token=outbox[0].token, now=NOW).status == Status.DONE
    assert _admit(loaded, HUGO).session_id is not None


def test_linking_by_address_needs_that_accounts_password(loaded) -> None:
    owner = _password_account(
        loaded,
        email="hugo@fc.fr",
        licence=HUGO_LICENCE[1],
        last_name="ROUSSEAU-TEST",
        birth=dt.date(2001, 12, 1),
    )
    handle = _admit(loaded, HUGO).handle or ""
    assert (
        fc.link_with_password(engine=loaded, handle=handle, password="non", now=NOW).status
        == Status.FIELD_ERRORS
    )
    linked = fc.link_with_password(engine=loaded, handle=handle, password=PASSWORD, now=NOW)
    assert linked.status == Status.DONE and linked.account_id == owner


def test_an_account_holding_someone_elses_licence_is_never_linked_by_its_address(loaded) -> None:
    # Someone bound FAURE-MAQUETTE's licence (printed data) to a password account under his own
    # address; his FranceConnect identity must not get a FranceConnect session on it.
    _password_account(
        loaded,
        email="hugo@fc.fr",
        licence="241105FM0010",
        last_name="FAURE-MAQUETTE",
        birth=dt.date(2005, 10, 10),
    )
    handle = _admit(loaded, HUGO).handle or ""
    refused = fc.link_with_password(engine=loaded, handle=handle, password=PASSWORD, now=NOW)
    assert refused.status == Status.FIELD_ERRORS
    assert refused.errors == {"password": [fc.MSG_NOT_YOUR_LICENCE]}
    with session_scope(loaded) as session:
        account = session.exec(select(Account).where(Account.email == "hugo@fc.fr")).one()
        assert account.franceconnect_sub_hash is None


def test_a_namesake_born_the_same_day_cannot_take_a_licence(loaded) -> None:
    twin = {**ELODIE, "given_name": "Jeanne", "email": "jeanne@fc.fr"}
    handle = _admit(loaded, twin, sub="sub-twin").handle or ""
    checked = fc.check_licence(
        engine=loaded,
        handle=handle,
        licence_format=ELODIE_LICENCE[0],
        licence_number=ELODIE_LICENCE[1],
        now=NOW,
    )
    assert checked.status == Status.MISMATCH


def test_the_licence_check_of_a_first_login_counts_per_identity_not_per_licence(loaded) -> None:
    handle = _admit(loaded, HUGO).handle or ""
    for attempt in range(rate_limit.LICENCE_CHECK_PER_IDENTITY.max_events):
        wrong = fc.finish_signup(
            engine=loaded,
            handle=handle,
            licence_format="card",
            licence_number=f"99{attempt:010d}",
            terms_accepted=True,
            claim_confirmed=False,
            now=NOW,
        )
        assert wrong.status == Status.MISMATCH
    blocked = fc.finish_signup(
        engine=loaded,
        handle=handle,
        licence_format=HUGO_LICENCE[0],
        licence_number=HUGO_LICENCE[1],
        terms_accepted=True,
        claim_confirmed=False,
        now=NOW,
    )
    assert blocked.status == Status.RATE_LIMITED
    # A squatter filling the per-licence count of the password sign-up does not block the holder.
    for attempt in range(rate_limit.LICENCE_CHECK_PER_LICENCE.max_events):
        accounts.check_licence(
            engine=loaded,
            attempt_key=f"k{attempt}",
            last_name="INTRUS",
            birth_date="1990-01-01",
            licence_format="card",
            licence_number=ELODIE_LICENCE[1],
            now=NOW,
        )
    elodie = _admit(loaded, ELODIE, sub="sub-elodie").handle or ""
    free = fc.check_licence(
        engine=loaded,
        handle=elodie,
        licence_format=ELODIE_LICENCE[0],
        licence_number=ELODIE_LICENCE[1],
        now=NOW,
    )
    assert free.status == Status.DONE


def test_an_expired_first_login_does_nothing(loaded) -> None:
    handle = _admit(loaded, HUGO).handle or ""
    later = NOW + dt.timedelta(hours=1)
    assert fc.load_pending(engine=loaded, handle=handle, now=later) is None
    outcome = fc.finish_signup(
        engine=loaded,
        handle=handle,
        licence_format=HUGO_LICENCE[0],
        licence_number=HUGO_LICENCE[1],
        terms_accepted=True,
        claim_confirmed=False,
        now=later,
    )
    assert outcome.status == Status.EXPIRED
    with session_scope(loaded) as session:
        assert session.exec(select(Account).where(Account.email == "hugo@fc.fr")).first() is None


# ----- an account without password confirms its changes by a recent FranceConnect login -------------


def _franceconnect_account(engine) -> int:  # type: ignore[no-untyped-def]
    admission = _admit(engine, HUGO)
    done = fc.finish_signup(
        engine=engine,
        handle=admission.handle or "",
        licence_format=HUGO_LICENCE[0],
        licence_number=HUGO_LICENCE[1],
        terms_accepted=True,
        claim_confirmed=False,
        now=NOW,
    )
    assert done.status == Status.DONE and done.account_id is not None
    return done.account_id


def test_an_account_without_password_is_closed_only_after_a_recent_franceconnect_login(loaded) -> None:
    account_id = _franceconnect_account(loaded)

    stale = accounts.close_account(engine=loaded, account_id=account_id, password="", now=NOW)
    assert stale.status == Status.FIELD_ERRORS
    assert stale.errors == {"password": [accounts.outcome.MSG_FRANCECONNECT_AGAIN]}

    fresh = accounts.close_account(
        engine=loaded, account_id=account_id, password="", now=NOW, fresh_franceconnect=True
    )
    assert fresh.status == Status.DONE
    with session_scope(loaded) as session:
        assert session.get(Account, account_id) is None


def test_an_account_without_password_changes_its_address_only_after_a_recent_franceconnect_login(
    loaded,
) -> None:
    account_id = _franceconnect_account(loaded)
    change = accounts.request_email_change
    refused = change(engine=loaded, account_id=account_id, new_email="h@exemple.fr", password="x", now=NOW)
    assert refused.errors == {"password": [accounts.outcome.MSG_FRANCECONNECT_AGAIN]}
    accepted = change(
        engine=loaded,
        account_id=account_id,
        new_email="h@exemple.fr",
        password="",
        now=NOW,
        fresh_franceconnect=True,
    )
    assert accepted.status == Status.DONE


def test_a_session_proves_identity_only_when_opened_through_franceconnect_recently() -> None:
    base = dict(account_id=1, email="a@b.fr", first_names="A", last_name="B", licence_number="X")
    moment = dt.datetime(2026, 12, 1, 9, 0)
    franceconnect = sessions.SessionInfo(
        **base, auth_method=sessions.AuthMethod.FRANCECONNECT, opened_at=moment
    )  # type: ignore[arg-type]
    password = sessions.SessionInfo(**base, auth_method=sessions.AuthMethod.PASSWORD, opened_at=moment)  # type: ignore[arg-type]
    assert franceconnect.proves_identity_since(moment)
    assert not franceconnect.proves_identity_since(moment + dt.timedelta(seconds=1))
    assert not password.proves_identity_since(moment - dt.timedelta(days=1))
