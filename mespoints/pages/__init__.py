"""One module a page; importing them registers them through mespoints.template.page."""


def register_all() -> None:
    from mespoints.pages import home, legal, login, signup  # noqa: F401
