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


def _search_from_home(page, query: str) -> list[str]:
    page.goto("/")
    page.get_by_label("Nom, ville, code postal, département ou réseau").fill(query)
    page.locator("main").get_by_role("button", name="Rechercher").click()
    page.wait_for_load_state()
    return page.locator("#centres > li > a").all_inner_texts()


def test_searching_by_postal_code_and_by_a_city_with_accents_finds_the_right_centre(
    page, organisation, shot
):
    assert _search_from_home(page, "59000") == ["Centre de contact de Lille"]
    shot(page, "search by postal code")
    assert _search_from_home(page, "angouleme") == ["Centre de contact d'Angoulême"]
    shot(page, "search by a city without its accent")
    page.locator("#centres > li > a").first.click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", level=1).inner_text() == "Centre de contact d'Angoulême"


def test_searching_on_a_phone_works_and_passes_axe(page, organisation, shot):
    page.set_viewport_size(PHONE)
    assert _search_from_home(page, "Charleville Mézières") == [
        "Centre de contact de Charleville-Mézières"
    ]
    shot(page, "search on a phone")
    axe_check(page, "search results at 390 px")
