"""`make bench`: every benchmark, one after the other, each printing its figures."""

import subprocess
import sys

BENCHES = (
    "bench.bench_import",
    "bench.bench_engine",
    "bench.bench_dashboard",
    "bench.bench_accounts",
    "bench.bench_load",  # also `make load` on its own
)


def main() -> int:
    failures = 0
    for module in BENCHES:
        print(f"\n=== {module} ===", flush=True)
        failures += subprocess.call([sys.executable, "-m", module]) != 0
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
