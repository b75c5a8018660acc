"""Imports every table module so SQLModel.metadata knows the whole schema."""

from mespoints.db import (
    accounts,  # noqa: F401
    alerts,  # noqa: F401
    mail,  # noqa: F401
    national_file,  # noqa: F401
)
