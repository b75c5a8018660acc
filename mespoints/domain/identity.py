"""Field validators of the sign-up wizard: names, birth date, email address.

Each validator returns ``(normalized_value, None)`` when the value is acceptable, or
``(None, "message in French")`` otherwise. None of them raises, whatever it is given
(None, numbers, control characters, huge strings): a form field can be anything.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import unicodedata

import email_validator

from mespoints.domain.licence_format import LICENCE_FORMATS
from mespoints.domain.licence_number import normalize_licence_number

NAME_MAX_LENGTH = 100
EMAIL_MAX_LENGTH = 254
MIN_AGE = 14  # the AM licence (moped) can be obtained from 14
MAX_AGE = 120

# Raw inputs beyond this are refused before any normalization, so work stays bounded.
_RAW_LIMIT = 2_000

_APOSTROPHES = {"'", "’", "ʼ", "‘"}
_HYPHENS = {"-", "‐", "‑", "‒", "–"}
_WHITESPACE = re.compile(r"\s+")
_SPACED_HYPHEN = re.compile(r" ?- ?")


def _is_latin_letter(char: str) -> bool:
    if not unicodedata.category(char).startswith("L"):
        return False
    return unicodedata.name(char, "").startswith("LATIN")


def validate_name(raw: object, *, field_label: str) -> tuple[str | None, str | None]:
    """A last name or first name(s) as written on the licence.

    ``field_label`` is a masculine singular noun in lower case ("nom", "prénom"): it is
    used in the messages (« Indiquez votre nom. », « Le prénom ne peut contenir… »).
    Normalization: NFKC, spaces trimmed and collapsed, apostrophes turned into ``'`` and
    hyphen variants into ``-``; the letters keep their case and accents.
    """
    label = field_label.strip() or "nom"
    missing = f"Indiquez votre {label}."
    if raw is None or not isinstance(raw, str):
        return None, missing
    if len(raw) > _RAW_LIMIT:
        return None, f"Le {label} ne peut pas dépasser {NAME_MAX_LENGTH} caractères."
    value = unicodedata.normalize("NFKC", raw)
    value = _WHITESPACE.sub(" ", value).strip()
    if not value:
        return None, missing
    chars: list[str] = []
    has_letter = False
    for char in value:
        if char in _APOSTROPHES:
            chars.append("'")
        elif char in _HYPHENS:
            chars.append("-")
        elif char == " ":
            chars.append(char)
        elif _is_latin_letter(char):
            has_letter = True
            chars.append(char)
        elif unicodedata.category(char) == "Mn" and chars and chars[-1] not in " -'":
            chars.append(char)  # a combining accent on a letter that has no precomposed form
        else:
            return None, (
                f"Le {label} ne peut contenir que des lettres, des espaces, "
                "des traits d'union et des apostrophes."
            )
    if not has_letter:
        return None, f"Le {label} doit contenir au moins une lettre."
    normalized = _SPACED_HYPHEN.sub("-", "".join(chars))  # "Jean - Pierre" is "Jean-Pierre"
    if len(normalized) > NAME_MAX_LENGTH:
        return None, f"Le {label} ne peut pas dépasser {NAME_MAX_LENGTH} caractères."
    return normalized, None


_ISO_DATE = re.compile(r"([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})")
_FRENCH_DATE = re.compile(r"([0-9]{1,2})[/.\-]([0-9]{1,2})[/.\-]([0-9]{4})")


def validate_birth_date(raw: object, *, today: dt.date) -> tuple[dt.date | None, str | None]:
    """A birth date from an HTML date input (``YYYY-MM-DD``) or typed as ``JJ/MM/AAAA``.

    The person must be between 14 and 120 years old on ``today``.
    """
    if isinstance(raw, dt.datetime):
        birth_date: dt.date = raw.date()
    elif isinstance(raw, dt.date):
        birth_date = raw
    elif isinstance(raw, str):
        if len(raw) > _RAW_LIMIT:
            return None, _DATE_FORMAT_MESSAGE
        text = unicodedata.normalize("NFKC", raw).strip()  # full-width digits become ASCII
        if not text:
            return None, "Indiquez votre date de naissance."
        iso = _ISO_DATE.fullmatch(text)
        french = _FRENCH_DATE.fullmatch(text)
        if iso:
            year, month, day = (int(part) for part in iso.groups())
        elif french:
            day, month, year = (int(part) for part in french.groups())
        else:
            return None, _DATE_FORMAT_MESSAGE
        try:
            birth_date = dt.date(year, month, day)
        except ValueError:
            return None, "Cette date n'existe pas : vérifiez le jour, le mois et l'année."
    else:
        return None, "Indiquez votre date de naissance."
    if birth_date > today:
        return None, "La date de naissance ne peut pas être dans le futur."
    age = today.year - birth_date.year - ((today.month, today.day) < (birth_date.month, birth_date.day))
    if age < MIN_AGE:
        return None, f"Vous devez avoir au moins {MIN_AGE} ans pour créer un compte."
    if age > MAX_AGE:
        return None, f"Vérifiez l'année de naissance : elle correspond à plus de {MAX_AGE} ans."
    return birth_date, None


_DATE_FORMAT_MESSAGE = "Saisissez la date au format JJ/MM/AAAA, par exemple 17/05/1990."

_EMAIL_INVALID = (
    "Cette adresse électronique n'est pas valide. Vérifiez-la : elle s'écrit par exemple "
    "prenom.nom@exemple.fr."
)
_EMAIL_TOO_LONG = f"L'adresse électronique est trop longue ({EMAIL_MAX_LENGTH} caractères au plus)."


def validate_email(raw: object) -> tuple[str | None, str | None]:
    """An email address: syntax only (no DNS), domain lower-cased, local part kept as typed.

    Accented letters are accepted in the domain (IDN) but not before the « @ », which most
    mail providers cannot deliver.
    """
    if raw is None or not isinstance(raw, str):
        return None, "Indiquez votre adresse électronique."
    text = raw.strip()
    if not text:
        return None, "Indiquez votre adresse électronique."
    if len(text) > 4 * EMAIL_MAX_LENGTH:
        return None, _EMAIL_TOO_LONG
    if "@" not in text:
        return None, "L'adresse électronique doit contenir un « @ », par exemple prenom.nom@exemple.fr."
    try:
        validated = email_validator.validate_email(
            text, check_deliverability=False, allow_smtputf8=False, allow_display_name=False
        )
    except email_validator.EmailNotValidError as error:
        return None, _french_email_error(str(error))
    except (ValueError, UnicodeError):  # the IDNA codec can fail on exotic domains
        return None, _EMAIL_INVALID
    normalized = validated.normalized
    if len(normalized) > EMAIL_MAX_LENGTH or len(validated.ascii_email or "") > EMAIL_MAX_LENGTH:
        return None, _EMAIL_TOO_LONG
    return normalized, None


def _french_email_error(english: str) -> str:
    lowered = english.lower()
    if "too long" in lowered:
        return _EMAIL_TOO_LONG
    if "internationalized characters before the @-sign" in lowered:
        return "Les lettres accentuées ne sont pas acceptées avant le « @ »."
    if "there must be something before the @-sign" in lowered:
        return "Il manque la partie avant le « @ », par exemple prenom.nom@exemple.fr."
    if "after the @-sign" in lowered and "special-use or reserved" in lowered:
        return "Ce nom de domaine ne peut pas recevoir de courrier électronique."
    if "there must be something after the @-sign" in lowered or "should have a period" in lowered:
        return "Vérifiez la partie après le « @ », par exemple exemple.fr."
    return _EMAIL_INVALID


MSG_LICENCE_FORMAT = "Indiquez le format de votre permis de conduire."
MSG_LICENCE_NUMBER = "Le numéro de permis comporte de 5 à 19 lettres et chiffres."


@dataclasses.dataclass(frozen=True)
class Identity:
    """A person as the sign-up wizard and the licence check know them, validated and normalized."""

    last_name: str
    first_names: str
    birth_date: dt.date


@dataclasses.dataclass(frozen=True)
class LicenceClaim:
    """« This licence is mine »: who claims it, and the licence's format and number."""

    last_name: str
    birth_date: dt.date
    licence_format: str
    licence_number: str


def validate_identity(
    *, last_name: object, first_names: object, birth_date: object, today: dt.date
) -> tuple[Identity | None, dict[str, str]]:
    """The one identity check (wizard step 1, sign-up, licence check): errors keyed
    last_name, first_names, birth_date; an Identity when there are none."""
    errors: dict[str, str] = {}
    name, error = validate_name(last_name, field_label="nom")
    if error:
        errors["last_name"] = error
    first, error = validate_name(first_names, field_label="prénom")
    if error:
        errors["first_names"] = error
    birth, error = validate_birth_date(birth_date, today=today)
    if error:
        errors["birth_date"] = error
    if errors or name is None or first is None or birth is None:
        return None, errors
    return Identity(last_name=name, first_names=first, birth_date=birth), {}


def validate_licence_claim(
    *, last_name: object, birth_date: object, licence_format: object, licence_number: object, today: dt.date
) -> tuple[LicenceClaim | None, dict[str, str]]:
    """Name, birth date, format and number of a licence someone says is theirs (step 5): errors
    keyed last_name, birth_date, licence_format, licence_number; a LicenceClaim when none."""
    errors: dict[str, str] = {}
    name, error = validate_name(last_name, field_label="nom")
    if error:
        errors["last_name"] = error
    birth, error = validate_birth_date(birth_date, today=today)
    if error:
        errors["birth_date"] = error
    if licence_format not in LICENCE_FORMATS:
        errors["licence_format"] = MSG_LICENCE_FORMAT
    number = normalize_licence_number(licence_number) if isinstance(licence_number, str) else None
    if not number:
        errors["licence_number"] = MSG_LICENCE_NUMBER
    if errors or name is None or birth is None or number is None:
        return None, errors
    return LicenceClaim(
        last_name=name, birth_date=birth, licence_format=str(licence_format), licence_number=number
    ), {}
