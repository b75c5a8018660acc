"""The shape of the code (docs/style: data flows one way), checked on every run."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "mespoints"


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


@pytest.mark.parametrize(
    ("folder", "forbidden"), [("pages", "mespoints.services"), ("state", "mespoints.components")]
)
def test_no_module_of_a_layer_imports_the_layer_it_must_not_know(folder: str, forbidden: str) -> None:
    offenders = {
        path.name: sorted(name for name in imported_modules(path) if name.startswith(forbidden))
        for path in sorted((PACKAGE / folder).glob("*.py"))
    }
    assert {name: found for name, found in offenders.items() if found} == {}


def test_accounts_is_a_package_of_use_case_modules() -> None:
    assert not (PACKAGE / "services" / "accounts.py").exists()
    modules = {path.stem for path in (PACKAGE / "services" / "accounts").glob("*.py")}
    assert {
        "tokens",
        "signup",
        "activation",
        "login",
        "password_reset",
        "account_changes",
        "housekeeping",
    } <= modules


def test_the_domain_imports_neither_reflex_nor_the_database() -> None:
    for path in (PACKAGE / "domain").glob("*.py"):
        names = imported_modules(path)
        assert not any(name.split(".")[0] in {"reflex", "sqlmodel", "sqlalchemy"} for name in names), (
            path.name
        )
