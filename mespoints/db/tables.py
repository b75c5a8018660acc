"""Imports every table module so SQLModel.metadata knows the whole schema."""

from mespoints.db import national_file  # noqa: F401
from mespoints.db import mail  # noqa: F401
from mespoints.db import accounts  # noqa: F401
