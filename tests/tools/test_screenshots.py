"""`make visual`'s comparison: what changed, appeared or disappeared, beyond a small tolerance."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from PIL import Image, ImageDraw

from tools import audit, screenshots

ROOT = Path(__file__).resolve().parents[2]


def page(folder: Path, name: str, *, box: tuple[int, int, int, int] | None = None, shade: int = 0) -> None:
    image = Image.new("RGB", (200, 300), (245 - shade, 246 - shade, 248 - shade))
    draw = ImageDraw.Draw(image)
    draw.text((10, 10), "Mes Points Permis", fill=(27, 31, 36))
    if box:
        draw.rectangle(box, fill=(29, 79, 145))
    folder.mkdir(exist_ok=True)
    image.save(folder / name)


def test_identical_pages_and_antialiasing_noise_are_not_changes(tmp_path):
    page(tmp_path / "ref", "accueil-375.png")
    page(tmp_path / "now", "accueil-375.png", shade=3)  # a channel moved by 3: noise
    page(tmp_path / "ref", "connexion-375.png")
    page(tmp_path / "now", "connexion-375.png")
    noisy, same = screenshots.compare(tmp_path / "ref", tmp_path / "now", tmp_path / "diffs")
    assert (noisy.changed, noisy.identical, noisy.share) == (False, False, 0)
    assert (same.changed, same.identical) == (False, True)
    assert not (tmp_path / "diffs").exists()


def test_a_changed_page_is_reported_with_its_share_and_a_difference_image(tmp_path):
    page(tmp_path / "ref", "accueil-375.png")
    page(tmp_path / "ref", "connexion-375.png")
    page(tmp_path / "now", "accueil-375.png", box=(0, 0, 99, 29))  # 100 × 30 of 200 × 300 px
    page(tmp_path / "now", "connexion-375.png")
    measured = screenshots.compare(tmp_path / "ref", tmp_path / "now", tmp_path / "diffs")
    [difference] = [d for d in measured if d.changed]
    assert difference.name == "accueil-375.png"
    assert 0.04 < difference.share <= 0.05
    with Image.open(tmp_path / "diffs" / "accueil-375.png") as diff:
        assert diff.convert("RGB").getpixel((50, 25)) == (220, 0, 0)
        assert diff.convert("RGB").getpixel((150, 250)) != (220, 0, 0)


def test_new_missing_and_resized_pages_are_changes(tmp_path):
    page(tmp_path / "ref", "ancienne-375.png")
    page(tmp_path / "now", "nouvelle-375.png")
    Image.new("RGB", (200, 300), "white").save(tmp_path / "ref" / "longue-375.png")
    Image.new("RGB", (200, 320), "white").save(tmp_path / "now" / "longue-375.png")
    measured = screenshots.compare(tmp_path / "ref", tmp_path / "now", tmp_path / "d")
    found = {d.name: d.note for d in measured if d.changed}
    assert found == {
        "ancienne-375.png": "disparue",
        "nouvelle-375.png": "nouvelle",
        "longue-375.png": "taille (200, 300) → (200, 320)",
    }


def test_page_names_are_stable_slugs():
    assert screenshots.slug("/") == "accueil"
    assert screenshots.slug("/mot-de-passe/nouveau?jeton=inconnu") == "mot-de-passe-nouveau-jeton-inconnu"
    assert screenshots.slug("/tableau-de-bord/historique") == "tableau-de-bord-historique"


def test_the_committed_screenshots_cover_every_page_at_both_widths():
    names = {png.name for png in screenshots.SCREENSHOTS.glob("*.png")}
    for width in screenshots.WIDTHS:
        assert f"accueil-{width}.png" in names
        assert f"atelier-{width}.png" in names
        assert f"tableau-de-bord-{width}.png" in names
        for step in range(1, screenshots.LAST_SIGNUP_STEP + 1):
            assert f"inscription-etape-{step}-{width}.png" in names
    assert len(names) == len(screenshots.WIDTHS) * (
        len(screenshots.PUBLIC_PAGES) + 1 + screenshots.LAST_SIGNUP_STEP + len(screenshots.PRIVATE_PAGES)
    )


def test_the_default_reflex_app_is_configured_as_reflex_init_writes_it():
    # Reflex 0.10.1's blank app: sitemap, Tailwind 4 and Radix Themes.
    for plugin in ("SitemapPlugin()", "TailwindV4Plugin()", "RadixThemesPlugin()"):
        assert plugin in audit.DEFAULT_RXCONFIG
    assert 'app_name="defaut"' in audit.DEFAULT_RXCONFIG


def test_the_audit_plan_reaches_every_wizard_step_and_the_dashboard():
    plan = audit.plan("http://portail", "http://defaut")
    names = [step["name"] for step in plan["steps"]]
    assert names[:3] == ["Accueil", "Connexion", "Vérifier"]
    assert [n for n in names if n.startswith("Inscription")] == [
        f"Inscription, étape {n}" for n in range(1, 7)
    ]
    assert names[-2:] == ["Tableau de bord", "Reflex par défaut"]
    json.dumps(plan)  # what the Node script reads


def test_the_lighthouse_script_parses():
    node = audit.NODE_BIN / "node"
    result = subprocess.run(
        [str(node) if node.exists() else "node", "--check", str(audit.JS_TOOLS / "lighthouse-flow.mjs")],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr


def test_with_several_runs_each_page_keeps_its_median_run():
    def run(score: float, fcp: float) -> list[dict]:
        return [{"name": "Accueil", "categories": {"performance": score}, "fcp": fcp}]

    [home] = audit.median_of([run(0.9, 2000), run(0.4, 3500), run(0.97, 1500)])
    assert (home["categories"]["performance"], home["fcp"]) == (0.9, 2000)
    assert home["performance_runs"] == [0.9, 0.4, 0.97]
