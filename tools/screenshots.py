"""`make screenshots` and `make visual`: every page at 375 and 1280 px, and what a change touched.

`make screenshots` starts the production build once (as the browser tests do: its own database,
the demo national file, the fixed day of tests/e2e, MESPOINTS_GALLERY=1 for /atelier), logs in with
a demo account for the private pages, and writes full-page PNGs named `<page>-<width>.png` into
docs/screenshots/. `make visual` takes the same screenshots into a temporary folder, compares them
with docs/screenshots/ pixel by pixel (a small tolerance), prints which pages changed and by how
much, writes the differences as images, and exits 1 when anything changed.

Deterministic: fixed day, fixed demo data, no animation, transition or caret, fonts loaded, each
page's data arrived before the shot.
"""

from __future__ import annotations

import argparse
import contextlib
import re
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from aiosmtpd.controller import Controller
from PIL import Image, ImageChops

from mespoints import routes
from mespoints.services.demo import DEMO_ACCOUNTS
from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS, ROOT, Mailbox, free_port, running_portal
from tests.e2e.test_accessibility import HOLDER, PRIVATE_PAGES, PUBLIC_PAGES, log_in

SCREENSHOTS = ROOT / "docs" / "screenshots"
# The production build's own folder, kept between runs (bun installs from its cache, the database
# is made again each time).
BUILD_DIR = ROOT / "data" / "screenshots-build"
WIDTHS = (375, 1280)
HEIGHTS = {375: 812, 1280: 800}
# A pixel counts as changed when a channel moves by more than this (antialiasing noise stays under).
CHANNEL_TOLERANCE = 24
# A page counts as changed when more than this share of its pixels changed.
CHANGED_SHARE = 0.0005
# Still pages: no animation, no transition, no blinking caret, no smooth scrolling.
STILL_CSS = """*, *::before, *::after {
  animation: none !important; transition: none !important; caret-color: transparent !important;
  scroll-behavior: auto !important;
}"""
# Fonts loaded, and every image too (lazy ones below the fold are made eager first).
READY_JS = """async () => {
  await document.fonts.ready;
  const images = [...document.images];
  images.forEach(img => { img.loading = 'eager'; });
  await Promise.all(images.map(img => img.complete ? null : new Promise(done => {
    img.addEventListener('load', done); img.addEventListener('error', done);
  })));
  return document.readyState === 'complete';
}"""
SIGNUP_ANSWERS: dict[int, Callable] = {
    1: lambda tab: (
        tab.get_by_label("Nom", exact=True).fill(HOLDER["last_name"]),
        tab.get_by_label("Prénom(s)").fill(HOLDER["first_names"]),
        tab.get_by_label("Date de naissance").fill(HOLDER["birth_date"]),
    ),
    2: lambda tab: tab.get_by_label("Adresse électronique").fill("francois-xavier@exemple.fr"),
    3: lambda tab: (
        tab.get_by_label("Mot de passe", exact=True).fill("Lanterne-Moineau-Falaise-31"),
        tab.get_by_label("Confirmation du mot de passe").fill("Lanterne-Moineau-Falaise-31"),
    ),
    4: lambda tab: tab.get_by_label("Format 3 volets (cartonné)").check(),
    5: lambda tab: tab.get_by_label("Numéro de permis").fill(HOLDER["number"]),
}
LAST_SIGNUP_STEP = 6


def slug(path: str) -> str:
    """`/mot-de-passe/nouveau?jeton=inconnu` → `mot-de-passe-nouveau-jeton-inconnu`; `/` → `accueil`."""
    words = re.sub(r"[^a-z0-9]+", "-", path.lower()).strip("-")
    return words or "accueil"


@dataclass
class Shot:
    name: str
    width: int


def _settle(tab) -> None:
    tab.wait_for_load_state("networkidle")
    tab.wait_for_function(READY_JS)
    tab.add_style_tag(content=STILL_CSS)
    tab.evaluate(
        "() => document.activeElement && document.activeElement.blur && document.activeElement.blur()"
    )
    tab.mouse.move(0, 0)
    # Two frames, so the style just added is painted.
    tab.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")


def _save(tab, folder: Path, name: str, width: int) -> Shot:
    _settle(tab)
    png = folder / f"{name}-{width}.png"
    tab.screenshot(path=str(png), full_page=True, animations="disabled", caret="hide")
    # 256 colours without dithering: a few times smaller, and stable from run to run.
    with Image.open(png) as image:
        small = image.convert("RGB").quantize(
            colors=256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE
        )
    small.save(png, optimize=True)
    return Shot(name, width)


def capture(url: str, folder: Path, only: str | None = None) -> list[Shot]:
    """Every page at each width, into `folder`; `only` keeps the pages whose name contains it."""
    from playwright.sync_api import expect, sync_playwright

    shots: list[Shot] = []
    wanted = (lambda name: only in name) if only else (lambda name: True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for width in WIDTHS:
            context = browser.new_context(
                base_url=url,
                locale="fr-FR",
                timezone_id="Europe/Paris",
                viewport={"width": width, "height": HEIGHTS[width]},
                device_scale_factor=1,
                reduced_motion="reduce",
                color_scheme="light",
                # The injected stillness style must pass whatever Content-Security-Policy says.
                bypass_csp=True,
            )
            context.set_default_timeout(30_000)
            tab = context.new_page()
            for path in [*PUBLIC_PAGES, routes.GALLERY]:
                if wanted(slug(path)):
                    tab.goto(path)
                    expect(tab.get_by_role("heading", level=1)).to_have_count(1)
                    shots.append(_save(tab, folder, slug(path), width))
            if any(wanted(f"inscription-etape-{step}") for step in range(1, LAST_SIGNUP_STEP + 1)):
                tab.goto(routes.SIGNUP)
                for step in range(1, LAST_SIGNUP_STEP + 1):
                    expect(tab.get_by_text(f"Étape {step} sur {LAST_SIGNUP_STEP}")).to_be_visible()
                    if wanted(f"inscription-etape-{step}"):
                        shots.append(_save(tab, folder, f"inscription-etape-{step}", width))
                    if step in SIGNUP_ANSWERS:
                        SIGNUP_ANSWERS[step](tab)
                        tab.get_by_role("button", name="Suivant").click()
            if any(wanted(slug(path)) for path in PRIVATE_PAGES):
                log_in(tab, DEMO_ACCOUNTS[0])
                for path, loaded in PRIVATE_PAGES.items():
                    if wanted(slug(path)):
                        tab.goto(path)
                        expect(tab.get_by_role("heading", name=loaded)).to_be_visible()
                        shots.append(_save(tab, folder, slug(path), width))
            context.close()
        browser.close()
    return shots


@contextlib.contextmanager
def production_portal(build_dir: Path, name: str, **extra_env: str) -> Iterator[str]:
    """The production build on a free port, built in `build_dir` (kept: bun installs from its
    cache), its database made afresh; as the browser tests start it (fixed day, demo data)."""
    build_dir.mkdir(parents=True, exist_ok=True)
    for database in build_dir.glob("portal.db*"):
        database.unlink()
    controller = Controller(Mailbox(), hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        started = time.monotonic()
        print("Construction du site de production (1 à 4 minutes)…", flush=True)
        with running_portal(build_dir, (controller.handler, controller.port), name, **extra_env) as running:
            print(f"Portail prêt en {time.monotonic() - started:.0f} s sur {running.url}", flush=True)
            yield running.url
    finally:
        controller.stop()


@dataclass
class Difference:
    name: str
    share: float  # of the pixels that changed beyond the tolerance
    note: str = ""
    identical: bool = False  # to the pixel

    @property
    def changed(self) -> bool:
        return bool(self.note) or self.share > CHANGED_SHARE


def compare(reference: Path, current: Path, diffs: Path) -> list[Difference]:
    """Every page, with its share of changed pixels; one that changed beyond the tolerance,
    appeared or disappeared is `changed`, and its difference image is written into `diffs`."""
    found: list[Difference] = []
    references = {png.name for png in reference.glob("*.png")}
    currents = {png.name for png in current.glob("*.png")}
    for name in sorted(references | currents):
        if name not in currents:
            found.append(Difference(name, 1.0, "disparue"))
            continue
        if name not in references:
            found.append(Difference(name, 1.0, "nouvelle"))
            continue
        with Image.open(reference / name) as before_file, Image.open(current / name) as after_file:
            before, after = before_file.convert("RGB"), after_file.convert("RGB")
        note = "" if before.size == after.size else f"taille {before.size} → {after.size}"
        size = (max(before.width, after.width), max(before.height, after.height))
        canvas_before, canvas_after = Image.new("RGB", size, "white"), Image.new("RGB", size, "white")
        canvas_before.paste(before)
        canvas_after.paste(after)
        # A pixel changed when one of its channels moved by more than the tolerance.
        delta = ImageChops.difference(canvas_before, canvas_after).convert("L")
        mask = delta.point(lambda value: 255 if value > CHANNEL_TOLERANCE else 0)
        changed = mask.histogram()[255]
        share = changed / (size[0] * size[1])
        found.append(Difference(name, share, note, identical=not note and delta.getbbox() is None))
        if found[-1].changed:
            diffs.mkdir(parents=True, exist_ok=True)
            # The new page, faded, with what changed in red.
            faded = Image.blend(canvas_after, Image.new("RGB", size, "white"), 0.7)
            faded.paste(Image.new("RGB", size, (220, 0, 0)), mask=mask)
            faded.save(diffs / name, optimize=True)
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--compare", action="store_true", help="make visual: compare with docs/screenshots/")
    parser.add_argument("--only", help="only the pages whose name contains this text")
    parser.add_argument("--out", type=Path, default=SCREENSHOTS, help="where the PNGs go (make screenshots)")
    parser.add_argument(
        "--diffs", type=Path, default=ROOT / "test-artifacts" / "visual", help="difference images"
    )
    args = parser.parse_args(argv)

    started = time.monotonic()
    if not args.compare:
        args.out.mkdir(parents=True, exist_ok=True)
        if not args.only:
            for old in args.out.glob("*.png"):
                old.unlink()
        with production_portal(BUILD_DIR, "screenshots", MESPOINTS_GALLERY="1") as url:
            shots = capture(url, args.out, args.only)
        print(f"{len(shots)} captures dans {args.out} en {time.monotonic() - started:.0f} s.")
        return 0

    with (
        tempfile.TemporaryDirectory(prefix="mespoints-visual-") as folder,
        production_portal(BUILD_DIR, "screenshots", MESPOINTS_GALLERY="1") as url,
    ):
        current = Path(folder)
        shots = capture(url, current, args.only)
        reference = args.out
        if args.only:  # compare only what was taken
            reference = current.parent / f"{current.name}-reference"
            reference.mkdir()
            for shot in shots:
                name = f"{shot.name}-{shot.width}.png"
                if (args.out / name).exists():
                    shutil.copy(args.out / name, reference / name)
        shutil.rmtree(args.diffs, ignore_errors=True)
        measured = compare(reference, current, args.diffs)
        if args.only:
            shutil.rmtree(reference)
    print(f"{len(shots)} pages comparées à {args.out} en {time.monotonic() - started:.0f} s.")
    differences = [difference for difference in measured if difference.changed]
    steady = [difference for difference in measured if not difference.changed]
    if steady:
        exact = sum(difference.identical for difference in steady)
        largest = max(difference.share for difference in steady)
        within = len(steady) - exact
        print(f"{exact} identiques au pixel près, {within} dans la tolérance ({largest:.3%} au plus).")
    if not differences:
        print("Aucune page n'a changé.")
        return 0
    print(f"{len(differences)} capture(s) changée(s) :")
    for difference in differences:
        print(f"  {difference.name:55} {difference.share:7.2%} des pixels  {difference.note}")
    print(f"Les différences (en rouge) sont dans {args.diffs}/ ; `make screenshots` les accepte.")
    return 1


if __name__ == "__main__":
    sys.exit(main())
