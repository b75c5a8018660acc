"""Every text/background pair the portal draws meets WCAG 2.1 AA in both colour modes.

The palettes are read from styles.py; relative luminance and contrast ratio are computed here from
the WCAG 2.1 definitions (1.4.3: 4.5:1 for text, 1.4.11: 3:1 for the focus ring, form borders and
the chart's lines), so a token changed to a poor value fails here with the pair and its ratio.
"""

from __future__ import annotations

import dataclasses

import pytest

from mespoints import styles

TEXT = 4.5  # WCAG 1.4.3, normal text
NON_TEXT = 3.0  # WCAG 1.4.11, user interface components and graphical objects

# (foreground, background, minimum, where it is seen)
PAIRS = [
    *[
        (text, back, TEXT, "text")
        for text in ("ink", "muted", "primary", "primary_hover", "error", "success", "warning")
        for back in ("surface", "background")
    ],
    # Notes: text in ink on their soft backgrounds; the links inside them in primary.
    *[("ink", soft, TEXT, "note") for soft in ("primary_soft", "error_soft", "success_soft", "warning_soft")],
    *[
        ("primary", soft, TEXT, "link in a note")
        for soft in ("primary_soft", "error_soft", "success_soft", "warning_soft")
    ],
    ("muted", "primary_soft", TEXT, "hint in an information note"),
    ("error", "error_soft", TEXT, "error text in an error note"),
    ("success", "success_soft", TEXT, "success text in a success note"),
    ("warning", "warning_soft", TEXT, "warning text in a warning note"),
    ("ink", "primary_soft", TEXT, "text on a hovered secondary button"),
    ("primary_hover", "primary_soft", TEXT, "secondary button hovered"),
    # Buttons, the current tab, the pressed theme button, the unread badge.
    ("on_primary", "primary", TEXT, "primary button, current tab"),
    ("on_primary", "primary_hover", TEXT, "primary button hovered"),
    ("on_error", "error", TEXT, "danger button, unread badge"),
    ("on_error", "error_hover", TEXT, "danger button hovered"),
    # A submit button while its form is being sent (styles.busy_look): ink on a soft background.
    ("ink", "primary_soft", TEXT, "button being sent"),
    ("ink", "error_soft", TEXT, "danger button being sent"),
    # Non-text: the focus ring against what surrounds it, form borders, the chart's lines and the gauge.
    *[("focus", back, NON_TEXT, "focus ring") for back in ("surface", "background", "primary_soft")],
    *[("border", back, NON_TEXT, "form border, chart axis") for back in ("surface", "background")],
    *[
        ("primary", back, NON_TEXT, "recorded balance line, gauge fill, button outline")
        for back in ("surface", "background")
    ],
    ("chart_forecast", "surface", NON_TEXT, "forecast line"),
    ("chart_forecast", "surface", TEXT, "forecast line (also read as its legend's swatch)"),
    ("error", "surface", NON_TEXT, "invalid field's border, dashed outline of a danger button being sent"),
]

PALETTES = {"clair": styles.LIGHT, "sombre": styles.DARK}


def relative_luminance(colour: str) -> float:
    """WCAG 2.1 relative luminance of a ``#rrggbb`` colour."""
    value = colour.lstrip("#")
    assert len(value) == 6, colour
    channels = [int(value[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(first: str, second: str) -> float:
    lighter, darker = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def test_the_contrast_formula_matches_known_values():
    assert contrast("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast("#ffffff", "#ffffff") == pytest.approx(1.0)
    assert contrast("#767676", "#ffffff") == pytest.approx(4.54, abs=0.01)  # the classic AA grey
    assert contrast("#777777", "#ffffff") < TEXT


def failures(palette: styles.Palette, mode: str) -> list[str]:
    found = []
    for foreground, background, minimum, where in PAIRS:
        ratio = contrast(getattr(palette, foreground), getattr(palette, background))
        if ratio < minimum:
            found.append(f"{mode}: {foreground} on {background} ({where}) = {ratio:.2f}:1 < {minimum}:1")
    return found


@pytest.mark.parametrize("mode", PALETTES)
def test_every_text_and_background_pair_meets_wcag_aa(mode):
    found = failures(PALETTES[mode], mode)
    assert not found, "\n".join(found)


def test_the_pairs_name_every_colour_of_the_palettes():
    named = {name for foreground, background, _, _ in PAIRS for name in (foreground, background)}
    fields = {field.name for field in dataclasses.fields(styles.Palette)}
    # The hairline is decorative: never the only cue, so it has no minimum.
    assert fields - named == {"hairline"}
    assert named <= fields


@pytest.mark.parametrize(
    ("mode", "field", "poor"),
    [("clair", "muted", "#9aa3ad"), ("sombre", "primary", "#4a6fa5"), ("sombre", "focus", "#5a3a1a")],
)
def test_a_poor_token_fails_the_check(mode, field, poor):
    palette = dataclasses.replace(PALETTES[mode], **{field: poor})
    assert any(f"{field} on" in line or f"on {field}" in line for line in failures(palette, mode))


def test_the_two_modes_differ():
    assert relative_luminance(styles.DARK.background) < relative_luminance(styles.LIGHT.background)
    assert relative_luminance(styles.DARK.ink) > relative_luminance(styles.LIGHT.ink)
