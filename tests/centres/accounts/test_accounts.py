import re

import pytest
from django.core import mail
from django.urls import reverse

from centres.enums import Role

from ...factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db


def login(client, email, password):
    return client.post(reverse("accounts:login"), {"username": email, "password": password})


def test_a_user_signs_in_and_lands_on_the_dashboard(client, users):
    referent = users[Role.REFERENT]
    response = login(client, referent.email, TEST_PASSWORD)
    assert response.status_code == 302
    assert response.url == reverse("dashboard")
    page = client.get(reverse("dashboard")).content.decode()
    assert "Référent qualité de centre" in page


def test_a_wrong_password_gives_a_french_error(client, users):
    response = login(client, users[Role.REFERENT].email, "wrong")
    assert response.status_code == 200
    assert "Adresse électronique ou mot de passe incorrect" in response.content.decode()


def test_the_sixth_attempt_is_refused_without_checking_the_password(client, users):
    referent = users[Role.REFERENT]
    for _ in range(4):
        assert login(client, referent.email, "wrong").status_code == 200
    # The fifth failure locks the account and says so.
    assert login(client, referent.email, "wrong").status_code == 429
    # Even the right password is refused now: the account is locked before any check.
    response = login(client, referent.email, TEST_PASSWORD)
    assert response.status_code == 429
    assert "Compte temporairement bloqué" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_success_resets_the_count_of_failures(client, users):
    referent = users[Role.REFERENT]
    for _ in range(4):
        login(client, referent.email, "wrong")
    assert login(client, referent.email, TEST_PASSWORD).status_code == 302
    client.post(reverse("accounts:logout"))
    for _ in range(4):
        login(client, referent.email, "wrong")
    assert login(client, referent.email, TEST_PASSWORD).status_code == 302


def test_sessions_expire_when_idle_and_at_browser_close(client, users, settings):
    login(client, users[Role.DECIDER].email, TEST_PASSWORD)
    assert client.session.get_expire_at_browser_close()
    assert client.session.get_expiry_age() == settings.SESSION_COOKIE_AGE == 2 * 60 * 60


def test_password_reset_sends_a_french_email_with_a_working_link(client, users):
    decider = users[Role.DECIDER]
    client.post(reverse("accounts:password_reset"), {"email": decider.email})
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert "nouveau mot de passe" in message.subject
    link = re.search(r"https?://[^/]+(/\S+)", message.body).group(1)
    response = client.get(link, follow=True)
    assert "Choisir un nouveau mot de passe" in response.content.decode()
    new_password = "un-autre-mot-de-passe-solide"
    response = client.post(
        response.redirect_chain[-1][0],
        {"new_password1": new_password, "new_password2": new_password},
    )
    assert response.status_code == 302
    decider.refresh_from_db()
    assert decider.check_password(new_password)


def test_password_reset_does_not_tell_whether_an_account_exists(client, db):
    response = client.post(reverse("accounts:password_reset"), {"email": "nobody@example.org"})
    assert response.status_code == 302
    assert len(mail.outbox) == 0


def test_logout_needs_a_post(client, users):
    client.force_login(users[Role.DECIDER])
    assert client.get(reverse("accounts:logout")).status_code == 405
    assert client.post(reverse("accounts:logout")).status_code == 302
    assert "_auth_user_id" not in client.session
