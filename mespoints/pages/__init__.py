"""One module a page; importing them registers them through mespoints.template.page."""


def register_all() -> None:
    from mespoints.pages import (  # noqa: F401
        account,
        activation,
        dashboard,
        documents,
        franceconnect,
        home,
        legal,
        login,
        mailbox,
        not_found,
        notifications,
        password,
        signup,
        unavailable,
        understanding,
        verify,
    )
