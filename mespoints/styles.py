"""Design tokens: the one place to change the portal's look.

A neutral public-service look of our own (no DSFR, no Marianne, no State logos).
Every text colour below has at least 4.5:1 contrast on its background (WCAG 2.1 AA).
"""

import reflex as rx

# Colours.
INK = "#1b1f24"  # body text on white: 16.1:1
MUTED = "#4a5360"  # secondary text on white: 7.6:1
PRIMARY = "#1d4f91"  # links, buttons: 8.2:1 on white
PRIMARY_HOVER = "#163d70"
PRIMARY_SOFT = "#e8f0fb"
SURFACE = "#ffffff"
BACKGROUND = "#f5f6f8"
BORDER = "#7d8796"  # form borders: 3.6:1 on white, 3.4:1 on BACKGROUND (non-text contrast)
HAIRLINE = "#d8dde4"
ERROR = "#b3261e"  # 6.4:1 on white
ERROR_SOFT = "#fdecea"
SUCCESS = "#1e6b3a"  # 6.6:1 on white
SUCCESS_SOFT = "#e7f4ec"
WARNING = "#8a4b00"  # 6.1:1 on white
WARNING_SOFT = "#fff4e0"
# Focus ring, drawn 2px outside the element: 4.4:1 on white, 4.1:1 on BACKGROUND.
FOCUS = "#c15c00"
ERROR_HOVER = "#8c1d17"

# Type and spacing.
FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif'
MAX_WIDTH = "60rem"
FORM_WIDTH = "34rem"
RADIUS = "6px"

THEME = rx.theme(accent_color="indigo", gray_color="slate", radius="medium", has_background=False)

GLOBAL_STYLE = {
    "font_family": FONT,
    "color": INK,
    "background_color": BACKGROUND,
    "line_height": "1.5",
    # A visible focus everywhere, keyboard first.
    "*:focus-visible": {"outline": f"3px solid {FOCUS}", "outline_offset": "2px"},
    # Headings and regions that only receive focus from a script (skip link, wizard step, results)
    # are announced by screen readers; a ring around a whole heading or page would only distract.
    "[tabindex='-1']:focus": {"outline": "none"},
    # :where() keeps these at the lowest specificity, so a link styled as a button keeps its colours.
    ":where(a)": {"color": PRIMARY, "text_decoration": "underline", "text_underline_offset": "2px"},
    ":where(a):hover": {"color": PRIMARY_HOVER, "text_decoration_thickness": "2px"},
    # Radix's reset removes bullets; lists in the text keep them (lists of links set their own).
    ":where(main ul)": {"list_style": "disc", "padding_left": "1.25rem", "margin": "0 0 0.75rem"},
    ":where(main ol)": {"list_style": "decimal", "padding_left": "1.25rem", "margin": "0 0 0.75rem"},
    ":where(main li)": {"margin_bottom": "0.25rem"},
    # The page the user is on, in the header and footer menus.
    ":where(header, footer) [aria-current='page']": {"text_decoration_thickness": "3px"},
}

# Shared element styles.
card = {
    "background": SURFACE,
    "border": f"1px solid {HAIRLINE}",
    "border_radius": RADIUS,
    "padding": ["1rem", "1.5rem"],
    "width": "100%",
    # Even spacing inside every card, whatever its last element brings.
    "& > :last-child": {"margin_bottom": "0"},
}
label = {"font_weight": "600", "display": "block", "margin_bottom": "0.25rem"}
hint = {"color": MUTED, "font_size": "0.9rem", "display": "block", "margin_bottom": "0.35rem"}
input_ = {
    "width": "100%",
    "padding": "0.6rem 0.75rem",
    "border": f"1px solid {BORDER}",
    "border_radius": RADIUS,
    "font_size": "1rem",
    "background": SURFACE,
    "color": INK,
    "min_height": "2.75rem",
}
input_invalid = {**input_, "border": f"2px solid {ERROR}"}
field_error = {"color": ERROR, "font_weight": "600", "margin_top": "0.3rem", "display": "block"}
button_primary = {
    "background": PRIMARY,
    "color": "#ffffff",
    "border": f"2px solid {PRIMARY}",
    "border_radius": RADIUS,
    "padding": "0.6rem 1.2rem",
    "font_weight": "600",
    "font_size": "1rem",
    "cursor": "pointer",
    "min_height": "2.75rem",
    "text_decoration": "none",
    "display": "inline-block",
    "_hover": {"background": PRIMARY_HOVER, "color": "#ffffff"},
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
    "border": f"2px solid {ERROR}",
    "_hover": {"background": ERROR_HOVER, "border_color": ERROR_HOVER, "color": "#ffffff"},
}
link_hover = {"color": PRIMARY_HOVER, "text_decoration_thickness": "2px"}
alert_error = {
    "background": ERROR_SOFT,
    "border_left": f"4px solid {ERROR}",
    "padding": "0.75rem 1rem",
    "color": INK,
}
alert_success = {**alert_error, "background": SUCCESS_SOFT, "border_left": f"4px solid {SUCCESS}"}
alert_info = {**alert_error, "background": PRIMARY_SOFT, "border_left": f"4px solid {PRIMARY}"}
alert_warning = {**alert_error, "background": WARNING_SOFT, "border_left": f"4px solid {WARNING}"}

# Dashboard: gauge and balance chart (the chart never relies on colour alone: solid vs dashed line).
GAUGE_FILL = PRIMARY
GAUGE_TRACK = HAIRLINE
CHART_HISTORY = PRIMARY  # solid line: the recorded balance
CHART_FORECAST = "#6b3a8c"  # dashed line: the forecast, 8.0:1 on white
CHART_TODAY = MUTED
CHART_GRID = HAIRLINE
TABLE_HEAD = BACKGROUND

# Read by screen readers, not shown.
visually_hidden = {
    "position": "absolute",
    "width": "1px",
    "height": "1px",
    "overflow": "hidden",
    "clip": "rect(0 0 0 0)",
    "white_space": "nowrap",
}
