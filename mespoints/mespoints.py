"""Builds the app: theme, pages, HTTP routes; nothing else."""

import reflex as rx


def index() -> rx.Component:
    return rx.text("Mes Points Permis")


app = rx.App()
app.add_page(index, route="/")
