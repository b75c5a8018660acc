"""« Mes documents »: the attestation de droits à conduire, the relevé d'information intégral, the
forecast as a calendar file, and « Télécharger mes données ».

Everything is generated on request from the national file and the account, and never stored. The
HTTP routes (mespoints/document_routes.py) check the session first; the functions here take what it
proved (the licence number, the account id) and the day.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import icalendar
import segno
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from mespoints import routes
from mespoints.db.accounts import Account, AccountSession
from mespoints.db.alerts import AccountPreference, AlertKey, Notification
from mespoints.db.mail import MAIL, OutboxMail
from mespoints.domain import attestation as attestation_domain
from mespoints.domain.attestation import Attestation, AttestedCategory
from mespoints.domain.points import Rule, assess
from mespoints.domain.points_text import format_date_fr, points_fr
from mespoints.domain.records import Infraction, Stage
from mespoints.domain.situation import points_label, probation_info, rule_label, status_info
from mespoints.services import attestation as attestation_service
from mespoints.services.clock import paris_day
from mespoints.services.dashboard import history_rows, letter_rows
from mespoints.services.licences import LicenceRecord, read_licence
from mespoints.services.pdf import Document
from mespoints.services.sessions import AuthMethod, SessionInfo

SERVICE_NOTICE = (
    "Mes Points Permis est une mise en œuvre ouverte et indépendante d'un portail de consultation des "
    "points du permis de conduire. Ce document n'est pas un document officiel de l'État."
)


def releve_allowed(session_info: SessionInfo) -> bool:
    """Whether this session may download the relevé d'information intégral.

    Since May 2024 the State's portal gives it only to a session opened with FranceConnect (the
    identity is then vouched for, not just the password). The session's opening method is checked
    HERE, and only here: the page and the HTTP route both ask this function.
    """
    return session_info.auth_method is AuthMethod.FRANCECONNECT


def file_name(kind: str, licence_number: str, day: dt.date, extension: str) -> str:
    return f"{kind}-{licence_number}-{day.isoformat()}.{extension}"


# --- The attestation -----------------------------------------------------------------------------


def attestation_of(licence: LicenceRecord, today: dt.date) -> Attestation:
    """What the attestation says today about this licence."""
    assessment = assess(licence.facts, today)
    return Attestation(
        licence_number=licence.licence_number,
        format=licence.format,
        last_name=licence.last_name,
        first_names=licence.first_names,
        birth_date=licence.birth_date,
        categories=tuple(
            AttestedCategory(category=category.category, obtained_on=category.obtained_on)
            for category in licence.categories
        ),
        valid=assessment.invalidated_on is None or assessment.invalidated_on > today,
        balance=assessment.balance,
        maximum=assessment.maximum,
        issued_on=today,
    )


def verification_url(base_url: str, code: str) -> str:
    return f"{base_url}{routes.VERIFY}?code={quote(code, safe='')}"


def attestation_pdf(
    *, engine: Engine, licence_number: str, today: dt.date, base_url: str, ring: attestation_service.KeyRing
) -> bytes | None:
    """The attestation de droits à conduire as a PDF, or None for a licence the file does not hold."""
    licence = read_licence(engine, licence_number, with_categories=True)
    if licence is None:
        return None
    attestation = attestation_of(licence, today)
    code = attestation_service.sign(attestation, ring)
    url = verification_url(base_url, code)
    document = Document(
        title="Attestation de droits à conduire",
        subject=f"Permis n° {licence.licence_number}, délivrée le {format_date_fr(today)}",
        footer_text="Attestation de droits à conduire – Mes Points Permis",
    )
    document.heading("Attestation de droits à conduire")
    document.paragraph(
        "Établie par Mes Points Permis d'après le fichier national des permis de conduire, valable "
        f"jusqu'au {format_date_fr(attestation.valid_until)} inclus."
    )
    document.paragraph(SERVICE_NOTICE, small=True, muted=True)
    document.pairs(attestation_domain.lines_fr(attestation))
    document.heading("Vérifier cette attestation", level=2)
    document.paragraph(
        "Toute personne peut la vérifier, sans compte : en scannant le code QR, ou sur la page "
        f"{base_url}{routes.VERIFY} avec le code de vérification ci-dessous."
    )
    document.figure(
        qr_png(url),
        width=40,
        alt_text="Code QR menant à la page de vérification de cette attestation sur Mes Points Permis.",
    )
    document.paragraph(f"Code de vérification : {code}", small=True)
    return document.render()


def qr_png(url: str) -> bytes:
    """The QR code of `url` as a PNG, 8 pixels a module and the 4-module quiet zone scanners need."""
    buffer = io.BytesIO()
    segno.make(url, error="m").save(buffer, kind="png", scale=8, border=4)
    return buffer.getvalue()


# --- The relevé intégral -------------------------------------------------------------------------


def releve_pdf(*, engine: Engine, licence_number: str, today: dt.date) -> bytes | None:
    """The relevé d'information intégral as a PDF: identity, licence, status, balance, every event of
    the history with both its dates, the forecast and the letters. None for an unknown licence."""
    licence = read_licence(engine, licence_number, with_categories=True)
    if licence is None:
        return None
    facts = licence.facts
    assessment = assess(facts, today)
    document = Document(
        title="Relevé d'information intégral",
        subject=f"Permis n° {licence.licence_number}, au {format_date_fr(today)}",
        footer_text="Relevé d'information intégral – Mes Points Permis",
    )
    document.heading("Relevé d'information intégral")
    document.paragraph(
        f"Situation au {format_date_fr(today)}, établie par Mes Points Permis d'après le fichier national "
        "des permis de conduire (dernière mise à jour du dossier : "
        f"{format_date_fr(paris_day(licence.updated_at))})."
    )
    document.heading("Titulaire et permis", level=2)
    categories = ", ".join(
        f"{category.category} (depuis le {format_date_fr(category.obtained_on)})"
        for category in licence.categories
    )
    document.pairs(
        [
            ("Titulaire", f"{licence.last_name} {licence.first_names}"),
            ("Date de naissance", format_date_fr(licence.birth_date)),
            ("Numéro de permis", licence.licence_number),
            ("Format du permis", attestation_domain.FORMATS_FR.get(licence.format, licence.format)),
            ("Délivré le", format_date_fr(facts.issued_on)),
            ("Catégories", categories or "aucune"),
        ]
    )
    document.heading("Situation", level=2)
    status = status_info(assessment, facts)
    document.pairs(
        [
            ("Solde de points", points_label(assessment.balance, assessment.maximum)),
            ("Statut du permis", status.title),
            ("Période probatoire", probation_info(assessment, facts).title),
        ]
    )
    for line in status.lines:
        document.paragraph(line)

    document.heading("Historique des retraits et récupérations", level=2)
    rows = list(reversed(history_rows(assessment, facts)))  # the oldest first, as a record reads
    if not rows:
        document.paragraph("Aucun retrait ni aucune récupération de points n'est enregistré.")
    events = {event.id: event for event in facts.events}
    history = list(assessment.history)
    for row, change in zip(rows, history, strict=True):
        document.paragraph(f"{row.date} – {row.label}", bold=True, space=0.5)
        event = events.get(change.event_id or "")
        details = [("Points", f"{row.points} (solde après : {row.balance_after})")]
        if isinstance(event, Infraction) and change.rule is Rule.WITHDRAWAL:
            details += [
                ("Date de l'infraction", format_date_fr(event.committed_at.date())),
                ("Date du retrait (date de réalité)", format_date_fr(event.effective_on)),
            ]
            if event.place:
                details.append(("Lieu", event.place))
            if event.offence_class:
                details.append(("Nature", _offence_class_fr(event.offence_class)))
        elif isinstance(event, Stage):
            details += [
                ("Stage terminé le", format_date_fr(event.completed_on)),
                ("Points crédités le", row.date),
            ]
            if event.place:
                details.append(("Lieu du stage", event.place))
        else:
            if row.rule_label != row.label:
                details.append(("Règle", row.rule_label))
            if row.detail:
                details.append(("Détail", row.detail))
        document.pairs(details)
        document.space(2)

    document.heading("Calendrier prévisionnel", level=2)
    if assessment.forecast:
        document.paragraph("Si aucune nouvelle infraction n'est enregistrée, votre solde évoluera ainsi :")
        for change in assessment.forecast:
            document.paragraph(
                f"{format_date_fr(change.date)} – {rule_label(change.rule)} : {points_fr(change.points)} "
                f"(solde prévu : {change.balance_after})"
            )
    else:
        document.paragraph("Aucune récupération de points n'est prévue.")

    document.heading("Courriers", level=2)
    letters = list(reversed(letter_rows(assessment, facts)))
    if not letters:
        document.paragraph("Aucun courrier ne vous a été adressé au sujet de vos points.")
    for letter in letters:
        document.paragraph(f"{letter.date} – lettre {letter.code}", bold=True)
        document.paragraph(letter.meaning + (f" {letter.detail}" if letter.detail else ""))
    document.rule()
    document.paragraph(SERVICE_NOTICE, small=True, muted=True)
    return document.render()


def _offence_class_fr(offence_class: str) -> str:
    return "délit" if offence_class == "DELIT" else f"contravention de {offence_class[1:]}e classe"


# --- The forecast as a calendar ------------------------------------------------------------------


def calendar_ics(
    *, engine: Engine, licence_number: str, today: dt.date, now: dt.datetime, base_url: str
) -> bytes | None:
    """Every restoration the calendar foresees, as all-day events of an iCalendar file.

    A calendar is often synchronised with others' services: the events name no offence, only the
    points expected and the balance, with a link to the forecast page.
    """
    licence = read_licence(engine, licence_number)
    if licence is None:
        return None
    assessment = assess(licence.facts, today)
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//Mes Points Permis//Récupérations de points//FR")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", "Mes récupérations de points")
    link = f"{base_url}{routes.DASHBOARD_FORECAST}"
    stamp = now.replace(tzinfo=dt.UTC)
    for change in assessment.forecast:
        if change.points <= 0:
            continue
        event = icalendar.Event()
        identity = f"{licence.licence_number}|{change.event_id}|{change.rule}|{change.date.isoformat()}"
        event.add("uid", f"{hashlib.sha256(identity.encode()).hexdigest()[:32]}@mespoints-permis")
        event.add("dtstamp", stamp)
        event.add("dtstart", change.date)
        event.add("dtend", change.date + dt.timedelta(days=1))
        event.add("summary", f"Récupération de points prévue : +{points_fr(change.points)}")
        event.add(
            "description",
            f"{rule_label(change.rule)}. Solde prévu : {points_fr(change.balance_after)}, "
            "si aucune nouvelle infraction n'est enregistrée d'ici là. "
            f"Calendrier à jour : {link}",
        )
        event.add("url", link)
        event.add("transp", "TRANSPARENT")
        calendar.add_component(event)
    return calendar.to_ical()


# --- « Télécharger mes données » -----------------------------------------------------------------


@dataclass(frozen=True)
class DataExport:
    content: bytes
    licence_number: str | None


def _iso(value: dt.date | dt.datetime | None) -> str | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.replace(microsecond=0).isoformat() + "Z"
    return value.isoformat()


def personal_data(*, engine: Engine, account_id: int, now: dt.datetime) -> bytes | None:
    """Everything held about the account, as JSON (UTF-8): the account, its sessions, notifications,
    preferences and consents, alerts, mails waiting or sent, and the licence record as imported.

    Secrets are never exported (password hash, session and token hashes). None for an unknown account.
    """
    with Session(engine) as session:
        account = session.get(Account, account_id)
        if account is None:
            return None
        sessions = session.exec(
            select(AccountSession)
            .where(col(AccountSession.account_id) == account_id)
            .order_by(col(AccountSession.created_at))
        ).all()
        notifications = session.exec(
            select(Notification)
            .where(col(Notification.account_id) == account_id)
            .order_by(col(Notification.created_at))
        ).all()
        preference = session.get(AccountPreference, account_id)
        keys = session.exec(
            select(AlertKey).where(col(AlertKey.account_id) == account_id).order_by(col(AlertKey.day))
        ).all()
        mails = session.exec(
            select(OutboxMail)
            .where(col(OutboxMail.recipient) == account.email, col(OutboxMail.kind) == MAIL)
            .order_by(col(OutboxMail.created_at))
        ).all()
    licence = (
        read_licence(engine, account.licence_number, with_categories=True) if account.licence_number else None
    )
    data: dict[str, Any] = {
        "export": {
            "service": "Mes Points Permis",
            "generated_at": _iso(now),
            "about": (
                "Toutes les données que Mes Points Permis détient sur votre compte. Les heures sont en "
                "temps universel (UTC). Votre mot de passe n'est jamais conservé en clair ; ni son "
                "empreinte ni celles de vos sessions ne sont exportées."
            ),
        },
        "account": {
            "email": account.email,
            "last_name": account.last_name,
            "first_names": account.first_names,
            "birth_date": _iso(account.birth_date),
            "licence_number": account.licence_number,
            "created_at": _iso(account.created_at),
            "activated_at": _iso(account.activated_at),
        },
        "consents": [
            {
                "what": "Conditions générales d'utilisation",
                "accepted_at": _iso(account.created_at),
            }
        ],
        "preferences": {
            "mail_alerts": True if preference is None else preference.mail_alerts,
            "alerts_since": None if preference is None else _iso(preference.alerts_since),
            "updated_at": None if preference is None else _iso(preference.updated_at),
        },
        "sessions": [
            {
                "created_at": _iso(row.created_at),
                "last_seen_at": _iso(row.last_seen_at),
                "ended_at": _iso(row.ended_at),
            }
            for row in sessions
        ],
        "notifications": [
            {
                "created_at": _iso(row.created_at),
                "title": row.title,
                "body": row.body,
                "read_at": _iso(row.read_at),
            }
            for row in notifications
        ],
        "alerts": [
            {
                "licence_number": row.licence_number,
                "event_id": row.event_id,
                "rule": row.rule,
                "day": _iso(row.day),
                "alerted": row.alerted,
                "recorded_at": _iso(row.created_at),
            }
            for row in keys
        ],
        "mails": [
            {"created_at": _iso(row.created_at), "subject": row.subject, "sent_at": _iso(row.sent_at)}
            for row in mails
        ],
        "licence": None if licence is None else _licence_as_imported(licence),
    }
    return json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8")


def _licence_as_imported(licence: LicenceRecord) -> dict[str, Any]:
    """The national file's record in the feed's own shape (interfaces.md section 4)."""
    events: list[dict[str, Any]] = []
    for event in licence.facts.events:
        if isinstance(event, Infraction):
            events.append(
                {
                    "id": event.id,
                    "kind": "infraction",
                    "committed_at": event.committed_at.isoformat(),
                    "effective_on": _iso(event.effective_on),
                    "offence_class": event.offence_class,
                    "points": event.points,
                    "label": event.label,
                    "place": event.place,
                }
            )
        else:
            events.append(
                {
                    "id": event.id,
                    "kind": "stage",
                    "completed_on": _iso(event.completed_on),
                    "place": event.place,
                }
            )
    return {
        "licence_number": licence.licence_number,
        "format": licence.format,
        "last_name": licence.last_name,
        "first_names": licence.first_names,
        "birth_date": _iso(licence.birth_date),
        "issued_on": _iso(licence.facts.issued_on),
        "early_training": licence.facts.early_training,
        "probationary": licence.facts.probationary,
        "categories": [
            {"category": category.category, "obtained_on": _iso(category.obtained_on)}
            for category in licence.categories
        ],
        "events": events,
        "updated_at": _iso(licence.updated_at),
    }


# --- What the « Mes documents » page shows ------------------------------------------------------


@dataclass(frozen=True)
class DocumentsView:
    has_licence: bool
    releve_allowed: bool
    # Backend routes as the browser reaches them (another port under `make dev`).
    attestation_href: str
    releve_href: str
    calendar_href: str
    # Where a password session goes to open a FranceConnect one (the login page offers it).
    franceconnect_href: str
    valid_until_label: str  # « 22 mars 2027 »: an attestation issued today is valid until then


def documents_view(
    session_info: SessionInfo, *, today: dt.date, backend_route: Callable[[str], str]
) -> DocumentsView:
    return DocumentsView(
        has_licence=bool(session_info.licence_number),
        releve_allowed=releve_allowed(session_info),
        attestation_href=backend_route(routes.ATTESTATION_PDF),
        releve_href=backend_route(routes.RELEVE_PDF),
        calendar_href=backend_route(routes.CALENDAR_ICS),
        franceconnect_href=f"{routes.LOGIN}?suite={routes.DOCUMENTS}",
        valid_until_label=format_date_fr(attestation_domain.valid_until(today)),
    )
