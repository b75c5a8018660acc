"""Design tokens: the one place to change the portal's look.

A calm public-service look of our own (no DSFR, no Marianne, no State logos): one accent colour
(PRIMARY), the system font, no web font. Every size a designer tunes is a token here: type scale,
spacing scale, radii, borders, shadows, breakpoints, colours. Pages and components use only these
names (tests/test_design_tokens.py greps them for raw lengths and colours); the mail templates are
fed from the same tokens (light palette).

Colours come in two palettes, light and dark. Components never see a hex value: they use the CSS
custom properties below (``INK`` is ``var(--mp-ink)``), whose values follow the colour mode, so a
component looks right in both modes without knowing which one is on. The mode follows the system
(``prefers-color-scheme``) unless the visitor picks one (the « Thème » switch in the footer,
remembered in localStorage by Reflex's colour-mode provider, which puts ``light`` or ``dark`` on
<html> before the first paint). Every text/background pair is checked at WCAG 2.1 AA in both
palettes by tests/test_contrast.py.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass


@dataclass(frozen=True)
class Palette:
    """One colour mode. Field names become CSS custom properties: ``on_primary`` → ``--mp-on-primary``."""

    ink: str  # body text
    muted: str  # secondary text
    primary: str  # the one accent: links, buttons, current tab
    primary_hover: str
    primary_soft: str  # background of information notes
    on_primary: str  # text on a PRIMARY background (buttons, current tab)
    surface: str  # cards, header, footer, inputs
    background: str  # the page behind the cards
    border: str  # form borders, chart axes: non-text contrast 3:1
    hairline: str  # decorative separators (never the only cue)
    error: str
    error_hover: str
    error_soft: str
    on_error: str  # text on an ERROR background (the danger button, the unread badge)
    success: str
    success_soft: str
    warning: str
    warning_soft: str
    focus: str  # focus ring, drawn outside the element: 3:1 against the page
    chart_forecast: str  # the forecast's dashed line (the recorded one is PRIMARY)


LIGHT = Palette(
    ink="#1b1f24",
    muted="#4a5360",
    primary="#1d4f91",
    primary_hover="#163d70",
    primary_soft="#e8f0fb",
    on_primary="#ffffff",
    surface="#ffffff",
    background="#f5f6f8",
    border="#7d8796",
    hairline="#d8dde4",
    error="#b3261e",
    error_hover="#8c1d17",
    error_soft="#fdecea",
    on_error="#ffffff",
    success="#1e6b3a",
    success_soft="#e7f4ec",
    warning="#8a4b00",
    warning_soft="#fff4e0",
    focus="#c15c00",
    chart_forecast="#6b3a8c",
)

DARK = Palette(
    ink="#e6e9ed",
    muted="#aeb6c1",
    primary="#8fb8ef",
    primary_hover="#b7d1f5",
    primary_soft="#1c2a3d",
    on_primary="#0f1c2e",
    surface="#1a1e24",
    background="#121519",
    border="#7f8a99",
    hairline="#343b45",
    error="#ff9a8f",
    error_hover="#ffc1b9",
    error_soft="#3b1f1d",
    on_error="#2a0d0a",
    success="#86d3a0",
    success_soft="#16301f",
    warning="#f2b766",
    warning_soft="#33260f",
    focus="#ff9f4a",
    chart_forecast="#cfa6ec",
)


def css_name(field: str) -> str:
    """``primary_soft`` → ``--mp-primary-soft``."""
    return "--mp-" + field.replace("_", "-")


def css_vars(palette: Palette) -> dict[str, str]:
    return {css_name(field.name): getattr(palette, field.name) for field in dataclasses.fields(palette)}


def _var(field: str) -> str:
    return f"var({css_name(field)})"


# Colours, as components use them (the value follows the colour mode).
INK = _var("ink")
MUTED = _var("muted")
PRIMARY = _var("primary")
PRIMARY_HOVER = _var("primary_hover")
PRIMARY_SOFT = _var("primary_soft")
ON_PRIMARY = _var("on_primary")
SURFACE = _var("surface")
BACKGROUND = _var("background")
BORDER = _var("border")
HAIRLINE = _var("hairline")
ERROR = _var("error")
ERROR_HOVER = _var("error_hover")
ERROR_SOFT = _var("error_soft")
ON_ERROR = _var("on_error")
SUCCESS = _var("success")
SUCCESS_SOFT = _var("success_soft")
WARNING = _var("warning")
WARNING_SOFT = _var("warning_soft")
FOCUS = _var("focus")
TRANSPARENT = "transparent"

# Type: the system font stack (fastest: nothing to download), a modular scale, line heights.
FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif'
MONO = 'ui-monospace, "SFMono-Regular", "DejaVu Sans Mono", Menlo, Consolas, monospace'
TEXT_XS = "0.85rem"  # chart labels, badges
TEXT_SM = "0.9rem"  # hints, captions, file types
TEXT_MD = "1rem"  # body
TEXT_LG = "1.125rem"  # lead paragraph, small headings
TEXT_XL = "1.3rem"  # h2 on phones, service name
TEXT_2XL = "1.5rem"
TEXT_3XL = "1.9rem"  # h1 on wide screens
TEXT_DISPLAY = "3rem"  # the balance
TEXT_DISPLAY_WIDE = "3.75rem"
LEADING_TIGHT = "1.25"  # headings, the balance
LEADING_SNUG = "1.35"  # the service name, badges
LEADING_BODY = "1.5"
WEIGHT_REGULAR = "400"
WEIGHT_BOLD = "700"
WEIGHT_SEMIBOLD = "600"

# Spacing scale (a 0.25rem step; names are multiples of it).
SPACE_0 = "0"
SPACE_HALF = "0.125rem"
SPACE_1 = "0.25rem"
SPACE_1_5 = "0.375rem"
SPACE_2 = "0.5rem"
SPACE_3 = "0.75rem"
SPACE_4 = "1rem"
SPACE_5 = "1.25rem"
SPACE_6 = "1.5rem"
SPACE_7 = "1.75rem"
SPACE_8 = "2rem"


def space(*steps: str) -> str:
    """A CSS shorthand from spacing tokens: ``space(SPACE_0, SPACE_2)`` → ``"0 0.5rem"``."""
    return " ".join(steps)


# Borders, radii, shadows.
BORDER_THIN = "1px"
BORDER_THICK = "2px"
BORDER_ACCENT = "4px"  # the coloured bar on the left of notes, the header's bottom rule
FOCUS_RING = "3px"
FOCUS_OFFSET = "2px"
UNDERLINE_OFFSET = "0.15em"
UNDERLINE_HOVER = "2px"
UNDERLINE_CURRENT = "3px"
RADIUS_SM = "0.25rem"
RADIUS = "0.375rem"
RADIUS_PILL = "999px"
SHADOW_CARD = "0 1px 2px rgb(0 0 0 / 0.06)"
SHADOW_NONE = "none"


def line(width: str, colour: str, kind: str = "solid") -> str:
    """A border shorthand from tokens: ``line(BORDER_THIN, HAIRLINE)``."""
    return f"{width} {kind} {colour}"


# Widths and heights.
FULL = "100%"
HALF = "50%"
ROUND = "50%"  # border radius of a circle
VIEWPORT_HEIGHT = "100vh"
MAX_WIDTH = "60rem"  # the page's column
READING_WIDTH = "46rem"  # long texts (legal pages, « Comprendre le calcul »)
FORM_WIDTH = "34rem"
BUTTON_MAX_WIDTH = "22rem"  # a wide button (FranceConnect), the licence illustrations
GAUGE_WIDTH = "24rem"
NARROW_INPUT = "14rem"  # a date field
CARD_MIN_WIDTH = "16rem"  # the narrowest column of a grid of cards (the gallery)
PHONE_FRAME = "20rem"  # a phone-wide frame (the gallery)
TOUCH_TARGET = "2.75rem"  # 44 px: every link in a menu, button, tab, checkbox row (WCAG 2.5.5)
CONTROL_SIZE = "1.35rem"  # checkbox and radio boxes
CONTROL_LABEL_INDENT = "1.95rem"  # a hint under a radio's label lines up with the label
BAR_HEIGHT = "0.5rem"  # password strength bar
BAR_STEP_HEIGHT = "0.375rem"  # the sign-up stepper
GAUGE_HEIGHT = "1rem"
CHART_HEIGHT = "12rem"
CHART_AXIS_WIDTH = "2rem"
CHART_AXIS_HEIGHT = "1.6rem"
OFFSCREEN = "-9999px"
Z_SKIP_LINK = "10"
Z_CONNECTION_NOTICE = "5"  # the sticky notice of a lost connection; the focused skip link stays above
# The notice's height at 320 px (four lines and its padding): the focused element scrolls below it.
CONNECTION_NOTICE_CLEARANCE = "6.5rem"

# Breakpoints (Reflex's responsive lists: [phone, ≥ BREAKPOINT_SM, ≥ BREAKPOINT_MD…]).
BREAKPOINT_SM = "30em"  # 480 px: larger phones
BREAKPOINT_MD = "48em"  # 768 px: tablets; tables become real tables from here
BREAKPOINT_LG = "62em"
BREAKPOINT_XL = "80em"
BREAKPOINT_2XL = "96em"
# What Reflex's set_breakpoints takes (mespoints.py passes it in the app style).
BREAKPOINTS = (BREAKPOINT_SM, BREAKPOINT_MD, BREAKPOINT_LG, BREAKPOINT_XL, BREAKPOINT_2XL)
WIDE = f"@media screen and (min-width: {BREAKPOINT_MD})"
NARROW = f"@media screen and (max-width: calc({BREAKPOINT_MD} - 0.02px))"


CENTER_X = "translateX(-50%)"  # centres a label on its point
CENTER_Y = "translateY(-50%)"


def below_md(phone, wide) -> list:
    """A responsive value: ``phone`` under BREAKPOINT_MD, ``wide`` from it on."""
    return [phone, phone, wide]


def _rule(selector: str, declarations: dict[str, str]) -> str:
    body = ";".join(f"{name.replace('_', '-')}:{value}" for name, value in declarations.items())
    return f"{selector}{{{body}}}"


def global_css() -> str:
    """The page-wide rules, as one static stylesheet (components.layout puts it in every page).

    Colour tokens: light by default, dark under the class « dark » (on <html>, put there before the
    first paint by Reflex's colour-mode script), or when the system prefers dark and no choice was
    made. Then the few base rules Radix Themes used to give (Reflex's own reset gives the rest:
    box-sizing, margins, borders), a visible focus everywhere, links, lists in the text.
    """
    dark = {**css_vars(DARK), "color_scheme": "dark"}
    rules = [
        # A class « light » or « dark » on any element sets its subtree's palette (the gallery shows
        # both side by side); on <html> it is the visitor's choice.
        _rule(":root, .light", {**css_vars(LIGHT), "color_scheme": "light"}),
        _rule(".dark", dark),
        "@media (prefers-color-scheme: dark){" + _rule(":root:not(.light)", dark) + "}",
        _rule(
            "body",
            {
                "font_family": FONT,
                "font_size": TEXT_MD,
                "line_height": LEADING_BODY,
                "color": INK,
                "background_color": BACKGROUND,
                "margin": SPACE_0,
            },
        ),
        _rule(":where(pre, code, kbd)", {"font_family": MONO}),
        _rule(":where(img, svg)", {"max_width": FULL}),
        _rule(":where(table)", {"border_collapse": "collapse"}),
        # A visible focus everywhere, keyboard first.
        _rule(":focus-visible", {"outline": line(FOCUS_RING, FOCUS), "outline_offset": FOCUS_OFFSET}),
        # Headings and regions that only receive focus from a script (skip link, wizard step,
        # results) are announced by screen readers; a ring around a whole heading would distract.
        _rule("[tabindex='-1']:focus", {"outline": "none"}),
        # :where() keeps these at the lowest specificity: a link styled as a button keeps its colours.
        _rule(
            ":where(a)",
            {"color": PRIMARY, "text_decoration": "underline", "text_underline_offset": UNDERLINE_OFFSET},
        ),
        _rule(":where(a):hover", {"color": PRIMARY_HOVER, "text_decoration_thickness": UNDERLINE_HOVER}),
        _rule(
            ":where(main ul)",
            {"list_style": "disc", "padding_left": SPACE_5, "margin": space(SPACE_0, SPACE_0, SPACE_3)},
        ),
        _rule(
            ":where(main ol)",
            {"list_style": "decimal", "padding_left": SPACE_5, "margin": space(SPACE_0, SPACE_0, SPACE_3)},
        ),
        _rule(":where(main li)", {"margin_bottom": SPACE_1}),
        # Toasts (sonner, through rx.toast): the theme's own colours in both schemes, text in INK on
        # the soft background of its kind, as the alerts. Sonner's own light error red on pink was
        # 4.34:1 (axe-core, tests/e2e/test_axe.py).
        _rule(
            ":root [data-sonner-toaster][data-sonner-theme]",
            {
                "--normal-bg": SURFACE,
                "--normal-border": HAIRLINE,
                "--normal-text": INK,
                "--error-bg": ERROR_SOFT,
                "--error-border": ERROR,
                "--error-text": INK,
                "--success-bg": SUCCESS_SOFT,
                "--success-border": SUCCESS,
                "--success-text": INK,
                "--info-bg": PRIMARY_SOFT,
                "--info-border": PRIMARY,
                "--info-text": INK,
                "--warning-bg": WARNING_SOFT,
                "--warning-border": WARNING,
                "--warning-text": INK,
            },
        ),
        # While the sticky notice of a lost connection is shown (components/connection_notice.py),
        # the element the keyboard focuses, or a link jumps to, is scrolled clear of it.
        _rule("html:has([data-connexion='perdue'])", {"scroll_padding_top": CONNECTION_NOTICE_CLEARANCE}),
        # The page the user is on, in the header and footer menus.
        _rule(
            ":where(header, footer) [aria-current='page']", {"text_decoration_thickness": UNDERLINE_CURRENT}
        ),
    ]
    return "\n".join(rules)


# Shared element styles.
card = {
    "background": SURFACE,
    "border": line(BORDER_THIN, HAIRLINE),
    "border_radius": RADIUS,
    "box_shadow": SHADOW_CARD,
    "padding": [SPACE_4, SPACE_6],
    "width": FULL,
    # Even spacing inside every card, whatever its last element brings.
    "& > :last-child": {"margin_bottom": SPACE_0},
}
label = {"font_weight": WEIGHT_SEMIBOLD, "display": "block", "margin_bottom": SPACE_1}
hint = {"color": MUTED, "font_size": TEXT_SM, "display": "block", "margin_bottom": SPACE_1_5}
input_ = {
    "width": FULL,
    "padding": space(SPACE_2, SPACE_3),
    "border": line(BORDER_THIN, BORDER),
    "border_radius": RADIUS,
    "font_size": TEXT_MD,
    "background": SURFACE,
    "color": INK,
    "min_height": TOUCH_TARGET,
}
input_invalid = {**input_, "border": line(BORDER_THICK, ERROR)}
field_error = {"color": ERROR, "font_weight": WEIGHT_SEMIBOLD, "margin_top": SPACE_1, "display": "block"}
# A checkbox or radio and its label: the label fills a row at least 44 px high (the touch target).
choice_row = {"display": "flex", "align_items": "flex-start", "gap": SPACE_2}
choice_box = {
    "width": CONTROL_SIZE,
    "height": CONTROL_SIZE,
    "margin": space(SPACE_2, SPACE_0, SPACE_0),
    "flex_shrink": "0",
    "accent_color": PRIMARY,
    "cursor": "pointer",
}
choice_label = {
    "font_weight": WEIGHT_SEMIBOLD,
    "cursor": "pointer",
    "flex": "1",
    "min_height": TOUCH_TARGET,
    "padding": space(SPACE_2, SPACE_0),
}
button_primary = {
    "background": PRIMARY,
    "color": ON_PRIMARY,
    "border": line(BORDER_THICK, PRIMARY),
    "border_radius": RADIUS,
    "padding": space(SPACE_2, SPACE_5),
    "font_weight": WEIGHT_SEMIBOLD,
    "font_size": TEXT_MD,
    "line_height": LEADING_TIGHT,
    "cursor": "pointer",
    "min_height": TOUCH_TARGET,
    "min_width": TOUCH_TARGET,
    "text_decoration": "none",
    "display": "inline-flex",
    "align_items": "center",
    "justify_content": "center",
    "text_align": "center",
    "_hover": {"background": PRIMARY_HOVER, "border_color": PRIMARY_HOVER, "color": ON_PRIMARY},
}
button_secondary = {
    **button_primary,
    "background": SURFACE,
    "color": PRIMARY,
    "_hover": {"background": PRIMARY_SOFT, "color": PRIMARY_HOVER},
}
# For what cannot be undone (closing the account): red, and darker red on hover.
button_danger = {
    **button_primary,
    "background": ERROR,
    "color": ON_ERROR,
    "border": line(BORDER_THICK, ERROR),
    "_hover": {"background": ERROR_HOVER, "border_color": ERROR_HOVER, "color": ON_ERROR},
}


def busy_look(soft: str, outline: str) -> dict:
    """A submit button while its form is being sent (components/forms.py gives it
    aria-disabled="true"): ink on a soft background inside a dashed outline, so it reads as waiting
    without relying on colour; the same when hovered, and a waiting cursor."""
    look = {
        "background": soft,
        "color": INK,
        "border": line(BORDER_THICK, outline, "dashed"),
        "cursor": "progress",
    }
    return {"&[aria-disabled='true'], &[aria-disabled='true']:hover": look}


button_primary_busy = {**button_primary, **busy_look(PRIMARY_SOFT, PRIMARY)}
button_danger_busy = {**button_danger, **busy_look(ERROR_SOFT, ERROR)}
# Both labels of such a button (idle, busy) share one grid cell, so the button is as wide as the
# longer one whichever shows: its size never changes when it turns busy (no layout shift).
button_labels = {"display": "grid"}
button_label = {"grid_area": "1 / 1"}
link_hover = {"color": PRIMARY_HOVER, "text_decoration_thickness": UNDERLINE_HOVER}
# A link in a menu: a 44 px high target, bold.
menu_link = {
    "color": PRIMARY,
    "font_weight": WEIGHT_SEMIBOLD,
    "display": "inline-flex",
    "align_items": "center",
    "min_height": TOUCH_TARGET,
    "_hover": link_hover,
}
menu_link_regular = {**menu_link, "font_weight": WEIGHT_REGULAR}
alert_error = {
    "background": ERROR_SOFT,
    "border_left": line(BORDER_ACCENT, ERROR),
    "padding": space(SPACE_3, SPACE_4),
    "color": INK,
}
alert_success = {**alert_error, "background": SUCCESS_SOFT, "border_left": line(BORDER_ACCENT, SUCCESS)}
alert_info = {**alert_error, "background": PRIMARY_SOFT, "border_left": line(BORDER_ACCENT, PRIMARY)}
alert_warning = {**alert_error, "background": WARNING_SOFT, "border_left": line(BORDER_ACCENT, WARNING)}
# Small print under a download or a notification: muted, smaller.
small_print = {"color": MUTED, "font_size": TEXT_SM, "margin": space(SPACE_1, SPACE_0, SPACE_0)}

# Dashboard: gauge and balance chart (the chart never relies on colour alone: solid vs dashed line).
GAUGE_FILL = PRIMARY
GAUGE_TRACK = HAIRLINE
CHART_HISTORY = PRIMARY  # solid line: the recorded balance
CHART_FORECAST = _var("chart_forecast")  # dashed line: the forecast
CHART_TODAY = MUTED
CHART_GRID = HAIRLINE
TABLE_HEAD = BACKGROUND

# Read by screen readers, not shown.
visually_hidden = {
    "position": "absolute",
    "width": BORDER_THIN,
    "height": BORDER_THIN,
    "overflow": "hidden",
    "clip": "rect(0 0 0 0)",
    "white_space": "nowrap",
}


# Mail templates: inline CSS in pixels (mail clients ignore custom properties and vary on rem), from
# the same tokens, light palette (most clients force their own dark mode on light mail).
ROOT_FONT_PX = 16
MAIL_WIDTH = "35rem"


def px(length: str) -> str:
    """A rem token in pixels for mail clients: ``"1.5rem"`` → ``"24px"``; px tokens pass through."""
    if length.endswith("rem"):
        return f"{float(length[:-3]) * ROOT_FONT_PX:g}px"
    return length


def _css(**rules: str) -> str:
    return ";".join(f"{name.replace('_', '-')}:{value}" for name, value in rules.items())


MAIL_BODY = _css(
    margin=SPACE_0,
    padding=px(SPACE_6),
    background=LIGHT.background,
    color=LIGHT.ink,
    font_family=FONT.replace('"', "'"),
    font_size=px(TEXT_MD),
    line_height=LEADING_BODY,
)
MAIL_CARD = _css(
    max_width=px(MAIL_WIDTH),
    margin=f"{SPACE_0} auto",
    padding=px(SPACE_6),
    background=LIGHT.surface,
    border=line(BORDER_THIN, LIGHT.hairline),
    border_radius=px(RADIUS),
)
MAIL_BUTTON = _css(
    display="inline-block",
    padding=f"{px(SPACE_3)} {px(SPACE_5)}",
    background=LIGHT.primary,
    color=LIGHT.on_primary,
    border_radius=px(RADIUS),
    text_decoration="none",
    font_weight=WEIGHT_BOLD,
)
MAIL_SMALL = _css(color=LIGHT.muted, font_size=px(TEXT_SM))
