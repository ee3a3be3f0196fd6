"""The bad-input corpus (tests/bad_input.py) against every public form, and property tests."""

import pytest
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.tokens import default_token_generator
from django.http import HttpResponse
from django.urls import path, reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.safestring import mark_safe
from django.views.decorators.csrf import csrf_exempt
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from centres.enums import Role
from centres.models import Network, User

from .bad_input import check_form_resists_bad_input, form_errors, is_french_message
from .factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db


def test_the_sign_in_form_resists_the_corpus(client, users):
    referent = users[Role.REFERENT]
    check_form_resists_bad_input(
        client,
        reverse("accounts:login"),
        valid={"username": referent.email, "password": TEST_PASSWORD},
    )


def test_the_password_reset_request_form_resists_the_corpus(client, users, mailoutbox):
    check_form_resists_bad_input(
        client,
        reverse("accounts:password_reset"),
        valid={"email": users[Role.DECIDER].email},
        extra_snapshot=lambda: len(mailoutbox),
    )


def test_the_new_password_form_resists_the_corpus(client, users):
    decider = users[Role.DECIDER]
    link = reverse(
        "accounts:password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(decider.pk)),
            "token": default_token_generator.make_token(decider),
        },
    )
    form_url = client.get(link).url
    password = "un-nouveau-mot-de-passe-solide"
    check_form_resists_bad_input(
        client,
        form_url,
        valid={"new_password1": password, "new_password2": password},
        extra_snapshot=lambda: User.objects.get(pk=decider.pk).password,
    )


def test_the_corpus_checker_tells_french_from_english():
    assert is_french_message("Saisissez une adresse de courriel valide.")
    assert is_french_message(
        "Assurez-vous que cette valeur comporte au plus 254 caractères (actuellement 1000000)."
    )
    assert not is_french_message("Enter a valid email address.")
    page = '<ul class="errorlist"><li>Ce champ est obligatoire.</li></ul>'
    assert form_errors(page) == ["Ce champ est obligatoire."]


PROPERTY = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@PROPERTY
@given(username=st.text(max_size=300), password=st.text(max_size=300))
def test_the_sign_in_form_answers_any_text_with_a_french_error(client, users, username, password):
    response = client.post(reverse("accounts:login"), {"username": username, "password": password})
    assert response.status_code in (200, 429)
    assert "_auth_user_id" not in client.session
    if response.status_code == 200:
        errors = form_errors(response.content.decode())
        assert errors and all(is_french_message(e) for e in errors), errors


@PROPERTY
@given(password=st.text(max_size=200).filter(lambda p: p != TEST_PASSWORD))
def test_no_password_but_the_right_one_signs_in(client, users, password):
    email = users[Role.AUDITOR].email
    response = client.post(reverse("accounts:login"), {"username": email, "password": password})
    assert response.status_code in (200, 429)
    assert "_auth_user_id" not in client.session


@PROPERTY
@given(body=st.binary(max_size=4000))
def test_the_sign_in_form_never_fails_on_raw_bytes(client, db, body):
    response = client.generic(
        "POST", reverse("accounts:login"), body, content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code < 500
    assert "_auth_user_id" not in client.session


@login_not_required
@csrf_exempt
def careless_form(request):
    """Everything the corpus must catch: stores anything, echoes markup, crashes on NUL."""
    name = request.POST.get("name", "")
    if "\x00" in name:
        raise ValueError("NUL")
    Network.objects.create(code=f"n{Network.objects.count()}", name=name[:200])
    return HttpResponse(mark_safe(f"<p>{name}</p>"))


urlpatterns = [path("careless/", careless_form)]


@pytest.mark.urls(__name__)
def test_the_corpus_catches_a_careless_form(client):
    with pytest.raises(AssertionError) as failure:
        check_form_resists_bad_input(client, "/careless/", valid={"name": "ok"})
    report = str(failure.value)
    assert "name=NUL byte: server error 500" in report
    assert "name=HTML script: an HTML payload came back unescaped" in report
    assert "name=emoji: accepted (200) with no error shown" in report
    assert "missing CSRF token: expected 403, got 200" in report
