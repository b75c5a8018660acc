"""The password policy: the one source of truth for what a password must be (docs/passwords.md).

Length only, no composition rules; refused when common or built on the person's own data.
Lengths are counted in Unicode code points after NFKC, as the server receives them.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import threading
import unicodedata
from collections.abc import Iterable
from pathlib import Path

import zxcvbn

MIN_LENGTH = 12
MAX_LENGTH = 128
# A common password followed by digits/punctuation is refused only when its stem has this
# many characters: "x" + random symbols is not a weak password, "soleil" + "2024!" is.
_MIN_COMMON_STEM = 4
# Fewer distinct characters than this ("aaaaaaaaaaaa", "abababababab") is trivially guessed.
_MIN_DISTINCT_CHARS = 4
_MIN_PERSONAL_PART = 3

_DATA = Path(__file__).resolve().parent / "data" / "common_passwords.txt"

STRENGTH_LABELS: tuple[str, ...] = ("Très faible", "Faible", "Moyen", "Fort", "Très fort")


@functools.cache
def _common_passwords() -> frozenset[str]:
    """The list, folded like passwords are before lookup (« MotDePasseOublié » is common)."""
    return frozenset(_fold(line) for line in _DATA.read_text(encoding="utf-8").splitlines())


def _fold(text: str) -> str:
    """Case- and accent-insensitive form: « Hélène » and « HELENE » fold alike."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


_SEPARATORS = re.compile(r"[\s\-'’._,;:+/]+")
_TRAILING_SUFFIX = re.compile(r"[\W\d_]+$")


def _letters_only(text: str) -> str:
    return "".join(char for char in text if char.isalnum())


def is_common(password: str) -> bool:
    """True when the password, or its stem before trailing digits/punctuation, is a common one.

    Compared without case or accents, after NFKC.
    """
    folded = _fold(unicodedata.normalize("NFKC", password))
    common = _common_passwords()
    if folded in common:
        return True
    stem = _TRAILING_SUFFIX.sub("", folded)
    return stem != folded and len(stem) >= _MIN_COMMON_STEM and stem in common


def _name_parts(value: str | Iterable[str] | None) -> list[str]:
    """Folded forms of a name to look for: the whole name without separators, and each part."""
    if value is None:
        return []
    texts = [value] if isinstance(value, str) else [v for v in value if isinstance(v, str)]
    parts: list[str] = []
    for text in texts:
        folded = _fold(text[:200])
        pieces = [piece for piece in _SEPARATORS.split(folded) if piece]
        parts.append("".join(pieces))
        parts.extend(pieces)
    return sorted({part for part in parts if len(part) >= _MIN_PERSONAL_PART}, key=len, reverse=True)


def check_password(
    password: object,
    *,
    last_name: str | None,
    first_names: str | Iterable[str] | None,
    birth_date: dt.date | None,
    email: str | None,
) -> list[str]:
    """Every reason, in French, why this password is refused; empty when acceptable."""
    if not isinstance(password, str) or password == "":
        return ["Choisissez un mot de passe."]
    if len(password) > 4 * MAX_LENGTH:  # NFKC can expand by a bounded factor; cut work early
        return [f"Le mot de passe ne peut pas dépasser {MAX_LENGTH} caractères."]
    normalized = unicodedata.normalize("NFKC", password)
    length = len(normalized)
    problems: list[str] = []
    if length < MIN_LENGTH:
        problems.append(
            f"Le mot de passe doit contenir au moins {MIN_LENGTH} caractères (il en contient {length})."
        )
    elif length > MAX_LENGTH:
        return [f"Le mot de passe ne peut pas dépasser {MAX_LENGTH} caractères."]
    if any(unicodedata.category(char) in ("Cc", "Cs") for char in normalized):
        problems.append("Le mot de passe contient un caractère invisible non autorisé.")

    if is_common(normalized):
        problems.append(
            "Ce mot de passe fait partie des mots de passe les plus courants : choisissez-en un autre."
        )
    elif length >= MIN_LENGTH and len(set(normalized.casefold())) < _MIN_DISTINCT_CHARS:
        problems.append("Ce mot de passe est trop répétitif : variez davantage les caractères.")

    folded = _fold(normalized)
    compact = _letters_only(folded)
    if any(part in folded or part in compact for part in _name_parts(last_name)):
        problems.append("Le mot de passe ne doit pas contenir votre nom.")
    if any(part in folded or part in compact for part in _name_parts(first_names)):
        problems.append("Le mot de passe ne doit pas contenir votre prénom.")
    if isinstance(birth_date, dt.date) and f"{birth_date.year:04d}" in normalized:
        problems.append("Le mot de passe ne doit pas contenir votre année de naissance.")
    local_part = _email_local_part(email)
    if local_part and (local_part in folded or _letters_only(local_part) in compact):
        problems.append(
            "Le mot de passe ne doit pas contenir votre adresse électronique (la partie avant le « @ »)."
        )
    return problems


def _email_local_part(email: str | None) -> str:
    if not isinstance(email, str) or "@" not in email:
        return ""
    local = _fold(email[:320].rsplit("@", 1)[0])
    return local if len(_letters_only(local)) >= _MIN_PERSONAL_PART else ""


# zxcvbn keeps the user inputs in a module-level dictionary during a call: not thread-safe.
_ZXCVBN_LOCK = threading.Lock()
_MAX_USER_INPUTS = 20
# zxcvbn's matching grows faster than linearly: measured worst cases (repetitive input) of
# 70 ms at 64 characters but 370 ms at 128. A prefix of 64 keeps each keystroke fast.
STRENGTH_INPUT_LIMIT = 64


def strength(password: object, user_inputs: Iterable[object] = ()) -> tuple[int, str]:
    """zxcvbn's score (0 to 4) and its French label, for the live meter under the field.

    Advisory only: ``check_password`` decides. Only the first STRENGTH_INPUT_LIMIT characters
    are scored, so each keystroke stays fast. ``user_inputs`` are the person's own words (names, email,
    birth year), which count as easy to guess.
    """
    if not isinstance(password, str) or not password:
        return 0, STRENGTH_LABELS[0]
    text = unicodedata.normalize("NFKC", password[: 4 * STRENGTH_INPUT_LIMIT])[:STRENGTH_INPUT_LIMIT]
    inputs: list[str] = []
    for item in user_inputs:
        if len(inputs) >= _MAX_USER_INPUTS:
            break
        if isinstance(item, str | int) and not isinstance(item, bool):
            value = str(item)[:100]
            pieces = [piece for piece in _SEPARATORS.split(_fold(value)) if piece]
            inputs.append(value)
            inputs.append("".join(pieces))  # "Martin-Dupont" is typed "martindupont" too
            inputs.extend(piece for piece in pieces if len(piece) >= _MIN_PERSONAL_PART)
    with _ZXCVBN_LOCK:
        result = zxcvbn.zxcvbn(text, user_inputs=inputs[: 5 * _MAX_USER_INPUTS], max_length=MAX_LENGTH)
    score = max(0, min(4, int(result["score"])))
    return score, STRENGTH_LABELS[score]
