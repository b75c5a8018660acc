"""Rebuilds common_passwords.txt from its sources (run by hand, offline; see README.md).

    .venv/bin/python mespoints/domain/data/build_common_passwords.py

Sources, merged: zxcvbn's "passwords" frequency list (30,000 entries, as shipped in the
zxcvbn PyPI package) and french_extra.txt (French passwords, words and names written by
hand for this project, and the portal's own words).
Each entry is folded like the policy compares (NFKC, then case-folded); duplicates dropped.
"""

from __future__ import annotations

import unicodedata
from pathlib import Path

from zxcvbn.frequency_lists import FREQUENCY_LISTS

HERE = Path(__file__).resolve().parent


def fold(entry: str) -> str:
    return unicodedata.normalize("NFKC", entry).casefold().strip()


def main() -> None:
    entries: list[str] = list(FREQUENCY_LISTS["passwords"])
    entries += (HERE / "french_extra.txt").read_text(encoding="utf-8").splitlines()
    folded = sorted({fold(entry) for entry in entries} - {""})
    (HERE / "common_passwords.txt").write_text("\n".join(folded) + "\n", encoding="utf-8")
    print(f"{len(folded)} entries")


if __name__ == "__main__":
    main()
