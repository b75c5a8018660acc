"""`python -m mespoints …`: the command line (mespoints.cli)."""

from mespoints.cli import main

raise SystemExit(main())
