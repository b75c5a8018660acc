"""services layer of the portal."""
