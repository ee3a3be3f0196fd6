"""Journeys in the real browser, one screenshot per step under test-artifacts/."""

from centres.enums import Role

from .conftest import BROWSER_MARKS, axe_check, login

pytestmark = BROWSER_MARKS


def test_a_referent_signs_in_opens_the_centre_and_signs_out(page, users, shot):
    referent = users[Role.REFERENT]
    page.goto("/")
    shot(page, "home")
    page.get_by_role("link", name="Se connecter").click()
    shot(page, "sign-in form")
    login(page, referent)
    page.wait_for_url("**/tableau-de-bord/")
    shot(page, "dashboard")
    assert page.get_by_text("Référent qualité de centre").is_visible()
    menu = page.get_by_role("navigation", name="Menu principal")
    menu.get_by_role("link", name="Centres").click()
    shot(page, "centres")
    page.get_by_role("link", name="Centre de contact de Lille").click()
    shot(page, "centre")
    assert page.get_by_role("heading", level=1).inner_text() == "Centre de contact de Lille"
    assert referent.full_name in page.locator("main").inner_text()
    axe_check(page, "centre page reached through the journey")
    page.get_by_role("button", name="Se déconnecter").click()
    page.wait_for_url(lambda url: url.rstrip("/").count("/") == 2)
    shot(page, "signed out")
    assert page.get_by_role("link", name="Se connecter").is_visible()
    page.goto("/tableau-de-bord/")
    assert "/connexion/" in page.url
