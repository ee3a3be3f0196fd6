"""Streamed exports neutralise formulas; the phone platform's JSON endpoint issues links."""

import csv
import io
import json
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from centres.enums import Role
from surveys.models import Invitation
from surveys.queries.exports import csv_lines, neutralise
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


# Compatibility forms that NFKC turns into = + - @ (full-width, small, superscript, subscript).
COMPATIBILITY_FORMULAS = [
    *["＝1+1", "﹦1+1", "⁼1"],
    *["＋33 6", "﹢1", "₊1"],
    *["－1", "﹣1"],
    *["＠SUM(A1)", "﹫x"],
]


@pytest.mark.parametrize("value", COMPATIBILITY_FORMULAS)
def test_compatibility_forms_of_formulas_are_neutralised_after_nfkc(value):
    assert neutralise(value) == "'" + value
    assert "".join(csv_lines([[value]])) == f"\ufeff'{value}\r\n"


def test_other_non_ascii_text_is_left_alone():
    for value in ("Très bien", "²", "Ａccueil parfait", "−1 point", "« = »"):
        assert neutralise(value) == value
        assert "".join(csv_lines([[value]])) == f"\ufeff{value}\r\n"


@pytest.fixture
def answered_in_full_width(client, citizen_campaign, issue, count_all):
    tokens = issue(citizen_campaign, n=len(COMPATIBILITY_FORMULAS), centre_code="lille")
    for token, comment in zip(tokens, COMPATIBILITY_FORMULAS, strict=True):
        client.post(
            reverse("surveys:answer", kwargs={"token": token}),
            {**GOOD_ANSWERS, "q_comment": comment},
        )
    # Sheets become responses once the mixer counts them (issue 12).
    assert count_all(citizen_campaign).mixed == len(COMPATIBILITY_FORMULAS)
    return citizen_campaign


def test_the_responses_csv_neutralises_full_width_formulas(client, users, answered_in_full_width):
    client.force_login(users[Role.DITP_ADMIN])
    response = client.get(export_url("responses", "csv"))
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert sorted(row[-1] for row in rows[1:]) == sorted("'" + v for v in COMPATIBILITY_FORMULAS)


def test_the_responses_xlsx_neutralises_full_width_formulas(
    client, users, answered_in_full_width, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.EXPORT_ROOT = tmp_path
    client.force_login(users[Role.DITP_ADMIN])
    with django_capture_on_commit_callbacks(execute=True):
        job_page = client.post(export_url("responses", "xlsx"))
    response = client.get(job_page.url + "telecharger/")
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    comments = [row[-1].value for row in sheet.iter_rows(min_row=2)]
    assert sorted(comments) == sorted("'" + v for v in COMPATIBILITY_FORMULAS)


def test_the_responses_csv_is_streamed_and_neutralised(client, users, answered):
    client.force_login(users[Role.DITP_ADMIN])
    response = client.get(export_url("responses", "csv"))
    assert response.status_code == 200 and response.streaming
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    assert text.splitlines()[0].startswith("Centre,Jour,Êtes-vous satisfait(e) de l'accueil")
    assert "'=HYPERLINK" in text and "'+ de guichets" in text and text.count("\r\nlille,") == 2


def test_exports_speak_french_answer_labels_and_yes_no(client, users, answered):
    """Exports read `very`, `rather_not`, `satisfaction_rate`, `true`: now French labels."""
    client.force_login(users[Role.DITP_ADMIN])
    responses = b"".join(client.get(export_url("responses", "csv")).streaming_content)
    rows = list(csv.reader(io.StringIO(responses.decode("utf-8-sig"))))
    answers = {cell for row in rows[1:] for cell in row[2:]}
    assert {"Très satisfait(e)", "Plutôt satisfait(e)"} & answers
    assert not {"very", "rather", "rather_not", "not_at_all", "dont_know"} & answers
    results = b"".join(client.get(export_url("results", "csv")).streaming_content)
    rows = list(csv.reader(io.StringIO(results.decode("utf-8-sig"))))
    assert rows[0][:5] == ["Tableau", "Clé", "Intitulé", "Réponses (n)", "Taux de satisfaction (%)"]
    assert "satisfaction_rate" not in rows[0] and "Taux net (points)" in rows[0]
    flags = {cell for row in rows[1:] for cell in row[-2:]}
    assert flags <= {"oui", "non"} and "non" in flags
    assert not {"true", "false", "True", "False"} & {cell for row in rows for cell in row}


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


def test_a_small_spreadsheet_is_not_called_too_large(client, users, answered, settings):
    """A 104 KiB XLSX was « trop volumineux pour être téléchargé d'un coup »."""
    client.force_login(users[Role.DITP_ADMIN])
    html = client.get(export_url("responses", "xlsx")).content.decode()
    assert "trop volumineux" not in html and "toujours préparé en arrière-plan" in html
    settings.EXPORT_INLINE_MAX_ROWS = 1  # two responses: a CSV too large to stream
    html = client.get(export_url("responses", "csv")).content.decode()
    assert "trop volumineux" in html
