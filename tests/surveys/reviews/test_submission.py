"""The public « Je donne mon avis » form: no account, rate-limited, honeypot, bad input refused."""

import logging

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from surveys.enums import ReviewChannel, ReviewFeeling, ReviewState
from surveys.forms.reviews import ReviewForm
from surveys.models import REVIEW_MAX_LENGTH, Review

from ...bad_input import check_form_resists_bad_input, form_errors, is_french_message

pytestmark = pytest.mark.django_db

GOOD = {
    "experience": "Conseiller aimable, ma question sur le prélèvement à la source est réglée.",
    "feeling": "positive",
    "channel": "phone",
}


def form_url(code: str = "lille") -> str:
    return reverse("surveys:review_submit", kwargs={"code": code})


def test_a_citizen_gives_a_review_without_an_account(client, organisation):
    response = client.post(form_url(), GOOD)
    assert response.status_code == 302
    assert response.url == reverse("surveys:review_thanks", kwargs={"code": "lille"})
    review = Review.objects.get()
    assert (review.centre.code, review.state) == ("lille", ReviewState.PENDING)
    assert (review.experience, review.feeling, review.channel) == tuple(GOOD.values())


def test_the_thanks_page_says_the_review_is_published_after_moderation(client, organisation):
    page = client.get(reverse("surveys:review_thanks", kwargs={"code": "lille"}))
    assert page.status_code == 200
    assert "Il sera publié après modération" in page.content.decode()


def test_nothing_about_the_author_is_stored():
    columns = {field.name for field in Review._meta.get_fields()}
    assert not {"ip", "ip_address", "user_agent", "email", "author", "user"} & columns
    assert not any("ip" in name.split("_") or "agent" in name for name in columns)


def test_an_unknown_centre_has_no_form(client, organisation):
    assert client.get(form_url("nulle-part")).status_code == 404


def test_missing_answers_get_a_400_with_french_messages_and_nothing_stored(client, organisation):
    response = client.post(form_url(), {"experience": "  ", "channel": "fax"})
    assert response.status_code == 400
    errors = form_errors(response.content.decode())
    assert "Décrivez votre expérience, s'il vous plaît." in errors
    assert "Choisissez l'une des réponses proposées." in errors
    # The summary at the top repeats each message after its field's label.
    assert all(is_french_message(error.split(" : ", 1)[-1]) for error in errors), errors
    assert not Review.objects.exists()


def test_a_text_longer_than_2000_characters_is_refused(client, organisation):
    response = client.post(form_url(), {**GOOD, "experience": "é" * (REVIEW_MAX_LENGTH + 1)})
    assert response.status_code == 400
    assert "2000 caractères au plus (il en compte 2001)" in response.content.decode()
    assert not Review.objects.exists()


def test_control_characters_and_direction_overrides_are_refused(client, organisation):
    for text in ("Bien\x1b[31m", "Très bien \u202egpj.exe"):
        response = client.post(form_url(), {**GOOD, "experience": text})
        assert response.status_code == 400
    assert not Review.objects.exists()


def test_the_honeypot_shows_thanks_but_stores_nothing(client, organisation, caplog):
    with caplog.at_level(logging.INFO):
        response = client.post(form_url(), {**GOOD, "website": "http://spam.example"})
    assert response.status_code == 302 and "merci" in response.url
    assert not Review.objects.exists()
    assert "review_honeypot centre=lille" in caplog.text


def test_too_many_reviews_of_one_centre_from_one_address_get_a_french_429(
    client, organisation, settings
):
    settings.REVIEW_SUBMIT_LIMIT = 2
    statuses = [client.post(form_url(), GOOD).status_code for _ in range(3)]
    assert statuses == [302, 302, 429]
    refused = client.post(form_url(), GOOD)
    assert refused.status_code == 429 and "Trop d'avis envoyés" in refused.content.decode()
    assert Review.objects.count() == 2
    assert client.post(form_url(), GOOD, REMOTE_ADDR="10.0.0.9").status_code == 302
    # The limit is per centre: the same connection may still review another centre.
    assert client.post(form_url("angers"), GOOD).status_code == 302


def test_reading_the_form_never_meets_the_limit(client, organisation, settings):
    settings.REVIEW_SUBMIT_LIMIT = 1
    assert client.post(form_url(), GOOD).status_code == 302
    for _ in range(3):
        assert client.get(form_url()).status_code == 200
    assert client.post(form_url(), GOOD).status_code == 429


def test_a_shared_counter_is_not_blocked_by_a_busy_day(client, organisation):
    # A France Services counter: every citizen of the day behind one public address.
    statuses = {client.post(form_url(), GOOD).status_code for _ in range(40)}
    assert statuses == {302}
    assert Review.objects.count() == 40


def test_invalid_attempts_do_not_count_against_the_limit(client, organisation, settings):
    settings.REVIEW_SUBMIT_LIMIT = 1
    for _ in range(3):
        assert client.post(form_url(), {**GOOD, "feeling": ""}).status_code == 400
    assert client.post(form_url(), GOOD).status_code == 302


def test_the_review_form_resists_the_corpus_in_its_choices(client, organisation, settings):
    settings.REVIEW_SUBMIT_LIMIT = 10_000
    valid = {"feeling": "neutral", "channel": "online", "experience": GOOD["experience"]}
    check_form_resists_bad_input(
        client,
        form_url(),
        valid=valid,
        # Free text may be stored as a review (pending moderation), never shown as markup.
        may_accept=lambda field, payload: field == "experience",
    )


PROPERTY = settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
FIELD_VALUES = st.one_of(
    st.text(max_size=2100),
    st.sampled_from([*ReviewFeeling.values, *ReviewChannel.values, "", " "]),
)


@PROPERTY
@given(experience=FIELD_VALUES, feeling=FIELD_VALUES, channel=FIELD_VALUES)
def test_the_review_form_is_valid_only_for_clean_values_and_otherwise_speaks_french(
    experience, feeling, channel
):
    from django.utils import translation

    with translation.override("fr"):
        form = ReviewForm({"experience": experience, "feeling": feeling, "channel": channel})
        if form.is_valid():
            data = form.cleaned_data
            assert data["feeling"] in ReviewFeeling.values
            assert data["channel"] in ReviewChannel.values
            assert 0 < len(data["experience"]) <= REVIEW_MAX_LENGTH
            assert "\x00" not in data["experience"] and "\u202e" not in data["experience"]
        else:
            messages = [m for errors in form.errors.values() for m in errors]
            assert messages and all(is_french_message(m) for m in messages), messages


@PROPERTY
@given(experience=st.text(max_size=300), feeling=st.text(max_size=20))
def test_the_public_form_stores_a_review_exactly_when_it_answers_302(
    client, organisation, settings, experience, feeling
):
    settings.REVIEW_SUBMIT_LIMIT = 10_000
    before = Review.objects.count()
    data = {**GOOD, "experience": experience, "feeling": feeling}
    response = client.post(form_url(), data)
    assert response.status_code in (302, 400)
    assert Review.objects.count() == before + (response.status_code == 302)
