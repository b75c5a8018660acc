"""pages layer of the portal."""
