"""Form pieces: every field has a visible label tied to it, its hint, and its error next to it."""

from __future__ import annotations

from typing import Any

import reflex as rx
from reflex_base.constants import EventTriggers
from reflex_base.event import EventChain
from reflex_base.vars.base import LiteralVar
from reflex_base.vars.function import ArgsFunctionOperation
from reflex_components_core.el.elements.forms import Form

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


def _button(
    text: str | rx.Var, style: dict, busy: rx.Var | bool | None, busy_text: str | rx.Var, **props: Any
) -> rx.Component:
    if busy is None:
        return rx.el.button(text, type="submit", style=style, **props)
    busy = rx.Var.create(busy)

    def label(content: str | rx.Var, shown: rx.Var) -> rx.Component:
        # visibility (not display): the hidden label still sizes the button, and is left out of
        # its accessible name, which stays the visible text (WCAG 2.5.3).
        return rx.el.span(content, style=styles.button_label, visibility=rx.cond(shown, "visible", "hidden"))

    return rx.fragment(
        rx.el.button(
            rx.el.span(label(text, ~busy), label(busy_text, busy), style=styles.button_labels),
            type="submit",
            # Not `disabled`: a disabled button loses the keyboard focus (WCAG 2.4.3, 2.4.7).
            aria_disabled=rx.cond(busy, "true", None),
            style=style,
            **props,
        ),
        # Said once by screen readers when the sending starts (the button's new text is not).
        rx.el.span(rx.cond(busy, busy_text, ""), role="status", style=styles.visually_hidden),
    )


def submit_button(
    text: str | rx.Var, *, busy: rx.Var | bool | None = None, busy_text: str | rx.Var = "", **props: Any
) -> rx.Component:
    """The form's main button. With `busy` (the state's `submitting`, see busy_form), it says
    `busy_text` and is aria-disabled while the form is being sent, at the same size."""
    return _button(
        text,
        styles.button_primary_busy if busy is not None else styles.button_primary,
        busy,
        busy_text,
        **props,
    )


def danger_button(
    text: str, *, busy: rx.Var | bool | None = None, busy_text: str | rx.Var = "", **props: Any
) -> rx.Component:
    """The submit button of an action that cannot be undone (`busy` as for submit_button)."""
    return _button(
        text,
        styles.button_danger_busy if busy is not None else styles.button_danger,
        busy,
        busy_text,
        **props,
    )


def busy_form(*children: rx.Component, on_submit: Any, busy: rx.Var, **props: Any) -> rx.Component:
    """A form whose server work is slow (argon2, zxcvbn: state/guard.py): aria-busy while `busy`,
    and a submit meanwhile (click, Enter) sends no event; the state would ignore it anyway."""
    return rx.el.form(
        *children,
        on_submit=_while_idle(on_submit, busy),
        aria_busy=rx.cond(busy, "true", "false"),
        **props,
    )


def _while_idle(handler: Any, busy: rx.Var) -> rx.Var:
    """The form's submit chain, run in the browser only while `busy` is false (a ternary compiled
    into the page: no eval, nothing sent while busy)."""
    chain = EventChain.create(
        handler, args_spec=Form.get_event_triggers()[EventTriggers.ON_SUBMIT], key="on_submit"
    )
    do_nothing = ArgsFunctionOperation.create((), LiteralVar.create(None))
    return rx.cond(busy, do_nothing, LiteralVar.create(chain)).to(EventChain)


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
