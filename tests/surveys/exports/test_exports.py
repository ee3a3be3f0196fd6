"""Streamed exports neutralise formulas; the phone platform's JSON endpoint issues links."""

import io
import json
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from centres.enums import Role
from surveys.models import Invitation
from surveys.queries.exports import neutralise
from surveys.services.campaigns import campaign_api_key_rotate

from ..conftest import GOOD_ANSWERS

pytestmark = pytest.mark.django_db


def export_url(kind, fmt, slug="usagers-test"):
    return reverse("surveys:export", kwargs={"slug": slug, "kind": kind, "fmt": fmt})


@pytest.fixture
def answered(client, settings, citizen_campaign, issue, count_all):
    """Two answers from Lille, counted by the mixer (batches of 2 here)."""
    settings.SURVEY_K_ANONYMITY = 2
    for token, comment in zip(
        issue(citizen_campaign, n=2, centre_code="lille"),
        ['=HYPERLINK("http://evil")', "+ de guichets"],
        strict=True,
    ):
        client.post(
            reverse("surveys:answer", kwargs={"token": token}),
            {**GOOD_ANSWERS, "q_comment": comment},
        )
    assert count_all(citizen_campaign).mixed == 2
    return citizen_campaign


@pytest.mark.parametrize("value", ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"])
def test_cells_that_look_like_formulas_are_neutralised(value):
    assert neutralise(value) == "'" + value
    assert neutralise("Très bien") == "Très bien" and neutralise(3) == 3


def test_the_responses_csv_is_streamed_and_neutralised(client, users, answered):
    client.force_login(users[Role.DITP_ADMIN])
    response = client.get(export_url("responses", "csv"))
    assert response.status_code == 200 and response.streaming
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    assert text.splitlines()[0] == "centre,day,e1,e2,e3,e5,overall,comment"
    assert "'=HYPERLINK" in text and "'+ de guichets" in text and text.count("\r\nlille,") == 2


def test_the_responses_xlsx_holds_no_formula(
    client, users, answered, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.EXPORT_ROOT = tmp_path
    client.force_login(users[Role.DITP_ADMIN])
    with django_capture_on_commit_callbacks(execute=True):  # an XLSX of responses is a job
        job_page = client.post(export_url("responses", "xlsx"))
    response = client.get(job_page.url + "telecharger/")
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    cells = [cell.value for row in sheet.iter_rows() for cell in row]
    assert '\'=HYPERLINK("http://evil")' in cells
    assert not any(isinstance(c, str) and c.startswith("=") for c in cells)


def test_the_open_data_file_follows_the_schema(client, users, citizen_campaign, settings, answered):
    settings.SURVEY_MIN_SAMPLE = 2
    client.force_login(users[Role.CORRESPONDENT])
    text = b"".join(client.get(export_url("opendata", "csv")).streaming_content).decode("utf-8-sig")
    lines = text.splitlines()
    assert lines[0] == (
        "code_structure,typologie,nom_structure,code_postal,ville,"
        "code_indicateur,valeur,frequence,date_mise_a_jour"
    )
    assert any(
        line.startswith("lille,") and ",satisfaction_globale,100.0,annuelle," in line
        for line in lines
    )


def test_raw_agent_answers_cannot_be_exported(client, users, agent_campaign):
    client.force_login(users[Role.DITP_ADMIN])
    assert client.get(export_url("responses", "csv", slug="agents-test")).status_code == 403
    assert client.get(export_url("results", "csv", slug="agents-test")).status_code == 200


def test_a_referent_exports_only_their_centre(client, users, answered, issue, count_all):
    answered.closes_on = timezone.localdate() + timedelta(days=30)  # open again for Lens
    answered.save(update_fields=["closes_on"])
    for token in issue(answered, n=2, centre_code="lens"):
        client.post(reverse("surveys:answer", kwargs={"token": token}), GOOD_ANSWERS)
    assert count_all(answered).mixed == 2
    client.force_login(users[Role.REFERENT])
    text = b"".join(client.get(export_url("responses", "csv")).streaming_content).decode()
    assert "lille," in text and "lens," not in text


def api(client, key, body, slug="usagers-test"):
    return client.post(
        reverse("surveys:invitation_api", kwargs={"slug": slug}),
        data=body,
        content_type="application/json",
        headers={"Authorization": f"Bearer {key}"} if key else {},
    )


def test_the_phone_platform_gets_one_link_per_call(client, citizen_campaign):
    key = campaign_api_key_rotate(campaign=citizen_campaign)
    response = api(client, key, json.dumps({"centre": "lille"}))
    assert response.status_code == 201
    path = "/" + response.json()["url"].split("://", 1)[1].split("/", 1)[1]
    assert client.get(path).status_code == 200
    assert Invitation.objects.get().centre.code == "lille"


@pytest.mark.parametrize(
    "key, body, status",
    [
        ("", '{"centre": "lille"}', 401),
        ("wrong-key", '{"centre": "lille"}', 401),
        ("GOOD", "not json", 400),
        ("GOOD", '{"centre": "nowhere"}', 400),
        ("GOOD", '["lille"]', 400),
    ],
)
def test_the_link_endpoint_refuses_bad_requests(client, citizen_campaign, key, body, status):
    good = campaign_api_key_rotate(campaign=citizen_campaign)
    response = api(client, good if key == "GOOD" else key, body)
    assert response.status_code == status and "error" in response.json()
    assert not Invitation.objects.exists()
