"""Licence numbers and holder names as the national file and the sign-up compare them."""

from __future__ import annotations

import re
import unicodedata

# interfaces.md section 4: 5 to 19 letters and digits once spaces are removed, upper case.
LICENCE_NUMBER_MIN_LENGTH = 5
LICENCE_NUMBER_MAX_LENGTH = 19
_LICENCE_NUMBER = re.compile(r"[A-Z0-9]{5,19}")
_SPACES = re.compile(r"\s+")

# Hyphens and apostrophes (straight, typographic, dashes) separate words like spaces do.
_SEPARATORS = str.maketrans(dict.fromkeys("-‐‑‒–—'’‘`´", " "))
# Ligatures that Unicode decomposition keeps as one letter.
_LIGATURES = str.maketrans({"œ": "oe", "Œ": "OE", "æ": "ae", "Æ": "AE"})


def normalize_licence_number(raw: str) -> str | None:
    """The licence number in its stored form (no spaces, upper case), or None if it cannot be one."""
    if not isinstance(raw, str):
        return None
    candidate = _SPACES.sub("", raw).upper()
    # fullmatch on [A-Z0-9] keeps out non-ASCII letters and digits that str.isalnum() would accept.
    if _LICENCE_NUMBER.fullmatch(candidate) is None:
        return None
    return candidate


def normalize_name(name: str) -> str:
    """A name reduced for identity matching: no case, accents, hyphens, apostrophes or extra spaces.

    « Martin-Démo », « MARTIN DEMO » and «  martin   démo » all give "MARTIN DEMO".
    """
    decomposed = unicodedata.normalize("NFKD", name.translate(_LIGATURES))
    without_accents = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(without_accents.translate(_SEPARATORS).upper().split())
