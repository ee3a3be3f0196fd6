"""Questionnaire pages of the DITP administrator: versions, one version, a new version from it."""

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext, ngettext

from centres.enums import Role
from centres.models import Centre
from surveys.defaults import AGENT_CODE, CITIZEN_CODE
from surveys.models import Campaign, Question, Questionnaire
from surveys.services.campaigns import campaign_create
from surveys.services.questionnaires import (
    QuestionData,
    questionnaire_new_version,
    questionnaire_version_create,
)

from ...conftest import requires_postgresql

pytestmark = pytest.mark.django_db


def fr(msgid: str, plural: str = "", n: int = 1) -> str:
    """The French of a message (its English msgid until the catalogue has it)."""
    with translation.override("fr"):
        return ngettext(msgid, plural, n) if plural else gettext(msgid)


FIELDS = ["code", "text_fr", "text_en", "engagement_number", "kind", "required", "is_headline"]


def form_data(questionnaire, extra_rows: int = 3, **changes) -> dict:
    """The POST body of the new-version form as the page shows it; `changes` are
    {"questions-0-text_fr": "..."} overrides (None removes a field)."""
    questions = list(questionnaire.questions.order_by("position"))
    data = {
        "questions-TOTAL_FORMS": str(len(questions) + extra_rows),
        "questions-INITIAL_FORMS": str(len(questions)),
        "questions-MIN_NUM_FORMS": "0",
        "questions-MAX_NUM_FORMS": "60",
    }
    for index, question in enumerate(questions):
        prefix = f"questions-{index}-"
        data |= {
            prefix + "code": question.code,
            prefix + "text_fr": question.text_fr,
            prefix + "text_en": question.text_en,
            prefix + "engagement_number": question.engagement_number or "",
            prefix + "kind": question.kind,
            prefix + "order": str(question.position),
        }
        if question.required:
            data[prefix + "required"] = "on"
        if question.is_headline:
            data[prefix + "is_headline"] = "on"
    for index in range(len(questions), len(questions) + extra_rows):
        data[f"questions-{index}-required"] = "on"  # checked in a blank row, as shown
    data |= changes
    return {key: value for key, value in data.items() if value is not None}


@pytest.fixture
def admin_client(client, users):
    client.force_login(users[Role.DITP_ADMIN])
    return client


def citizen_v1():
    return Questionnaire.objects.get(code=CITIZEN_CODE, version=1)


def agent_v1():
    return Questionnaire.objects.get(code=AGENT_CODE, version=1)


def new_version_url(questionnaire):
    return reverse("surveys:questionnaire_new_version", kwargs={"pk": questionnaire.pk})


def snapshot(questionnaire):
    return list(questionnaire.questions.order_by("position").values_list(*FIELDS, "position"))


# --- list and detail ---------------------------------------------------------------------------


def test_the_list_groups_versions_by_questionnaire_with_their_use(admin_client, citizen_campaign):
    questionnaire_new_version(questionnaire=citizen_campaign.questionnaire)
    html = admin_client.get(reverse("surveys:questionnaire_list")).content.decode()
    assert "Enquête de satisfaction des usagers (téléphone)" in html
    assert "Enquête auprès des agents" in html and "Usagers" in html
    badge = ">{}</p>"
    assert html.count(badge.format(fr("frozen"))) == 1
    assert html.count(badge.format(fr("not used yet"))) == 2
    row = html.split(reverse("surveys:questionnaire_detail", args=[citizen_v1().pk]))[1]
    assert [cell.split("</td>")[0] for cell in row.split("<td>")[2:4]] == ["1", "6"]


def test_the_list_shows_an_empty_state_without_questionnaire(admin_client):
    Questionnaire.objects.all().delete()
    html = admin_client.get(reverse("surveys:questionnaire_list")).content.decode()
    assert fr("No questionnaire yet") in html


def test_the_list_takes_a_fixed_number_of_queries(
    admin_client, citizen_campaign, django_assert_max_num_queries
):
    for _ in range(3):
        questionnaire_new_version(questionnaire=citizen_campaign.questionnaire)
    with django_assert_max_num_queries(12):
        assert admin_client.get(reverse("surveys:questionnaire_list")).status_code == 200


def test_the_detail_shows_questions_in_order_and_the_campaigns(admin_client, citizen_campaign):
    url = reverse("surveys:questionnaire_detail", args=[citizen_campaign.questionnaire.pk])
    html = admin_client.get(url).content.decode()
    assert html.index("l&#x27;accueil et de la courtoisie") < html.index("Globalement")
    assert "How satisfied are you with the clarity" in html
    assert "Engagement 5" in html and "Satisfaction globale" in html
    assert fr("4-point satisfaction scale") in html and fr("Free comment") in html
    assert "Campagne usagers-test" in html
    assert fr("Create a new version") in html


def test_an_unknown_questionnaire_is_a_404(admin_client):
    url = reverse("surveys:questionnaire_detail", args=[987654])
    assert admin_client.get(url).status_code == 404
    assert (
        admin_client.get(reverse("surveys:questionnaire_new_version", args=[987654])).status_code
        == 404
    )


@pytest.mark.parametrize("role", [Role.DECIDER, Role.CORRESPONDENT, Role.REFERENT])
def test_other_roles_cannot_create_a_version(client, users, role):
    client.force_login(users[role])
    response = client.post(new_version_url(citizen_v1()), form_data(citizen_v1()))
    assert response.status_code == 403
    assert Questionnaire.objects.filter(code=CITIZEN_CODE).count() == 1


def test_anonymous_is_sent_to_the_login_page(client, organisation):
    response = client.get(reverse("surveys:questionnaire_list"))
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]


# --- a new version ------------------------------------------------------------------------------


def test_the_form_holds_the_source_questions_and_blank_rows(admin_client):
    html = admin_client.get(new_version_url(citizen_v1())).content.decode()
    assert 'name="questions-0-code" value="e1"' in html
    assert 'name="questions-8-code"' in html and 'name="questions-9-code"' not in html
    assert 'name="questions-0-DELETE"' in html and "is_headline" not in html
    assert 'for="id_questions-0-text_fr"' in html


def test_a_new_version_is_created_with_the_edits_and_the_source_is_unchanged(
    admin_client, citizen_campaign
):
    source = citizen_campaign.questionnaire
    before = snapshot(source)
    data = form_data(
        source,
        **{
            "questions-0-text_fr": "Avez-vous été bien accueilli(e) ?",
            "questions-3-DELETE": "on",  # e5
            "questions-6-code": "e8",
            "questions-6-text_fr": "Le cadre d'accueil vous convient-il ?",
            "questions-6-text_en": "Are the premises suitable?",
            "questions-6-engagement_number": "8",
            "questions-6-kind": "satisfaction_4",
            "questions-6-order": "4",  # the place of the removed e5
        },
    )
    response = admin_client.post(new_version_url(source), data, follow=True)
    created = Questionnaire.objects.get(code=CITIZEN_CODE, version=2)
    assert response.redirect_chain[-1][0] == reverse(
        "surveys:questionnaire_detail", args=[created.pk]
    )
    assert [q.code for q in created.questions.order_by("position")] == [
        "e1",
        "e2",
        "e3",
        "e8",
        "overall",
        "comment",
    ]
    assert created.questions.get(code="e1").text_fr == "Avez-vous été bien accueilli(e) ?"
    assert created.questions.get(code="e8").engagement_number == 8
    assert not created.is_frozen and created.audience == "citizen"
    assert snapshot(source) == before
    assert Campaign.objects.get(pk=citizen_campaign.pk).questionnaire_id == source.pk


def test_the_success_message_summarises_the_differences(admin_client):
    source = citizen_v1()
    data = form_data(
        source,
        **{
            "questions-1-required": None,  # e2 no longer required
            "questions-3-DELETE": "on",
            "questions-6-code": "e4",
            "questions-6-text_fr": "Délais ?",
            "questions-6-text_en": "Delays?",
            "questions-6-engagement_number": "4",
            "questions-6-kind": "scale_5",
        },
    )
    html = admin_client.post(new_version_url(source), data, follow=True).content.decode()
    added = fr("%(count)s question added (%(codes)s)", "%(count)s questions added (%(codes)s)")
    removed = fr("%(count)s question removed (%(codes)s)", "-", 1)
    changed = fr("%(count)s question changed (%(codes)s)", "-", 1)
    assert added % {"count": 1, "codes": "e4"} in html
    assert removed % {"count": 1, "codes": "e5"} in html
    assert changed % {"count": 1, "codes": "e2"} in html
    assert "Version 2" in html and "version 1" in html


def test_the_detail_of_a_new_version_shows_what_changed_against_the_previous(admin_client):
    source = citizen_v1()
    questions = [QuestionData.of(q) for q in source.questions.exclude(code="comment")]
    created = questionnaire_version_create(source=source, questions=questions)
    url = reverse("surveys:questionnaire_detail", args=[created.pk])
    html = admin_client.get(url).content.decode()
    removed = fr("%(count)s question removed (%(codes)s)", "-", 1)
    assert removed % {"count": 1, "codes": "comment"} in html


def test_versions_are_numbered_after_the_highest_one_whatever_the_source(organisation):
    source = citizen_v1()
    questions = [QuestionData.of(q) for q in source.questions.all()]
    second = questionnaire_version_create(source=source, questions=questions)
    third = questionnaire_version_create(source=source, questions=questions[:2])
    assert (second.version, third.version) == (2, 3)
    assert third.questions.count() == 2 and source.questions.count() == 6


def test_the_new_version_can_be_chosen_for_a_new_campaign(admin_client, citizen_campaign):
    source = citizen_campaign.questionnaire
    admin_client.post(new_version_url(source), form_data(source, **{"questions-5-DELETE": "on"}))
    created = Questionnaire.objects.get(code=CITIZEN_CODE, version=2)
    today = timezone.localdate()
    campaign = campaign_create(
        slug="usagers-v2",
        name="Campagne v2",
        questionnaire=created,
        centres=Centre.objects.filter(structure__code="dgfip-pap"),
        channel="phone",
        opens_on=today,
        closes_on=today + timedelta(days=30),
    )
    assert campaign.questionnaire == created
    created.refresh_from_db()
    assert created.is_frozen
    assert Campaign.objects.get(slug="usagers-test").questionnaire == source


# --- invalid inputs: 400, a French message, nothing stored ------------------------------------


def _refused(client, source, data, message):
    count = Questionnaire.objects.count()
    questions = Question.objects.count()
    response = client.post(new_version_url(source), data)
    html = response.content.decode()
    assert response.status_code == 400
    assert message in html, html[html.find("fr-alert") : html.find("fr-alert") + 800]
    assert (Questionnaire.objects.count(), Question.objects.count()) == (count, questions)


def test_removing_every_question_is_refused(admin_client):
    source = citizen_v1()
    removals = {f"questions-{i}-DELETE": "on" for i in range(6)}
    _refused(admin_client, source, form_data(source, **removals), fr("Keep at least one question."))


def test_two_questions_with_the_same_code_are_refused(admin_client):
    source = citizen_v1()
    data = form_data(source, **{"questions-1-code": "e1"})
    _refused(
        admin_client,
        source,
        data,
        fr("Two questions have the code « %(code)s »: each code must be unique.") % {"code": "e1"},
    )


def test_an_engagement_beyond_8_is_refused(admin_client):
    source = citizen_v1()
    data = form_data(source, **{"questions-0-engagement_number": "9"})
    _refused(
        admin_client,
        source,
        data,
        fr("Choose an engagement from 1 to 8, or none for the overall question."),
    )


def test_a_missing_french_wording_is_refused(admin_client):
    source = citizen_v1()
    data = form_data(source, **{"questions-0-text_fr": ""})
    _refused(admin_client, source, data, fr("Give the wording in French."))


def test_a_wording_too_long_is_refused(admin_client):
    source = citizen_v1()
    data = form_data(source, **{"questions-0-text_en": "x" * 401})
    message = fr(
        "This wording is too long: %(limit_value)d characters at most (it has %(show_value)d)."
    )
    _refused(admin_client, source, data, message % {"limit_value": 400, "show_value": 401})


def test_a_half_filled_new_row_is_refused(admin_client):
    source = citizen_v1()
    data = form_data(source, **{"questions-6-text_fr": "Une question sans code ?"})
    _refused(admin_client, source, data, fr("Give the question a code."))


def test_nothing_changed_is_refused(admin_client):
    source = citizen_v1()
    message = fr("Nothing changed compared with version %(version)s: change a question first.")
    _refused(admin_client, source, form_data(source), message % {"version": 1})


def test_an_agent_questionnaire_needs_exactly_one_headline_question(admin_client):
    source = agent_v1()
    data = form_data(source, **{"questions-0-is_headline": None})
    message = fr(
        "Mark exactly one question as the headline question (%(count)s is).",
        "Mark exactly one question as the headline question (%(count)s are).",
        0,
    )
    _refused(admin_client, source, data, message % {"count": 0})
    data = form_data(source, **{"questions-1-is_headline": "on"})
    message = fr(
        "Mark exactly one question as the headline question (%(count)s is).",
        "Mark exactly one question as the headline question (%(count)s are).",
        2,
    )
    _refused(admin_client, source, data, message % {"count": 2})


def test_the_headline_question_cannot_be_a_comment(admin_client):
    source = agent_v1()
    data = form_data(source, **{"questions-0-kind": "comment"})
    _refused(admin_client, source, data, fr("The headline question cannot be a free comment."))


def test_a_tampered_management_form_is_refused(admin_client):
    source = citizen_v1()
    data = form_data(source, **{"questions-0-text_fr": "Autre ?", "questions-TOTAL_FORMS": None})
    response = admin_client.post(new_version_url(source), data)
    assert response.status_code == 400
    assert Questionnaire.objects.filter(code=CITIZEN_CODE).count() == 1


def test_the_form_refuses_a_post_without_csrf_token(users):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(users[Role.DITP_ADMIN])
    source = citizen_v1()
    data = form_data(source, **{"questions-0-text_fr": "Autre ?"})
    assert client.post(new_version_url(source), data).status_code == 403
    assert Questionnaire.objects.filter(code=CITIZEN_CODE).count() == 1


# --- concurrency --------------------------------------------------------------------------------

CONCURRENT = 6


@requires_postgresql
@pytest.mark.django_db(transaction=True)
def test_concurrent_new_versions_get_distinct_numbers(organisation):
    from surveys.defaults import default_questionnaires_seed

    default_questionnaires_seed(Questionnaire, Question)
    source = citizen_v1()
    questions = [QuestionData.of(q) for q in source.questions.all()]
    barrier = threading.Barrier(CONCURRENT)
    errors = []

    def create():
        try:
            barrier.wait()
            questionnaire_version_create(source=source, questions=questions)
        except Exception as error:  # noqa: BLE001 - reported by the assertion below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=create) for _ in range(CONCURRENT)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    versions = Questionnaire.objects.filter(code=CITIZEN_CODE).values_list("version", flat=True)
    assert sorted(versions) == list(range(1, CONCURRENT + 2))
