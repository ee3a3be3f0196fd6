"""Keyboard only: skip links and the sign-in form, with a visible focus at every stop."""

import re

import pytest
from playwright.sync_api import expect

from centres.enums import Role

from ..factories import TEST_PASSWORD
from .conftest import BROWSER_MARKS, force_login

pytestmark = BROWSER_MARKS

FOCUS_IS_VISIBLE = """() => {
    const el = document.activeElement;
    const style = getComputedStyle(el);
    return el.matches(':focus-visible') && style.outlineStyle !== 'none'
        && parseFloat(style.outlineWidth) >= 1;
}"""


def focused(page) -> dict:
    return page.evaluate(
        "() => ({id: document.activeElement.id, tag: document.activeElement.tagName,"
        " text: document.activeElement.textContent.trim()})"
    )


def tab_to(page, shot, step: str) -> dict:
    page.keyboard.press("Tab")
    element = focused(page)
    shot(page, step)
    assert page.evaluate(FOCUS_IS_VISIBLE), f"no visible focus on {element} ({step})"
    return element


def test_the_first_tab_reaches_the_content_skip_link_and_enter_moves_focus_to_content(page, shot):
    page.goto("/")
    assert tab_to(page, shot, "skip link")["text"] == "Contenu"
    page.keyboard.press("Enter")
    # Following the link updates the URL and the focus a moment later: wait for both.
    expect(page).to_have_url(re.compile(r"#content$"))
    expect(page.locator("#content")).to_be_focused()


def test_a_referent_signs_in_with_the_keyboard_only(page, users, shot):
    page.goto("/connexion/")
    assert tab_to(page, shot, "skip link")["text"] == "Contenu"
    page.keyboard.press("Enter")
    assert focused(page)["id"] == "content"
    assert tab_to(page, shot, "e-mail field")["id"] == "id_username"
    page.keyboard.type(users[Role.REFERENT].email)
    assert tab_to(page, shot, "password field")["id"] == "id_password"
    page.keyboard.type(TEST_PASSWORD)
    button = tab_to(page, shot, "sign-in button")
    assert (button["tag"], button["text"]) == ("BUTTON", "Se connecter")
    page.keyboard.press("Enter")
    # The browser keeps the #content fragment through the redirect.
    page.wait_for_url(lambda url: "/tableau-de-bord/" in url)
    shot(page, "dashboard")
    assert page.get_by_role("heading", level=1).inner_text().startswith("Bonjour")


@pytest.mark.parametrize("key", ["Enter", "Space"])
def test_sign_out_works_from_the_keyboard(page, users, shot, key):
    force_login(page, users[Role.DECIDER])
    page.goto("/tableau-de-bord/")
    sign_out = page.get_by_role("button", name="Se déconnecter")
    sign_out.focus()
    page.keyboard.press(key)
    page.wait_for_url(lambda url: "tableau-de-bord" not in url)
    shot(page, "signed out")
    assert page.get_by_role("link", name="Se connecter").is_visible()
