"""Answering a survey through its public page: happy path, languages and link states."""

from datetime import timedelta

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from surveys.models import Answer, DailyRollup, Invitation, Response
from surveys.tokens import token_hash

pytestmark = pytest.mark.django_db


def url(token):
    return reverse("surveys:answer", kwargs={"token": token})


def test_a_citizen_answers_and_lands_on_the_thank_you_page(
    client, citizen_campaign, issue, good_answers
):
    token = issue(citizen_campaign, centre_code="lille")[0]
    response = client.post(url(token), good_answers, follow=True)
    assert response.status_code == 200
    assert "Merci pour vos réponses" in response.content.decode()
    stored = Response.objects.get()
    assert (stored.centre.code, stored.day) == ("lille", timezone.localdate())
    assert Answer.objects.filter(response=stored).count() == 6
    assert Answer.objects.get(question__code="comment").text == "Très bon accueil."


def test_an_answer_increments_the_daily_rollups(client, citizen_campaign, issue, good_answers):
    for token in issue(citizen_campaign, n=2, centre_code="lille"):
        client.post(url(token), good_answers)
    cells = DailyRollup.objects.filter(question__code="e1", value="very")
    assert sum(cell.count for cell in cells) == 2  # in one or two shards of the same cell
    assert {(c.centre.code, c.day) for c in cells} == {("lille", timezone.localdate())}
    assert not DailyRollup.objects.filter(question__code="comment").exists()


def test_the_survey_page_shows_one_fieldset_per_question_in_french(client, citizen_campaign, issue):
    response = client.get(url(issue(citizen_campaign)[0]))
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count('<fieldset class="fr-fieldset') == 5
    assert "Globalement, êtes-vous satisfait(e)" in html and "Très satisfait" in html
    assert "<script" not in html.split("</main>")[0].split("<main")[1]


def test_the_survey_page_speaks_english_on_request(client, citizen_campaign, issue):
    token = issue(citizen_campaign)[0]
    by_switch = client.get(url(token) + "?lang=en").content.decode()
    by_browser = client.get(url(token), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    for html in (by_switch, by_browser):
        assert "Overall, how satisfied are you" in html and "Very satisfied" in html
        assert '<html lang="en"' in html


def test_the_survey_page_reads_at_most_three_queries(
    client, citizen_campaign, issue, django_assert_max_num_queries
):
    token = issue(citizen_campaign)[0]
    with django_assert_max_num_queries(3):
        assert client.get(url(token)).status_code == 200


def test_a_used_link_cannot_answer_twice(client, citizen_campaign, issue, good_answers):
    token = issue(citizen_campaign)[0]
    client.post(url(token), good_answers)
    again = client.post(url(token), good_answers)
    assert again.status_code == 409
    assert "Vous avez déjà répondu à cette enquête" in again.content.decode()
    assert client.get(url(token)).status_code == 409
    assert Response.objects.count() == 1


def test_an_expired_link_shows_a_clear_page(client, citizen_campaign, issue, good_answers):
    token = issue(citizen_campaign)[0]
    Invitation.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
    response = client.post(url(token), good_answers)
    assert response.status_code == 410
    assert "Ce lien d&#x27;enquête a expiré" in response.content.decode()
    assert not Response.objects.exists()


def test_an_unknown_link_says_nothing_about_existing_ones(client, citizen_campaign, issue):
    issue(citizen_campaign)
    for token in ("A" * 22, "not a token", "x" * 300):
        response = client.get(url(token))
        assert response.status_code == 404
        assert "Ce lien d&#x27;enquête ne fonctionne pas" in response.content.decode()


def test_too_many_failed_links_from_one_address_are_refused(
    client, settings, citizen_campaign, issue
):
    settings.SURVEY_FAILED_LINK_LIMIT = 3
    statuses = [client.get(url("B" * 22)).status_code for _ in range(4)]
    assert statuses == [404, 404, 404, 429]
    refused = client.get(url("C" * 22))
    assert refused.status_code == 429 and "Trop de tentatives" in refused.content.decode()
    assert client.get(url("C" * 22), REMOTE_ADDR="10.0.0.9").status_code == 404


def test_failed_links_from_a_shared_address_never_block_a_valid_link(
    client, settings, citizen_campaign, issue, good_answers
):
    settings.SURVEY_FAILED_LINK_LIMIT = 3
    good = issue(citizen_campaign)[0]
    for _ in range(5):
        client.get(url("B" * 22))
    assert client.get(url(good)).status_code == 200
    assert client.post(url(good), good_answers).status_code == 302
    assert Response.objects.count() == 1


def test_the_honeypot_shows_thanks_but_stores_nothing(
    client, citizen_campaign, issue, good_answers
):
    token = issue(citizen_campaign)[0]
    response = client.post(url(token), {**good_answers, "website": "http://spam.example"})
    assert response.status_code == 302
    assert not Response.objects.exists()
    assert Invitation.objects.get(token_hash=token_hash(token)).used_on is None


def test_the_response_table_has_no_column_leading_back_to_an_invitation():
    with connection.cursor() as cursor:
        columns = {
            c.name
            for c in connection.introspection.get_table_description(cursor, "surveys_response")
        }
    assert columns == {"id", "campaign_id", "centre_id", "questionnaire_id", "day"}
    invitation_columns = {f.name for f in Invitation._meta.get_fields()}
    assert "response" not in invitation_columns and "used_at" not in invitation_columns


def test_tokens_are_stored_only_as_hashes(citizen_campaign, issue):
    token = issue(citizen_campaign)[0]
    assert len(token) >= 22  # 128 random bits, URL-safe
    assert not Invitation.objects.filter(token_hash=token).exists()
    assert Invitation.objects.filter(token_hash=token_hash(token)).exists()
