"""The two formats of a French driving licence: the one source for the feed, the sign-up and accounts."""

from __future__ import annotations

# interfaces.md section 4 (feed) and section 6 (the sign-up's radio buttons, labels word for word).
LICENCE_FORMATS: tuple[str, ...] = ("card", "three_part")
LICENCE_FORMAT_LABELS: dict[str, str] = {
    "card": "Format européen (carte de crédit)",
    "three_part": "Format 3 volets (cartonné)",
}
