"""The page decorator: every page gets the shared layout, a French title and its on_load."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

import reflex as rx

from mespoints.components.layout import SERVICE_NAME, layout


@dataclasses.dataclass(frozen=True)
class Page:
    route: str
    title: str
    component: Callable[[], rx.Component]
    on_load: Any = None


PAGES: list[Page] = []


def page(
    *, route: str, title: str, on_load: Any = None, private: bool = False
) -> Callable[[Callable[[], rx.Component]], Callable[[], rx.Component]]:
    """Register a page module's function; its body holds only the page's own content."""

    def decorator(content: Callable[[], rx.Component]) -> Callable[[], rx.Component]:
        def wrapped() -> rx.Component:
            return layout(content(), private=private)

        wrapped.__name__ = content.__name__
        PAGES.append(Page(route=route, title=f"{title} – {SERVICE_NAME}", component=wrapped, on_load=on_load))
        return content

    return decorator
