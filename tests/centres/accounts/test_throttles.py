"""Sign-in and password-reset throttles that cannot be turned against the people they protect."""

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from centres.enums import Role

from ...factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db

ATTACKER = "198.51.100.66"
OWNER = "203.0.113.10"


def sign_in(email, password, address=OWNER):
    return Client(REMOTE_ADDR=address).post(
        reverse("accounts:login"), {"username": email, "password": password}
    )


def reset(email, address=OWNER, client=None):
    return (client or Client(REMOTE_ADDR=address)).post(
        reverse("accounts:password_reset"), {"email": email}
    )


def test_the_e_mail_is_matched_without_case(users):
    email = users[Role.CORRESPONDENT].email
    assert sign_in(email.upper(), TEST_PASSWORD).status_code == 302
    assert sign_in(f"  {email.title()}", TEST_PASSWORD).status_code == 302


def test_changing_the_case_does_not_dodge_the_lock(users):
    email = users[Role.CORRESPONDENT].email
    variants = [email, email.upper(), email.title(), email.capitalize(), email.swapcase()]
    assert [sign_in(v, "wrong").status_code for v in variants] == [200, 200, 200, 200, 429]
    assert sign_in(email, TEST_PASSWORD).status_code == 429


def test_someone_else_cannot_lock_the_owner_out(users):
    email = users[Role.DECIDER].email
    statuses = [sign_in(email, "wrong", ATTACKER).status_code for _ in range(6)]
    assert statuses == [200, 200, 200, 200, 429, 429]
    assert sign_in(email, TEST_PASSWORD, ATTACKER).status_code == 429
    assert sign_in(email, TEST_PASSWORD, OWNER).status_code == 302


def test_password_spraying_from_one_address_is_stopped(users, settings):
    limit = settings.LOGIN_ADDRESS_FAILURE_LIMIT
    for n in range(limit):
        assert sign_in(f"agent{n}@example.org", "Printemps2026!", ATTACKER).status_code == 200
    refused = sign_in(users[Role.AUDITOR].email, TEST_PASSWORD, ATTACKER)
    assert refused.status_code == 429
    page = refused.content.decode()
    assert "Trop de connexions échouées" in page and "sans vérifier le mot de passe" in page
    assert sign_in(users[Role.AUDITOR].email, TEST_PASSWORD, OWNER).status_code == 302


def test_an_office_behind_one_address_survives_its_typos(users):
    # Twelve colleagues behind one NAT, each mistyping once, then signing in.
    people = [users[r] for r in (Role.REFERENT, Role.AUDITOR, Role.DECIDER, "other_referent")]
    for _ in range(3):
        for person in people:
            assert sign_in(person.email, "typo", OWNER).status_code == 200
            assert sign_in(person.email, TEST_PASSWORD, OWNER).status_code == 302


def test_ten_reset_requests_for_one_account_send_three_e_mails(users, settings):
    email = users[Role.DECIDER].email
    answers = {(r.status_code, r.url) for r in (reset(email) for _ in range(10))}
    assert answers == {(302, reverse("accounts:password_reset_done"))}
    assert len(mail.outbox) == settings.PASSWORD_RESET_ACCOUNT_LIMIT == 3
    # Neither another address nor another case of the address gets more e-mails.
    reset(email, ATTACKER)
    reset(email.upper(), ATTACKER)
    assert len(mail.outbox) == 3


def test_reset_requests_are_limited_per_address_too(users, settings):
    settings.PASSWORD_RESET_ADDRESS_LIMIT = 2
    emails = [users[r].email for r in (Role.DECIDER, Role.AUDITOR, Role.REFERENT)]
    for email in emails:
        assert reset(email, ATTACKER).status_code == 302
    assert len(mail.outbox) == 2
    reset(users[Role.CORRESPONDENT].email, OWNER)
    assert len(mail.outbox) == 3


def test_a_refused_reset_answers_like_an_unknown_address(users, settings):
    settings.PASSWORD_RESET_ACCOUNT_LIMIT = 0
    refused, unknown = reset(users[Role.DECIDER].email), reset("nobody@example.org")
    assert (refused.status_code, refused.url) == (unknown.status_code, unknown.url)
    assert len(mail.outbox) == 0
