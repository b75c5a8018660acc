"""components layer of the portal."""
