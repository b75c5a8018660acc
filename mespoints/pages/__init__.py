"""One module a page; importing them registers them through mespoints.template.page."""


def register_all() -> None:
    from mespoints.pages import account, activation, dashboard, home, legal, login, mailbox, password, signup  # noqa: F401
