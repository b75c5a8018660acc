"""The designers' gallery (/atelier) is registered in development only, never in the build users get."""

from __future__ import annotations

import pytest
from reflex.constants import Env
from reflex_base.environment import environment

from mespoints import routes
from mespoints.pages import gallery
from mespoints.settings import get_settings


@pytest.fixture
def env_mode():
    before = environment.REFLEX_ENV_MODE.get()
    yield environment.REFLEX_ENV_MODE.set
    environment.REFLEX_ENV_MODE.set(before)


@pytest.fixture
def gallery_variable(monkeypatch):
    def set_to(value: str | None) -> None:
        if value is None:
            monkeypatch.delenv("MESPOINTS_GALLERY", raising=False)
        else:
            monkeypatch.setenv("MESPOINTS_GALLERY", value)
        get_settings.cache_clear()

    yield set_to
    get_settings.cache_clear()


def test_the_production_build_has_no_gallery_unless_asked_for(env_mode, gallery_variable):
    env_mode(Env.PROD)
    gallery_variable(None)
    assert not gallery.gallery_enabled()
    gallery_variable("0")
    assert not gallery.gallery_enabled()
    gallery_variable("1")
    assert gallery.gallery_enabled()


def test_make_dev_shows_the_gallery(env_mode, gallery_variable):
    env_mode(Env.DEV)
    gallery_variable(None)
    assert gallery.gallery_enabled()


def test_the_gallery_is_not_among_the_pages_every_build_registers(env_mode):
    from mespoints import pages
    from mespoints.template import PAGES

    env_mode(Env.DEV)
    import mespoints.mespoints  # noqa: F401 (builds the app, with the gallery in development)

    pages.register_all()
    assert routes.GALLERY not in {registered.route for registered in PAGES}
    assert routes.GALLERY not in routes.PAGE_PATHS
    added = gallery.gallery_page()
    assert (added.route, added.title) == (routes.GALLERY, "Atelier des composants – Mes Points Permis")


def test_the_gallery_compiles_with_every_section_and_each_gauge_value():
    rendered = str(gallery.gallery().render())
    for name in gallery.SECTIONS:
        assert f'"{name}"' in rendered, name
    for step in range(1, 7):
        assert f'tape {step}"' in rendered  # « Étape N », escaped in the render
    assert "/permis-carte.svg" in rendered and "/permis-3-volets.svg" in rendered
