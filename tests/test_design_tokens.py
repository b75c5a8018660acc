"""Every size and colour a designer tunes is a token in styles.py: pages, components, the page
template and the mail templates carry no raw CSS length or colour (issue 11).

The check reads the string literals of each file (comments are not code), so a length typed in a
style, in an f-string or in a mail's inline CSS is found, with its file and line.
"""

from __future__ import annotations

import io
import re
import tokenize
from pathlib import Path

import pytest

from mespoints import styles
from mespoints.services import mail_templates

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "mespoints"
CHECKED = sorted(
    [
        *(PACKAGE / "components").glob("*.py"),
        *(PACKAGE / "pages").glob("*.py"),
        PACKAGE / "template.py",
        PACKAGE / "services" / "mail_templates.py",
    ]
)

LENGTH = re.compile(r"(?<![\w.#-])-?\d+(?:\.\d+)?(?:px|rem|em|vh|vw|vmin|vmax|ch|pt|%)(?![\w])")
HEX = re.compile(r"#(?:[0-9a-fA-F]{3,4}|[0-9a-fA-F]{6}|[0-9a-fA-F]{8})\b")
FUNCTION_COLOUR = re.compile(r"\b(?:rgba?|hsla?|hwb|lab|lch|oklab|oklch|color)\(", re.IGNORECASE)
# The CSS named colours a hand is likely to type, in a style value (a keyword argument or a dict key
# whose name says colour, background, border, fill, stroke, outline or shadow).
NAMED = [
    "white",
    "black",
    "red",
    "green",
    "blue",
    "yellow",
    "orange",
    "purple",
    "pink",
    "grey",
    "gray",
    "silver",
    "navy",
    "teal",
    "maroon",
    "olive",
    "lime",
    "aqua",
    "fuchsia",
    "brown",
    "beige",
    "ivory",
    "gold",
    "indigo",
    "violet",
    "crimson",
    "coral",
    "salmon",
    "tomato",
    "khaki",
    "lightgray",
    "lightgrey",
    "darkgray",
    "darkgrey",
    "whitesmoke",
    "gainsboro",
    "darkblue",
    "darkred",
    "darkgreen",
    "royalblue",
    "steelblue",
    "skyblue",
    "slategray",
    "slategrey",
    "dimgray",
    "dimgrey",
]
STYLE_VALUE = re.compile(
    r"""\b[\w-]*(?:color|colour|background|bg|border|fill|stroke|outline|shadow)[\w-]*["']?\s*[=:]\s*"""
    r"""[rbfRBF]{0,2}["']([^"'\n]*)["']""",
    re.IGNORECASE,
)
NAMED_COLOUR = re.compile(r"\b(?:" + "|".join(NAMED) + r")\b", re.IGNORECASE)

# Geometry of the SVG drawings (viewBox coordinates, unitless) is not a CSS length and needs no
# entry. Nothing is allowed here today; an entry needs its reason: (file name, line text) → why.
ALLOWED: dict[tuple[str, str], str] = {}


def _string_literals(source: str):
    """(line number, text) of each string literal; docstrings too (they never hold a style)."""
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type == tokenize.STRING:
            yield token.start[0], token.string


def raw_values(path: Path, root: Path = ROOT) -> list[str]:
    """Every raw length or colour in a file, as « file:line: value »."""
    source = path.read_text(encoding="utf-8")
    lines = source.splitlines()
    found = []
    for number, literal in _string_literals(source):
        hits = [m.group(0) for pattern in (LENGTH, HEX, FUNCTION_COLOUR) for m in pattern.finditer(literal)]
        if (path.name, lines[number - 1].strip()) in ALLOWED:
            continue
        found += [f"{path.relative_to(root)}:{number}: {hit}" for hit in hits]
    # Named colours: in the code around the literals (keyword arguments, dict keys).
    for number, text in enumerate(lines, start=1):
        for match in STYLE_VALUE.finditer(text):
            for colour in NAMED_COLOUR.findall(match.group(1)):
                found.append(f"{path.relative_to(root)}:{number}: {colour}")
    return found


def check_line(folder: Path, line: str) -> list[str]:
    """What the check finds in a one-line module."""
    module = folder / "module.py"
    module.write_text(line + "\n")
    return raw_values(module, root=folder)


def test_the_checked_files_exist():
    assert len(CHECKED) > 20
    assert all(path.exists() for path in CHECKED)


def test_no_page_component_or_mail_template_carries_a_raw_length_or_colour():
    found = [hit for path in CHECKED for hit in raw_values(path)]
    assert not found, "raw CSS values outside styles.py (use a token):\n" + "\n".join(found)


@pytest.mark.parametrize(
    "line",
    [
        'padding="0.5rem 1rem"',
        'x = {"margin": "0 0 12px"}',
        'width="100%"',
        'height="100vh"',
        'border=f"1px solid {styles.BORDER}"',
        'color="#1b1f24"',
        'background="#fff"',
        'style="color:#3a3a3a"',
        'box_shadow="0 1px 2px rgba(0,0,0,.2)"',
        'color="white"',
        'background_color="Navy"',
        '"border": "2px solid red"',
    ],
)
def test_the_check_finds_raw_values(tmp_path, line):
    assert check_line(tmp_path, line), line


@pytest.mark.parametrize(
    "line",
    [
        "padding=styles.space(styles.SPACE_2, styles.SPACE_4)",
        'text = "Un retrait de 50 % : voir la section #r1"',
        'href=f"#{MAIN_ID}"',
        'label = "Format 3 volets (cartonné)"',
        "color=styles.INK",
        'view_box="0 0 100 40"',
        "# a comment may say 1rem or #fff",
    ],
)
def test_the_check_leaves_tokens_and_french_text_alone(tmp_path, line):
    assert check_line(tmp_path, line) == [], line


def test_components_see_colours_as_custom_properties_whatever_the_mode():
    for name in ("INK", "MUTED", "PRIMARY", "SURFACE", "BACKGROUND", "BORDER", "ERROR", "FOCUS"):
        assert getattr(styles, name).startswith("var(--mp-"), name


def test_both_palettes_define_every_colour_as_a_hex_value():
    for palette in (styles.LIGHT, styles.DARK):
        values = styles.css_vars(palette)
        assert values, palette
        assert all(HEX.fullmatch(value) for value in values.values()), values


def test_the_global_stylesheet_declares_both_palettes_and_follows_the_system():
    css = styles.global_css()
    assert f":root, .light{{--mp-ink:{styles.LIGHT.ink};" in css
    assert f".dark{{--mp-ink:{styles.DARK.ink};" in css
    assert f"@media (prefers-color-scheme: dark){{:root:not(.light){{--mp-ink:{styles.DARK.ink};" in css
    assert "body{font-family:system-ui" in css


def test_the_mail_templates_take_their_colours_and_sizes_from_the_light_palette():
    message = mail_templates.password_reset(first_name="Julie", link="https://mespoints.exemple.fr/lien")
    assert f"background:{styles.LIGHT.primary};color:{styles.LIGHT.on_primary}" in message.html
    assert f"color:{styles.LIGHT.ink}" in message.html
    assert f"font-size:{styles.px(styles.TEXT_MD)}" in message.html
    assert styles.px("1.5rem") == "24px"
    assert styles.px(styles.BORDER_THIN) == "1px"


# Radix Themes' components and rx.link (a Radix link around React Router's) are gone from the portal.
RADIX_THEMES_CALLS = re.compile(
    r"\brx\.(?:link|text|heading|box|flex|vstack|hstack|grid|container|section|card|button|badge|"
    r"callout|table|theme|color_mode|icon_button|separator|checkbox|radio|select|switch)\("
)


def test_the_portal_is_built_without_radix_themes():
    from reflex.plugins import RadixThemesPlugin

    import rxconfig

    assert not any(isinstance(plugin, RadixThemesPlugin) for plugin in rxconfig.config.plugins)
    assert rxconfig.config.default_color_mode == "system"
    found = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in sorted(PACKAGE.rglob("*.py"))
        for number, text in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if RADIX_THEMES_CALLS.search(text)
    ]
    assert not found, found
