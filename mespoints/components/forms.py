"""Form pieces: every field has a visible label tied to it, its hint, and its error next to it."""

from __future__ import annotations

from typing import Any

import reflex as rx

from mespoints import styles
from mespoints.components.text import fr


def _has_error(error: rx.Var) -> rx.Var:
    return error.to(str) != ""


def field_error(name: str, error: rx.Var) -> rx.Component:
    # Always rendered (empty when fine) so aria-describedby always points at a real element.
    return rx.el.p(
        error, id=f"{name}-erreur", style=styles.field_error, role=rx.cond(_has_error(error), "alert", "")
    )


def input_field(
    name: str,
    label: str,
    *,
    error: rx.Var,
    value: rx.Var | str = "",
    type_: str = "text",
    hint: str | rx.Var | None = None,
    autocomplete: str | None = None,
    **input_props: Any,
) -> rx.Component:
    """A labelled input. `value` is the initial value (uncontrolled: the browser keeps what is typed)."""
    described = f"{name}-aide {name}-erreur" if hint is not None else f"{name}-erreur"
    return rx.el.div(
        rx.el.label(label, html_for=name, style=styles.label),
        rx.el.span(fr(hint) if isinstance(hint, str) else hint, id=f"{name}-aide", style=styles.hint)
        if hint is not None
        else rx.fragment(),
        rx.el.input(
            id=name,
            name=name,
            type=type_,
            default_value=value,
            auto_complete=autocomplete,
            aria_describedby=described,
            aria_invalid=rx.cond(_has_error(error), "true", "false"),
            style=styles.input_,
            border=rx.cond(
                _has_error(error),
                styles.line(styles.BORDER_THICK, styles.ERROR),
                styles.line(styles.BORDER_THIN, styles.BORDER),
            ),
            **input_props,
        ),
        field_error(name, error),
        margin_bottom=styles.SPACE_4,
    )


def checkbox_field(
    name: str, label: str, *, error: rx.Var, checked: rx.Var | bool = False, **input_props: Any
):
    """A checkbox with its label beside it and its error below (same ids as input_field)."""
    return rx.el.div(
        rx.el.div(
            rx.el.input(
                type="checkbox",
                id=name,
                name=name,
                default_checked=checked,
                aria_describedby=f"{name}-erreur",
                aria_invalid=rx.cond(_has_error(error), "true", "false"),
                style=styles.choice_box,
                **input_props,
            ),
            rx.el.label(label, html_for=name, style=styles.choice_label),
            style=styles.choice_row,
        ),
        field_error(name, error),
        margin_bottom=styles.SPACE_4,
    )


def submit_button(text: str, **props: Any) -> rx.Component:
    return rx.el.button(text, type="submit", style=styles.button_primary, **props)


def danger_button(text: str, **props: Any) -> rx.Component:
    """The submit button of an action that cannot be undone."""
    return rx.el.button(text, type="submit", style=styles.button_danger, **props)


def secondary_button(text: str, **props: Any) -> rx.Component:
    return rx.el.button(text, type="button", style=styles.button_secondary, **props)


def form_alert(message: rx.Var, kind: str = "error") -> rx.Component:
    """A message about the whole form, announced to screen readers."""
    style = {"error": styles.alert_error, "success": styles.alert_success, "info": styles.alert_info}[kind]
    return rx.cond(
        message.to(str) != "",
        rx.el.div(message, role="alert", style=style, margin_bottom=styles.SPACE_4),
        rx.fragment(),
    )
