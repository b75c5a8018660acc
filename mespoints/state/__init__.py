"""state layer of the portal."""
