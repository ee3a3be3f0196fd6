"""Campaign pages of the DITP: list, creation, figures, links, API key, early closing."""

import csv
import io
import json
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.translation import gettext

from centres.enums import Role
from centres.models import Centre
from surveys.defaults import CITIZEN_CODE
from surveys.models import Campaign, Invitation, Questionnaire
from surveys.services.answering import response_submit
from surveys.services.campaigns import campaign_api_key_rotate, invitations_issue
from surveys.tokens import token_hash

from ..conftest import _campaign, a_day

pytestmark = pytest.mark.django_db

LIST = reverse("surveys:campaign_list")
CREATE = reverse("surveys:campaign_create")


def fr(msgid: str) -> str:
    """A message as the French UI shows it (the .po gives the French of new msgids)."""
    with translation.override("fr"):
        return gettext(msgid)


def detail(campaign) -> str:
    return reverse("surveys:campaign_detail", kwargs={"slug": campaign.slug})


def links_url(campaign) -> str:
    return reverse("surveys:campaign_links", kwargs={"slug": campaign.slug})


@pytest.fixture
def admin(client, users):
    client.force_login(users[Role.DITP_ADMIN])
    return client


def valid_form(**changes) -> dict:
    pap = Centre.objects.filter(structure__code="dgfip-pap")
    data = {
        "name": "Usagers du printemps",
        "slug": "usagers-printemps",
        "questionnaire": Questionnaire.objects.get(code=CITIZEN_CODE, version=1).pk,
        "structure": pap.first().structure_id,
        "centres": [c.pk for c in pap],
        "opens_on": a_day(1).isoformat(),
        "closes_on": a_day(31).isoformat(),
        "channel": "phone",
        "link_validity_days": "10",
    }
    return data | changes


# List ------------------------------------------------------------------------------------------


def test_the_list_is_empty_at_first_and_offers_a_new_campaign(admin):
    response = admin.get(LIST)
    assert response.status_code == 200
    assert fr("No campaign yet") in response.content.decode()
    assert CREATE in response.content.decode()


def test_the_list_shows_state_and_counts_of_each_campaign(admin, citizen_campaign):
    tokens = [t for _c, t in invitations_issue(campaign=citizen_campaign, count=3)]
    response_submit(token=tokens[0], answers=[])
    upcoming = _campaign("plus-tard", CITIZEN_CODE)
    upcoming.opens_on, upcoming.closes_on = a_day(5), a_day(40)
    upcoming.save(update_fields=["opens_on", "closes_on"])
    page = admin.get(LIST).context["page_obj"]
    rows = {c.slug: c for c in page.object_list}
    assert [c.slug for c in page.object_list] == ["plus-tard", "usagers-test"]  # newest first
    first = rows["usagers-test"]
    assert (first.links_issued, first.links_used, first.responses_count) == (3, 1, 0)
    assert (first.state, rows["plus-tard"].state) == ("running", "upcoming")


def test_the_list_reads_a_fixed_number_of_queries_whatever_the_campaigns(admin, citizen_campaign):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert admin.get(LIST).status_code == 200
        return len(captured)

    before = queries()
    for n in range(4):
        campaign = _campaign(f"autre-{n}", CITIZEN_CODE)
        list(invitations_issue(campaign=campaign, count=2))
    assert queries() == before


def test_a_closed_campaign_reads_closed(admin, citizen_campaign):
    citizen_campaign.closes_on = a_day(-1)
    citizen_campaign.save(update_fields=["closes_on"])
    assert admin.get(LIST).context["page_obj"].object_list[0].state == "closed"


# Creation --------------------------------------------------------------------------------------


def test_creating_a_campaign_stores_it_and_leads_to_its_page(admin, organisation):
    response = admin.post(CREATE, valid_form())
    campaign = Campaign.objects.get(slug="usagers-printemps")
    assert response.status_code == 302 and response.url == detail(campaign)
    assert campaign.centres.count() == Centre.objects.filter(structure__code="dgfip-pap").count()
    assert campaign.link_validity_days == 10 and campaign.questionnaire.is_frozen
    page = admin.get(response.url).content.decode()
    assert "Usagers du printemps" in page


def test_the_creation_form_checks_every_centre_of_the_structure(admin, organisation):
    form = admin.get(CREATE).context["form"]
    pap = set(Centre.objects.filter(structure__code="dgfip-pap").values_list("pk", flat=True))
    assert set(form.initial["centres"]) == pap


# Django's own messages (French in Django's catalogue).
INVALID_CHOICE = "Select a valid choice. %(value)s is not one of the available choices."
INVALID_MODEL_CHOICE = "Select a valid choice. That choice is not one of the available choices."
TOO_SMALL = "Ensure this value is greater than or equal to %(limit_value)s."


@pytest.mark.parametrize(
    "changes, field, message",
    [
        ({"name": ""}, "name", "This field is required."),
        (
            {"slug": "Pas un code!"},
            "slug",
            "Use only lowercase letters, digits, hyphens and underscores.",
        ),
        ({"slug": "usagers-test"}, "slug", "A campaign already has this code: choose another."),
        ({"slug": "nouvelle"}, "slug", "This code is reserved: choose another."),
        (
            {"closes_on": a_day(0).isoformat()},
            "closes_on",
            "The campaign cannot close before it opens.",
        ),
        ({"opens_on": "31/02/2026"}, "opens_on", "Enter a valid date."),
        ({"centres": []}, "centres", "Choose at least one centre."),
        ({"centres": ["999999"]}, "centres", INVALID_CHOICE),
        ({"link_validity_days": "0"}, "link_validity_days", TOO_SMALL),
        (
            {"link_validity_days": "366"},
            "link_validity_days",
            "Ensure this value is less than or equal to %(limit_value)s.",
        ),
        ({"channel": "pigeon"}, "channel", INVALID_CHOICE),
        ({"questionnaire": "abc"}, "questionnaire", INVALID_MODEL_CHOICE),
    ],
)
def test_invalid_input_is_refused_in_french_and_stores_nothing(
    admin, citizen_campaign, changes, field, message
):
    response = admin.post(CREATE, valid_form(**changes))
    assert response.status_code == 400
    assert field in response.context["form"].errors
    french = fr(message).split("%")[0]
    assert escape(french) in response.content.decode()
    assert Campaign.objects.count() == 1


def test_a_centre_of_another_structure_is_refused(admin, citizen_campaign, foreign_centre):
    response = admin.post(CREATE, valid_form(centres=[foreign_centre.pk]))
    assert response.status_code == 400
    assert foreign_centre.name in response.context["form"].errors["centres"][0]
    assert Campaign.objects.count() == 1


def test_the_database_still_refuses_a_duplicate_code(citizen_campaign):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Campaign.objects.create(
            slug=citizen_campaign.slug,
            name="Doublon",
            questionnaire=citizen_campaign.questionnaire,
            structure=citizen_campaign.structure,
            channel="phone",
            opens_on=a_day(0),
            closes_on=a_day(1),
        )


# Access ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.REFERENT, Role.AUDITOR, Role.DECIDER, "no_role"])
def test_other_roles_are_refused(client, users, citizen_campaign, role):
    client.force_login(users[role])
    for url in (LIST, CREATE, detail(citizen_campaign)):
        assert client.get(url).status_code == 403, url


def test_the_correspondent_reads_but_does_not_change(client, users, citizen_campaign):
    client.force_login(users[Role.CORRESPONDENT])
    assert client.get(LIST).status_code == 200
    page = client.get(detail(citizen_campaign))
    assert page.status_code == 200 and links_url(citizen_campaign) not in page.content.decode()
    assert client.get(CREATE).status_code == 403
    assert client.post(links_url(citizen_campaign), {"count": 1}).status_code == 403
    for name in ("surveys:campaign_api_key", "surveys:campaign_close"):
        assert client.post(reverse(name, kwargs={"slug": citizen_campaign.slug})).status_code == 403


def test_the_correspondent_does_not_see_another_networks_campaign(client, users, foreign_centre):
    from surveys.services.campaigns import campaign_create

    other = campaign_create(
        slug="ailleurs",
        name="Ailleurs",
        questionnaire=Questionnaire.objects.get(code=CITIZEN_CODE, version=1),
        centres=[foreign_centre],
        channel="phone",
        opens_on=a_day(0),
        closes_on=a_day(10),
    )
    client.force_login(users[Role.CORRESPONDENT])
    assert client.get(detail(other)).status_code == 404
    assert client.get(LIST).context["page_obj"].paginator.count == 0


def test_an_unknown_campaign_is_a_404(admin):
    assert (
        admin.get(reverse("surveys:campaign_detail", kwargs={"slug": "inconnue"})).status_code
        == 404
    )


def test_anonymous_visitors_are_sent_to_sign_in(client, citizen_campaign):
    response = client.get(detail(citizen_campaign))
    assert response.status_code == 302 and response.url.startswith(reverse("accounts:login"))


def test_changes_need_a_post_and_a_csrf_token(users, citizen_campaign):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(users[Role.DITP_ADMIN])
    assert client.get(links_url(citizen_campaign)).status_code == 405
    assert client.post(links_url(citizen_campaign), {"count": 1}).status_code == 403
    close = reverse("surveys:campaign_close", kwargs={"slug": citizen_campaign.slug})
    assert client.post(close).status_code == 403
    assert Invitation.objects.count() == 0


# Figures ---------------------------------------------------------------------------------------


def test_the_page_counts_links_and_responses_per_centre(admin, citizen_campaign, issue):
    tokens = issue(citizen_campaign, 4, "lille")
    response_submit(token=tokens[0], answers=[])
    Invitation.objects.filter(token_hash=token_hash(tokens[1])).update(
        expires_at=timezone.now() - timedelta(minutes=1)
    )
    response = admin.get(detail(citizen_campaign))
    lille = next(c for c in response.context["centres"] if c.code == "lille")
    counts = (lille.links_issued, lille.links_used, lille.links_expired, lille.responses_count)
    assert counts == (4, 1, 1, 0)  # the sheet waits in the ballot box
    assert "1 réponse en attente de dépouillement" in response.content.decode()
    assert response.context["totals"]["links_issued"] == 4
    page = response.content.decode()
    assert f"{reverse('surveys:results')}?campaign={citizen_campaign.slug}" in page
    assert "<caption>" in page


def test_the_page_reads_a_fixed_number_of_queries_whatever_the_links(admin, citizen_campaign):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert admin.get(detail(citizen_campaign)).status_code == 200
        return len(captured)

    before = queries()
    tokens = [t for _c, t in invitations_issue(campaign=citizen_campaign, count=45)]
    response_submit(token=tokens[0], answers=[])
    assert queries() == before


def test_an_agent_campaign_links_to_its_agents_page(admin, agent_campaign):
    page = admin.get(detail(agent_campaign)).content.decode()
    assert reverse("surveys:agent_contacts", kwargs={"slug": agent_campaign.slug}) in page


# Links -----------------------------------------------------------------------------------------


def _rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode())))


def test_issued_links_come_as_a_csv_whose_links_open_the_survey(admin, client, citizen_campaign):
    response = admin.post(links_url(citizen_campaign), {"count": 5, "centre": "*"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith("attachment;")
    header, *rows = _rows(response)
    assert header == ["lien", "centre"] and len(rows) == 5
    assert Invitation.objects.filter(campaign=citizen_campaign).count() == 5
    for url, centre in rows:
        token = urlsplit(url).path.rsplit("/", 1)[1]
        assert Invitation.objects.filter(token_hash=token_hash(token)).exists()
        assert not Invitation.objects.filter(token_hash=token).exists()  # never stored in clear
        assert Centre.objects.filter(code=centre).exists()
        assert admin.get(urlsplit(url).path).status_code == 200


def test_links_for_one_centre_are_all_of_that_centre(admin, citizen_campaign):
    response = admin.post(links_url(citizen_campaign), {"count": 3, "centre": "lille"})
    _header, *rows = _rows(response)
    assert [centre for _url, centre in rows] == ["lille"] * 3


@pytest.mark.parametrize(
    "data, message",
    [
        ({"count": "10001"}, "issue_invitations"),
        ({"count": "2"}, "This field is required."),
        ({"count": "0"}, TOO_SMALL),
        ({"count": ""}, "Give the number of links to issue."),
        ({"count": "2", "centre": "ailleurs"}, INVALID_CHOICE),
    ],
)
def test_a_wrong_number_of_links_is_refused(admin, citizen_campaign, data, message):
    response = admin.post(links_url(citizen_campaign), data)
    assert response.status_code == 400
    assert fr(message).split("%")[0] in response.content.decode()
    assert Invitation.objects.count() == 0


def test_no_link_is_issued_for_a_closed_campaign(admin, citizen_campaign):
    citizen_campaign.closes_on = a_day(-1)
    citizen_campaign.save(update_fields=["closes_on"])
    response = admin.post(links_url(citizen_campaign), {"count": 2, "centre": "*"})
    assert response.status_code == 400
    assert fr("This campaign is closed: new links would not work.") in response.content.decode()
    assert Invitation.objects.count() == 0


def test_a_closed_campaign_shows_no_issuing_form(admin, citizen_campaign):
    """The form showed on closed campaigns, and its submission was then refused."""
    page = admin.get(detail(citizen_campaign)).content.decode()
    assert links_url(citizen_campaign) in page and 'id="links-closed"' not in page
    citizen_campaign.closes_on = a_day(-1)
    citizen_campaign.save(update_fields=["closes_on"])
    page = admin.get(detail(citizen_campaign)).content.decode()
    assert links_url(citizen_campaign) not in page and 'id="links-closed"' in page


# API key ---------------------------------------------------------------------------------------


def _ask_a_link(client, campaign, key: str) -> int:
    response = client.post(
        reverse("surveys:invitation_api", kwargs={"slug": campaign.slug}),
        data=json.dumps({"centre": "lille"}),
        content_type="application/json",
        headers={"Authorization": f"Bearer {key}"},
    )
    return response.status_code


def test_the_confirmation_page_changes_nothing(admin, citizen_campaign):
    url = reverse("surveys:campaign_api_key", kwargs={"slug": citizen_campaign.slug})
    assert admin.get(url).status_code == 200
    citizen_campaign.refresh_from_db()
    assert citizen_campaign.api_key_hash == ""


def test_regenerating_the_key_makes_the_old_one_fail(admin, client, citizen_campaign):
    old = campaign_api_key_rotate(campaign=citizen_campaign)
    url = reverse("surveys:campaign_api_key", kwargs={"slug": citizen_campaign.slug})
    response = admin.post(url)
    assert response.status_code == 200 and response["Cache-Control"].startswith("max-age=0")
    new = response.context["key"]
    assert new in response.content.decode()
    citizen_campaign.refresh_from_db()
    assert citizen_campaign.api_key_hash == token_hash(new)  # only its hash is stored
    assert _ask_a_link(client, citizen_campaign, old) == 401
    assert _ask_a_link(client, citizen_campaign, new) == 201


# Closing early ---------------------------------------------------------------------------------


def test_closing_early_ends_the_campaign_today_and_its_links_with_it(
    admin, citizen_campaign, issue
):
    token, used = issue(citizen_campaign, 2)
    response_submit(token=used, answers=[])
    url = reverse("surveys:campaign_close", kwargs={"slug": citizen_campaign.slug})
    assert admin.get(url).status_code == 200
    response = admin.post(url)
    assert response.status_code == 302 and response.url == detail(citizen_campaign)
    citizen_campaign.refresh_from_db()
    assert citizen_campaign.closes_on == timezone.localdate()
    invitation = Invitation.objects.get(token_hash=token_hash(token))
    assert timezone.localtime(invitation.expires_at).date() == a_day(1)
    assert timezone.localtime(invitation.expires_at).time().hour == 0


def test_a_campaign_that_is_not_running_cannot_be_closed(admin, citizen_campaign):
    citizen_campaign.closes_on = a_day(0)
    citizen_campaign.save(update_fields=["closes_on"])
    url = reverse("surveys:campaign_close", kwargs={"slug": citizen_campaign.slug})
    assert admin.post(url).status_code == 409
    citizen_campaign.refresh_from_db()
    assert citizen_campaign.closes_on == a_day(0)


# Bad-input corpus ------------------------------------------------------------------------------


def test_the_creation_form_resists_the_corpus(admin, citizen_campaign):
    from ...bad_input import check_form_resists_bad_input

    valid = valid_form()
    valid["centres"] = str(valid["centres"][0])
    check_form_resists_bad_input(
        admin,
        CREATE,
        valid={k: str(v) for k, v in valid.items()},
        may_accept=lambda field, payload: field in ("name", "slug"),  # any valid text
    )


def test_the_links_form_resists_the_corpus(admin, citizen_campaign):
    from ...bad_input import check_form_resists_bad_input

    check_form_resists_bad_input(
        admin, links_url(citizen_campaign), valid={"count": "1", "centre": "lille"}
    )
