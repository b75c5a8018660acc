"""Demo national file and demo accounts: what `make run` loads into an empty database.

The demo accounts' passwords are published (README, start-up banner): they are created only
when MESPOINTS_BASE_URL is local, never on a portal in service.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

from sqlalchemy import Engine
from sqlmodel import col, select

from mespoints.db.accounts import Account
from mespoints.db.engine import get_engine, session_scope
from mespoints.db.national_file import Holder, Licence
from mespoints.domain.licence_number import normalize_name
from mespoints.services import national_file, security
from mespoints.services.clock import utcnow
from mespoints.settings import get_settings

DEMO_FEED = Path(__file__).resolve().parent.parent / "data" / "demo_feed.jsonl"


@dataclasses.dataclass(frozen=True)
class DemoAccount:
    email: str
    password: str
    last_name: str
    first_names: str
    birth_date: dt.date
    description: str


# Fictitious people of the demo national file; their accounts are activated at once.
DEMO_ACCOUNTS = (
    DemoAccount(
        "julie.martin@demo.mespoints.fr",
        "Cerise-Tramway-Orage-42",
        "MARTIN-DÉMO",
        "Julie Anne",
        dt.date(1975, 5, 12),
        "permis définitif, retraits et récupérations",
    ),
    DemoAccount(
        "leo.petit@demo.mespoints.fr",
        "Girafe-Violon-Brume-17",
        "PETIT-EXEMPLE",
        "Léo",
        dt.date(2004, 8, 30),
        "permis probatoire",
    ),
    DemoAccount(
        "noe.durand@demo.mespoints.fr",
        "Ardoise-Piano-Sable-93",
        "DURAND-FICTIF",
        "Noé",
        dt.date(1988, 2, 3),
        "permis invalidé (solde nul)",
    ),
)


def _licence_of(session, person: DemoAccount) -> str | None:  # type: ignore[no-untyped-def]
    rows = session.exec(
        select(Licence.licence_number, Holder.last_name)
        .join(Holder, col(Holder.id) == col(Licence.holder_id))
        .where(Holder.birth_date == person.birth_date)
    ).all()
    wanted = normalize_name(person.last_name)
    return next((number for number, last_name in rows if normalize_name(last_name) == wanted), None)


DEMO_ACCOUNTS_REFUSED = (
    "Pas de comptes de démonstration : leurs mots de passe sont publics et MESPOINTS_BASE_URL"
    " n'est pas une adresse locale."
)


def demo_accounts_allowed() -> bool:
    """Accounts with published passwords exist only on a developer's machine."""
    return get_settings().base_url_is_local


def create_demo_accounts(engine: Engine) -> list[DemoAccount]:
    """Creates the activated demo accounts whose licence is in the file; returns those that exist.

    Creates none on a non-local base URL (demo_accounts_allowed).
    """
    if not demo_accounts_allowed():
        return []
    ready: list[DemoAccount] = []
    now = utcnow()
    with session_scope(engine) as session:
        for person in DEMO_ACCOUNTS:
            licence_number = _licence_of(session, person)
            if licence_number is None:
                continue
            taken = session.exec(
                select(Account).where(
                    (Account.email == person.email) | (Account.licence_number == licence_number)
                )
            ).first()
            if taken is None:
                session.add(
                    Account(
                        email=person.email,
                        password_hash=security.hash_password(person.password),
                        last_name=person.last_name,
                        first_names=person.first_names,
                        birth_date=person.birth_date,
                        licence_number=licence_number,
                        created_at=now,
                        activated_at=now,
                    )
                )
                ready.append(person)
            elif taken.email == person.email:
                ready.append(person)
    return ready


def load_demo_data(engine: Engine) -> national_file.ImportReport:
    """Imports the demo national file (idempotent) and creates the demo accounts (local only)."""
    report = national_file.import_feed(engine=engine, path=DEMO_FEED)
    create_demo_accounts(engine)
    return report


def demo_accounts_text(engine: Engine | None = None) -> str:
    """The demo accounts that exist in this database, to print at start-up."""
    if not demo_accounts_allowed():
        return DEMO_ACCOUNTS_REFUSED
    emails = {person.email for person in DEMO_ACCOUNTS}
    with session_scope(engine or get_engine()) as session:
        present = set(session.exec(select(Account.email).where(col(Account.email).in_(emails))).all())
    ready = [person for person in DEMO_ACCOUNTS if person.email in present]
    if not ready:
        return "Aucun compte de démonstration dans cette base (python -m mespoints demo-data les crée)."
    lines = ["Comptes de démonstration (adresse électronique / mot de passe) :"]
    lines += [f"  {a.email} / {a.password}  ({a.description})" for a in ready]
    return "\n".join(lines)
