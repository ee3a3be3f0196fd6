"""Answering a survey through its public page: happy path, languages and link states."""

from datetime import timedelta

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from surveys.models import Answer, Ballot, DailyRollup, Invitation, Response
from surveys.tokens import token_hash

pytestmark = pytest.mark.django_db


def url(token):
    return reverse("surveys:answer", kwargs={"token": token})


def test_a_citizen_answers_and_lands_on_the_thank_you_page(
    client, citizen_campaign, issue, good_answers, count_all
):
    token = issue(citizen_campaign, centre_code="lille")[0]
    response = client.post(url(token), good_answers, follow=True)
    assert response.status_code == 200
    assert "Merci pour vos réponses" in response.content.decode()
    # Committed in the ballot box before the reply; a response only once the mixer counts it.
    assert Ballot.objects.get().centre.code == "lille" and not Response.objects.exists()
    assert Invitation.objects.get().used


def test_counted_sheets_become_responses_of_the_counting_day(
    client, settings, citizen_campaign, issue, good_answers
):
    from surveys.services.ballot import ballots_mix

    for token in issue(citizen_campaign, n=10, centre_code="lille"):
        client.post(url(token), good_answers)
    ballots_mix()
    stored = Response.objects.all()
    assert {(r.centre.code, r.day) for r in stored} == {("lille", timezone.localdate())}
    assert len(stored) == 5 and Ballot.objects.count() == 5  # k newest wait for the next batch
    assert Answer.objects.filter(question__code="comment").first().text == "Très bon accueil."
    assert Answer.objects.count() == 5 * 6


def test_counted_answers_increment_the_daily_rollups(
    client, citizen_campaign, issue, good_answers, count_all
):
    for token in issue(citizen_campaign, n=6, centre_code="lille"):
        client.post(url(token), good_answers)
    assert not DailyRollup.objects.exists()  # nothing counted while in the box
    count_all(citizen_campaign)
    cells = DailyRollup.objects.filter(question__code="e1", value="very")
    assert sum(cell.count for cell in cells) == 6
    assert {(c.centre.code, c.day) for c in cells} == {("lille", citizen_campaign.closes_on)}
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
    assert Ballot.objects.count() == 1


def test_an_expired_link_shows_a_clear_page(client, citizen_campaign, issue, good_answers):
    token = issue(citizen_campaign)[0]
    Invitation.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
    response = client.post(url(token), good_answers)
    assert response.status_code == 410
    assert "Ce lien d&#x27;enquête a expiré" in response.content.decode()
    assert not Ballot.objects.exists()


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
    # The sheet waits in the ballot box for the mixer (issue 12): it is stored, not refused.
    assert Ballot.objects.count() == 1


def test_the_honeypot_shows_thanks_but_stores_nothing(
    client, citizen_campaign, issue, good_answers
):
    token = issue(citizen_campaign)[0]
    response = client.post(url(token), {**good_answers, "website": "http://spam.example"})
    assert response.status_code == 302
    assert not Ballot.objects.exists()
    assert not Invitation.objects.get(token_hash=token_hash(token)).used


def test_the_response_table_has_no_column_leading_back_to_an_invitation():
    with connection.cursor() as cursor:
        columns = {
            c.name
            for c in connection.introspection.get_table_description(cursor, "surveys_response")
        }
    assert columns == {"id", "campaign_id", "centre_id", "questionnaire_id", "day"}
    invitation_columns = {f.name for f in Invitation._meta.get_fields()}
    assert "response" not in invitation_columns and "used_at" not in invitation_columns
    assert "used_on" not in invitation_columns  # a used flag, no day
    with connection.cursor() as cursor:
        box = {
            c.name for c in connection.introspection.get_table_description(cursor, "surveys_ballot")
        }
    assert box == {"id", "campaign_id", "centre_id", "sheet"}  # no link, no date


def test_tokens_are_stored_only_as_hashes(citizen_campaign, issue):
    token = issue(citizen_campaign)[0]
    assert len(token) >= 22  # 128 random bits, URL-safe
    assert not Invitation.objects.filter(token_hash=token).exists()
    assert Invitation.objects.filter(token_hash=token_hash(token)).exists()
