"""The French messages the portal sends: plain text and HTML parts, no images, no tracking.

Every argument that comes from a person (first name, masked address) is escaped in the HTML
part; links are built by the caller from MESPOINTS_BASE_URL, never from the request.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

from mespoints.styles import MAIL_BODY, MAIL_BUTTON, MAIL_CARD, MAIL_SMALL

SENDER_NAME = "Mes Points Permis"

_SIGNATURE_TEXT = (
    f"L'équipe {SENDER_NAME}\n\nCe message est envoyé automatiquement : merci de ne pas y répondre."
)

# Inline CSS from the design tokens (styles.py), light palette, in pixels for mail clients.
_BODY_STYLE = MAIL_BODY
_CARD_STYLE = MAIL_CARD
_BUTTON_STYLE = MAIL_BUTTON
_SMALL_STYLE = MAIL_SMALL


@dataclass(frozen=True)
class Message:
    """One email: subject, plain-text part and HTML part (the same content)."""

    subject: str
    text: str
    html: str


# A message is a list of blocks, rendered twice: as text and as HTML.
@dataclass(frozen=True)
class _Paragraph:
    text: str


@dataclass(frozen=True)
class _Button:
    label: str
    link: str


def _greeting(first_name: str) -> str:
    name = " ".join(first_name.split())
    return f"Bonjour {name}," if name else "Bonjour,"


def _render(subject: str, first_name: str, blocks: list[_Paragraph | _Button]) -> Message:
    text_parts = [_greeting(first_name)]
    html_parts = [f"<p>{html.escape(_greeting(first_name))}</p>"]
    for block in blocks:
        if isinstance(block, _Button):
            text_parts.append(f"{block.label} :\n{block.link}")
            link = html.escape(block.link, quote=True)
            html_parts.append(
                f'<p><a href="{link}" style="{_BUTTON_STYLE}">{html.escape(block.label)}</a></p>'
                f'<p style="{_SMALL_STYLE}">Si le bouton ne fonctionne pas, copiez cette adresse '
                f"dans votre navigateur :<br>{link}</p>"
            )
        else:
            text_parts.append(block.text)
            html_parts.append(f"<p>{html.escape(block.text)}</p>")
    text_parts.append(_SIGNATURE_TEXT)
    signature_html = (
        f"<p>L'équipe {html.escape(SENDER_NAME)}</p>"
        f'<p style="{_SMALL_STYLE}">Ce message est envoyé automatiquement : '
        "merci de ne pas y répondre.</p>"
    )
    page = (
        '<!DOCTYPE html>\n<html lang="fr">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{html.escape(subject)}</title>\n</head>\n"
        f'<body style="{_BODY_STYLE}">\n<div style="{_CARD_STYLE}">\n'
        + "\n".join(html_parts)
        + "\n"
        + signature_html
        + "\n</div>\n</body>\n</html>\n"
    )
    return Message(subject=subject, text="\n\n".join(text_parts) + "\n", html=page)


_NOT_YOU = "Si vous n'êtes pas à l'origine de cette demande, ignorez ce message : rien ne sera modifié."


def activation(*, first_name: str, link: str, expires_at_text: str) -> Message:
    """Sent after sign-up: the link that activates the account."""
    return _render(
        "Activez votre compte Mes Points Permis",
        first_name,
        [
            _Paragraph("Votre compte Mes Points Permis est presque prêt. Pour l'activer, ouvrez ce lien :"),
            _Button("Activer mon compte", link),
            _Paragraph(
                f"Ce lien est valable jusqu'à {expires_at_text}. Passé ce délai, recommencez l'inscription."
            ),
            _Paragraph(
                "Si vous n'avez pas créé de compte, ignorez ce message : le compte ne sera pas activé."
            ),
        ],
    )


def account_already_exists(*, first_name: str, login_link: str, reset_link: str) -> Message:
    """Sent instead of an activation when someone signs up again with an address that has an account."""
    return _render(
        "Vous avez déjà un compte Mes Points Permis",
        first_name,
        [
            _Paragraph(
                "Quelqu'un, peut-être vous, a demandé à créer un compte avec cette adresse "
                "électronique. Un compte existe déjà avec cette adresse : vous pouvez vous connecter."
            ),
            _Button("Me connecter", login_link),
            _Paragraph("Si vous avez oublié votre mot de passe, vous pouvez en choisir un nouveau :"),
            _Button("Choisir un nouveau mot de passe", reset_link),
            _Paragraph("Si vous n'êtes pas à l'origine de cette demande, ignorez ce message."),
        ],
    )


def licence_already_registered(*, first_name: str, login_link: str, reset_link: str) -> Message:
    """Sent to the owner of a licence when someone else tries to sign up with its number."""
    return _render(
        "Tentative d'inscription avec votre numéro de permis",
        first_name,
        [
            _Paragraph(
                "Quelqu'un a tenté de créer un compte Mes Points Permis avec votre numéro de "
                "permis de conduire, alors que ce permis est déjà rattaché à votre compte. "
                "Aucun nouveau compte n'a été créé."
            ),
            _Paragraph("Si c'était vous, connectez-vous avec votre compte existant :"),
            _Button("Me connecter", login_link),
            _Paragraph("Si vous avez oublié votre mot de passe, vous pouvez en choisir un nouveau :"),
            _Button("Choisir un nouveau mot de passe", reset_link),
            _Paragraph(
                "Si ce n'était pas vous, votre compte reste protégé : personne d'autre ne peut "
                "l'utiliser sans votre mot de passe."
            ),
        ],
    )


def password_reset(*, first_name: str, link: str) -> Message:
    """The link to choose a new password."""
    return _render(
        "Choisissez un nouveau mot de passe",
        first_name,
        [
            _Paragraph(
                "Vous avez demandé à changer le mot de passe de votre compte Mes Points Permis. "
                "Pour choisir un nouveau mot de passe, ouvrez ce lien :"
            ),
            _Button("Choisir un nouveau mot de passe", link),
            _Paragraph("Ce lien ne peut servir qu'une fois."),
            _Paragraph(_NOT_YOU),
        ],
    )


def password_changed(*, first_name: str, reset_link: str) -> Message:
    """Confirms a password change, with a way back if it was not the account's owner."""
    return _render(
        "Votre mot de passe a été modifié",
        first_name,
        [
            _Paragraph("Le mot de passe de votre compte Mes Points Permis vient d'être modifié."),
            _Paragraph(
                "Si c'est vous, vous n'avez rien à faire. Sinon, choisissez tout de suite "
                "un nouveau mot de passe :"
            ),
            _Button("Choisir un nouveau mot de passe", reset_link),
        ],
    )


def email_change_verification(*, first_name: str, link: str) -> Message:
    """Sent to the new address: confirms it before the account uses it."""
    return _render(
        "Confirmez votre nouvelle adresse électronique",
        first_name,
        [
            _Paragraph(
                "Vous avez demandé à utiliser cette adresse électronique pour votre compte "
                "Mes Points Permis. Pour la confirmer, ouvrez ce lien :"
            ),
            _Button("Confirmer cette adresse", link),
            _Paragraph(_NOT_YOU),
        ],
    )


def email_change_requested(
    *, first_name: str, new_email_masked: str, cancel_link: str, validity_text: str
) -> Message:
    """Sent to the CURRENT address as soon as a change is requested, with « Ce n'était pas moi »."""
    return _render(
        "Demande de changement de l'adresse électronique de votre compte",
        first_name,
        [
            _Paragraph(
                "Une demande de remplacement de l'adresse électronique de votre compte Mes Points "
                f"Permis par {new_email_masked} vient d'être faite. Si c'est vous, vous n'avez rien "
                "à faire : le changement aura lieu quand le lien envoyé à la nouvelle adresse sera "
                "suivi."
            ),
            _Paragraph(
                "Si ce n'était pas vous, quelqu'un connaît votre mot de passe. Ce lien annule le "
                "changement (même s'il a déjà eu lieu), ferme toutes les sessions ouvertes sur "
                f"votre compte et vous permet de choisir un nouveau mot de passe. Il est valable "
                f"{validity_text} et ne sert qu'une fois."
            ),
            _Button("Ce n'était pas moi", cancel_link),
        ],
    )


def email_changed_notice(
    *, first_name: str, new_email_masked: str, cancel_link: str, validity_text: str
) -> Message:
    """Sent to the old address once the change is done, with « Ce n'était pas moi »."""
    blocks: list[_Paragraph | _Button] = [
        _Paragraph(
            "L'adresse électronique de votre compte Mes Points Permis a été remplacée par "
            f"{new_email_masked}. Les prochains messages seront envoyés à cette adresse."
        ),
        _Paragraph(
            "Si vous n'êtes pas à l'origine de ce changement, quelqu'un a pu accéder à votre "
            "compte. Ce lien vous rend votre adresse, ferme toutes les sessions ouvertes sur "
            f"votre compte et vous permet de choisir un nouveau mot de passe (valable "
            f"{validity_text}, une seule fois). Votre solde de points, lui, ne peut pas être "
            "modifié depuis le portail."
        ),
        _Button("Ce n'était pas moi", cancel_link),
    ]
    return _render("L'adresse électronique de votre compte a été modifiée", first_name, blocks)


def signup_licence_taken(*, first_name: str, login_link: str, reset_link: str) -> Message:
    """Sent to a sign-up's address when its licence is (or gets) bound to another account."""
    return _render(
        "Votre inscription n'a pas pu aboutir",
        first_name,
        [
            _Paragraph(
                "Votre demande d'inscription à Mes Points Permis n'a pas pu aboutir : le permis "
                "de conduire indiqué est déjà rattaché à un autre compte. Un permis ne peut être "
                "rattaché qu'à un seul compte, celui qui a été activé le premier."
            ),
            _Paragraph(
                "Si ce compte est le vôtre (créé avec une autre adresse électronique), connectez-vous "
                "avec lui, ou choisissez un nouveau mot de passe depuis cette autre adresse :"
            ),
            _Button("Me connecter", login_link),
            _Button("Mot de passe oublié", reset_link),
            _Paragraph(
                "Si vous n'avez jamais créé de compte, quelqu'un a pu utiliser les informations "
                "imprimées sur votre permis. Connectez-vous avec FranceConnect, qui vérifie votre "
                "identité : vous pourrez reprendre votre permis ; vous pouvez aussi écrire au "
                "service indiqué dans les mentions légales du portail. Votre solde de points, lui, "
                "ne peut pas être modifié depuis le portail."
            ),
        ],
    )


def licence_claimed(*, first_name: str, licence_number: str, login_link: str) -> Message:
    """Sent to an account whose licence its holder took back through FranceConnect."""
    return _render(
        "Le permis rattaché à votre compte a été repris par son titulaire",
        first_name,
        [
            _Paragraph(
                f"Le permis de conduire n° {licence_number} était rattaché à votre compte Mes Points "
                "Permis. Son titulaire vient de s'identifier avec FranceConnect, qui vérifie l'identité "
                "des personnes, et a indiqué que ce compte n'était pas le sien : le permis a été "
                "rattaché à son propre compte."
            ),
            _Paragraph(
                "Votre compte ne donne donc plus accès à aucune information sur ce permis, et vos "
                "sessions ouvertes ont été fermées."
            ),
            _Paragraph(
                "S'il s'agit bien de votre permis, connectez-vous avec FranceConnect : vous "
                "retrouverez votre solde de points et pourrez signaler la situation au service indiqué "
                "dans les mentions légales du portail."
            ),
            _Button("Me connecter", login_link),
        ],
    )


def account_closed(*, first_name: str) -> Message:
    """Confirms that the account was closed and its data deleted."""
    return _render(
        "Votre compte Mes Points Permis a été fermé",
        first_name,
        [
            _Paragraph(
                "Votre compte Mes Points Permis a été fermé, comme vous l'avez demandé. "
                "Vous ne pouvez plus vous y connecter."
            ),
            _Paragraph(
                "Votre solde de points et votre dossier au fichier national des permis de conduire "
                "ne changent pas. Vous pouvez créer un nouveau compte à tout moment."
            ),
        ],
    )


def history_changed(*, first_name: str, title: str, sentence: str, balance: str, link: str) -> Message:
    """R223-3-1: one change of the history, and the new balance; never the offence's details."""
    return _render(
        title,
        first_name,
        [
            _Paragraph(sentence),
            _Paragraph(balance),
            _Button("Voir mon historique", link),
            _Paragraph(
                "Pour des raisons de confidentialité, ce message ne dit rien de plus : le détail figure dans "
                "votre espace. Vous pouvez ne plus recevoir ces messages depuis la page « Mon compte » ; "
                "les notifications restent visibles dans votre espace."
            ),
        ],
    )
