"""People and roles: invitations (single use, expiring), roles granted and revoked within the
manager's rights, accounts deactivated, every change in the person's log; French errors, in
these pages and in the admin, for a duplicate role or a wrong scope."""

import datetime
import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from centres.enums import Role
from centres.models import (
    AccountInvitation,
    Centre,
    CertificationBody,
    PersonEvent,
    PersonEventKind,
    RoleAssignment,
    User,
)
from tests.bad_input import check_form_resists_bad_input, form_errors
from tests.factories import CertificationBodyFactory, make_user

pytestmark = pytest.mark.django_db

PASSWORD = "un-mot-de-passe-bien-long-2025"
_after_commit = {}


@pytest.fixture(autouse=True)
def _run_after_commit(django_capture_on_commit_callbacks):
    """The invitation e-mail leaves after commit: run the commit hooks of each request."""
    _after_commit["capture"] = django_capture_on_commit_callbacks
    yield
    _after_commit.clear()


def post(client, url, data=None):
    with _after_commit["capture"](execute=True):
        return client.post(url, data or {})


def login(client, user):
    client.force_login(user)
    return client


def invite(client, **data):
    return post(client, reverse("organisation:person_invite"), data)


def signs_in(email, password) -> bool:
    visitor = Client()
    visitor.post(reverse("accounts:login"), {"username": email, "password": password})
    return "_auth_user_id" in visitor.session


def lille():
    return Centre.objects.get(code="lille")


def invitation_link(message) -> str:
    return re.search(r"https?://\S+/invitation/\S+/", message.body).group(0)


def test_an_invited_referent_chooses_a_password_once_and_signs_in(client, users, mailoutbox):
    ditp = users[Role.DITP_ADMIN]
    login(client, ditp)
    response = invite(
        client,
        email="Marie.Curie@Example.org",
        full_name="Marie Curie",
        role=Role.REFERENT,
        centre=lille().pk,
    )
    person = User.objects.get(email="marie.curie@example.org")
    assert response.url == reverse("organisation:person_detail", args=[person.pk])
    assert not person.has_usable_password()
    assert person.role_assignments.get().centre == lille()
    [message] = mailoutbox
    assert message.to == ["marie.curie@example.org"]
    assert message.subject == "Votre compte sur Services Publics +"
    assert "&#x27;" not in message.body and "&amp;" not in message.body
    path = invitation_link(message).split("127.0.0.1:8000", 1)[-1]

    visitor = Client()
    assert visitor.get(path).status_code == 200
    response = visitor.post(path, {"new_password1": PASSWORD, "new_password2": PASSWORD})
    assert response.url == reverse("accounts:login")
    assert signs_in("marie.curie@example.org", PASSWORD)
    again = Client().post(
        path,
        {"new_password1": "autre-mot-de-passe-2025", "new_password2": "autre-mot-de-passe-2025"},
    )
    assert again.status_code == 404
    person.refresh_from_db()
    assert person.check_password(PASSWORD)

    kinds = list(
        PersonEvent.objects.filter(person=person).order_by("at", "id").values_list("kind", "actor")
    )
    assert kinds == [
        (PersonEventKind.INVITED, ditp.pk),
        (PersonEventKind.ROLE_GRANTED, ditp.pk),
        (PersonEventKind.PASSWORD_SET, person.pk),
    ]
    page = login(client, ditp).get(reverse("organisation:person_detail", args=[person.pk]))
    assert "Rôle attribué" in page.content.decode() and ditp.full_name in page.content.decode()


def test_an_expired_invitation_link_is_refused(client, users, mailoutbox):
    login(client, users[Role.DITP_ADMIN])
    invite(client, email="late@example.org", full_name="En Retard", role=Role.DECIDER)
    AccountInvitation.objects.update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    path = invitation_link(mailoutbox[0]).split("127.0.0.1:8000", 1)[-1]
    response = Client().get(path)
    assert response.status_code == 404
    assert "a expiré ou a déjà servi" in response.content.decode()


def test_a_new_link_replaces_the_first(client, users, mailoutbox):
    login(client, users[Role.DITP_ADMIN])
    invite(client, email="again@example.org", full_name="Encore", role=Role.DECIDER)
    person = User.objects.get(email="again@example.org")
    post(client, reverse("organisation:person_invite_again", args=[person.pk]))
    first, second = (invitation_link(m).split("127.0.0.1:8000", 1)[-1] for m in mailoutbox)
    assert Client().get(first).status_code == 404
    assert Client().get(second).status_code == 200


def test_a_duplicate_role_is_a_french_form_error(client, users):
    referent = users[Role.REFERENT]
    login(client, users[Role.DITP_ADMIN])
    response = client.post(
        reverse("organisation:person_role_add", args=[referent.pk]),
        {"role": Role.REFERENT, "centre": lille().pk},
    )
    assert response.status_code == 400
    assert "Cette personne a déjà ce rôle sur ce périmètre." in form_errors(
        response.content.decode()
    )
    assert referent.role_assignments.count() == 1


def test_a_wrong_scope_is_a_french_error_on_the_field(client, users):
    login(client, users[Role.DITP_ADMIN])
    response = invite(client, email="x@example.org", full_name="X", role=Role.REFERENT)
    assert response.status_code == 400
    assert "Ce rôle demande ce périmètre." in form_errors(response.content.decode())
    response = invite(
        client, email="x@example.org", full_name="X", role=Role.DECIDER, centre=lille().pk
    )
    assert "Ce rôle ne prend pas ce périmètre : laissez-le vide." in form_errors(
        response.content.decode()
    )
    assert not User.objects.filter(email="x@example.org").exists()


def test_a_correspondent_manages_the_referents_of_their_network_only(client, users, foreign_centre):
    login(client, users[Role.CORRESPONDENT])
    form = client.get(reverse("organisation:person_invite")).context["form"]
    assert [value for value, _label in form.fields["role"].choices] == [Role.REFERENT]
    response = invite(
        client,
        email="ext@example.org",
        full_name="Ext",
        role=Role.REFERENT,
        centre=foreign_centre.pk,
    )
    assert response.status_code == 400
    response = invite(client, email="ok@example.org", full_name="Ok", role=Role.DECIDER)
    assert (
        response.status_code == 400
        and not User.objects.filter(email__in=["ext@example.org", "ok@example.org"]).exists()
    )

    auditor = users[Role.AUDITOR]
    assert client.get(reverse("organisation:person_detail", args=[auditor.pk])).status_code == 404
    referent = users[Role.REFERENT]
    assignment = referent.role_assignments.get()
    response = client.post(
        reverse("organisation:person_role_revoke", args=[referent.pk, assignment.pk])
    )
    assert response.status_code == 302 and not referent.role_assignments.exists()
    event = PersonEvent.objects.get(person=referent, kind=PersonEventKind.ROLE_REVOKED)
    assert event.actor == users[Role.CORRESPONDENT] and "Lille" in event.detail
    # a correspondent does not deactivate accounts
    assert (
        client.post(reverse("organisation:person_activation", args=[referent.pk])).status_code
        == 404
    )


def test_a_body_lead_manages_the_auditors_of_their_body(client, users):
    body = CertificationBody.objects.get(code="organisme-demo")
    lead = make_user(Role.AUDITOR, certification_body=body)
    RoleAssignment.objects.filter(user=lead).update(is_body_lead=True)
    other_body = CertificationBodyFactory()
    login(client, lead)
    response = invite(
        client,
        email="aud@example.org",
        full_name="Auditrice",
        role=Role.AUDITOR,
        certification_body=body.pk,
    )
    assert response.status_code == 302
    response = invite(
        client,
        email="aud2@example.org",
        full_name="Autre",
        role=Role.AUDITOR,
        certification_body=other_body.pk,
    )
    assert response.status_code == 400
    assert client.get(reverse("organisation:people")).status_code == 200
    # a plain auditor manages nobody
    assert (
        login(Client(), users[Role.AUDITOR]).get(reverse("organisation:people")).status_code == 403
    )


def test_a_deactivated_account_keeps_its_history_and_loses_its_access(client, users):
    referent = users[Role.REFERENT]
    login(client, users[Role.DITP_ADMIN])
    client.post(reverse("organisation:person_activation", args=[referent.pk]), {"active": "0"})
    referent.refresh_from_db()
    assert not referent.is_active and referent.role_assignments.exists()
    assert PersonEvent.objects.filter(person=referent, kind=PersonEventKind.DEACTIVATED).exists()
    assert not signs_in(referent.email, "a-long-test-password-2025")


def test_the_ditp_cannot_deactivate_itself(client, users):
    ditp = users[Role.DITP_ADMIN]
    login(client, ditp)
    client.post(reverse("organisation:person_activation", args=[ditp.pk]), {"active": "0"})
    ditp.refresh_from_db()
    assert ditp.is_active


def admin_change(client, user, rows):
    data = {
        "email": user.email,
        "full_name": user.full_name,
        "is_active": "on",
        "role_assignments-TOTAL_FORMS": str(len(rows)),
        "role_assignments-INITIAL_FORMS": "0",
        "person_events-TOTAL_FORMS": "0",
        "person_events-INITIAL_FORMS": "0",
    }
    for index, row in enumerate(rows):
        for key, value in row.items():
            data[f"role_assignments-{index}-{key}"] = value
        data[f"role_assignments-{index}-user"] = str(user.pk)
    return client.post(reverse("admin:centres_user_change", args=[user.pk]), data)


def test_the_admin_answers_a_duplicate_role_and_a_wrong_scope_in_french(client, users):
    admin = users[Role.DITP_ADMIN]
    User.objects.filter(pk=admin.pk).update(is_superuser=True)
    login(client, admin)
    person = make_user(None)
    row = {"role": Role.REFERENT, "centre": str(lille().pk)}
    response = admin_change(client, person, [row, row])
    assert response.status_code == 200
    assert "Cette personne a déjà ce rôle sur ce périmètre." in response.content.decode()
    response = admin_change(client, users[Role.REFERENT], [row])
    assert "Cette personne a déjà ce rôle sur ce périmètre." in response.content.decode()
    response = admin_change(client, person, [{"role": Role.REFERENT}])
    page = response.content.decode()
    assert "Ce rôle demande ce périmètre." in page and "role_scope_matches_role" not in page
    assert not person.role_assignments.exists()


def test_the_invitation_form_resists_the_corpus(client, users):
    login(client, users[Role.DITP_ADMIN])
    check_form_resists_bad_input(
        client,
        reverse("organisation:person_invite"),
        valid={
            "email": "corpus@example.org",
            "full_name": "Corpus",
            "role": Role.REFERENT,
            "centre": str(lille().pk),
        },
        may_accept=lambda field, payload: field == "full_name",
        extra_snapshot=lambda: len(mail.outbox),
    )


def test_the_choose_password_form_resists_the_corpus(client, users, mailoutbox):
    login(client, users[Role.DITP_ADMIN])
    invite(client, email="corpus@example.org", full_name="Corpus", role=Role.DECIDER)
    client.logout()
    path = invitation_link(mailoutbox[0]).split("127.0.0.1:8000", 1)[-1]
    check_form_resists_bad_input(
        client,
        path,
        valid={"new_password1": PASSWORD, "new_password2": PASSWORD},
        extra_snapshot=lambda: User.objects.get(email="corpus@example.org").password,
    )
