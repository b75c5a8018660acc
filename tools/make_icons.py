"""Rasterises assets/favicon.svg (drawn for the portal) into the ICO and PNGs browsers ask for.

Run after editing the SVG: `.venv/bin/python tools/make_icons.py` (Chromium renders, Pillow packs).
"""

import base64
import io
from pathlib import Path

from PIL import Image
from playwright.sync_api import sync_playwright

ASSETS = Path(__file__).resolve().parent.parent / "assets"
SVG = base64.b64encode((ASSETS / "favicon.svg").read_bytes()).decode()


def render(size: int) -> Image.Image:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=["--headless", "--no-sandbox"]
        )
        page = browser.new_page(viewport={"width": size, "height": size})
        page.set_content(
            f'<html><body style="margin:0"><img src="data:image/svg+xml;base64,{SVG}"'
            f' width="{size}" height="{size}"></body></html>'
        )
        png = page.screenshot(omit_background=True)
        browser.close()
    return Image.open(io.BytesIO(png)).convert("RGBA")


if __name__ == "__main__":
    large = render(512)
    large.save(ASSETS / "icon-512.png", optimize=True)
    render(180).save(ASSETS / "apple-touch-icon.png", optimize=True)
    large.save(ASSETS / "favicon.ico", sizes=[(16, 16), (32, 32), (48, 48)])
