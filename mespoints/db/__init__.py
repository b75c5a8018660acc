"""db layer of the portal."""
