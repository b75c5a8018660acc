"""domain layer of the portal."""
