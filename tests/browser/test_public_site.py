"""The public site on a phone and in English: the menu button opens the modal that holds the
language switch, and every public page passes axe at 390 px and 1280 px in both languages
(test_accessibility.py already covers 1280 px in French)."""

import pytest
from django.conf import settings

from .conftest import BROWSER_MARKS, axe_check
from .test_accessibility import ANONYMOUS, SCREENS

pytestmark = BROWSER_MARKS

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
PUBLIC_SCREENS = [s for s in SCREENS if s.role == ANONYMOUS and not s.url.startswith("accounts")]
VIEWS = [("390", PHONE, "fr"), ("390", PHONE, "en"), ("1280", DESKTOP, "en")]


def _in_language(page, code: str) -> None:
    page.context.add_cookies(
        [
            {
                "name": settings.LANGUAGE_COOKIE_NAME,
                "value": code,
                "url": page.context.live_server_url,
            }
        ]
    )


def test_the_language_switch_works_at_390_px_through_the_menu(page, organisation, shot):
    page.set_viewport_size(PHONE)
    page.goto("/")
    assert not page.locator("#language-switch").is_visible()
    shot(page, "home on a phone")
    page.get_by_role("button", name="Menu").click()
    modal = page.locator("#modal-menu")
    shot(page, "menu open")
    modal.get_by_role("link", name="English").click()
    page.wait_for_load_state()
    shot(page, "home in English")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator(".fr-header .fr-logo").inner_text().split() == ["FRENCH", "REPUBLIC"]
    page.get_by_role("button", name="Menu").click()
    page.locator("#modal-menu").get_by_role("link", name="Français").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "fr"


@pytest.mark.parametrize("screen", PUBLIC_SCREENS, ids=str)
@pytest.mark.parametrize(("width", "viewport", "language"), VIEWS, ids=lambda v: str(v))
def test_every_public_page_passes_axe_on_a_phone_and_in_english(
    page, users, screen, width, viewport, language, shot
):
    from types import SimpleNamespace

    from .test_accessibility import STATES

    world = SimpleNamespace(users=users)
    page.set_viewport_size(viewport)
    _in_language(page, language)
    page.goto(screen.path(world))
    STATES[screen.state](page, world)
    shot(page, f"{screen} {width} {language}")
    axe_check(page, f"{screen} at {width} px in {language}")
