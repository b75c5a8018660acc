"""The portal's production back end without its front end, for the load generator.

    .venv/bin/python -m bench.load_server PORT

What `reflex run --env prod` starts once the front end is built: granian serving the app
(GRANIAN_WORKERS workers, state in Redis with REFLEX_REDIS_URL), compile skipped. The generator
speaks Socket.IO and HTTP only, so the exported pages are not needed; `reflex run --backend-only`
cannot be used because rxconfig.py sets a front-end port, which it refuses.
"""

from __future__ import annotations

import sys

from reflex_base import constants
from reflex_base.environment import environment


def main(port: int) -> None:
    environment.REFLEX_ENV_MODE.set(constants.Env.PROD)
    environment.REFLEX_SKIP_COMPILE.set(True)
    from reflex.utils import exec as reflex_exec

    reflex_exec.run_backend_prod("127.0.0.1", port, constants.LogLevel.WARNING, False)


if __name__ == "__main__":
    main(int(sys.argv[1]))
