"""Importing an institute's answer sheets: preview per centre, French errors per line and
column, all or nothing, anonymous responses and their rollups, the import logged with the
file's SHA-256 and its uploader; once per campaign."""

import hashlib
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook

from centres.enums import Role
from surveys.defaults import CITIZEN_CODE
from surveys.models import Answer, DailyRollup, Response, SurveyImport
from surveys.services.imports import ImportRefused, survey_import_apply, survey_import_check
from surveys.services.rollups import rollups_differences

from ...conftest import requires_postgresql
from ..worlds import campaign_of

pytestmark = pytest.mark.django_db

HEADER = "code_centre;date;e1;e2;e3;e5;overall;comment"


def day(offset=-3) -> str:
    return (timezone.localdate() + timezone.timedelta(days=offset)).strftime("%d/%m/%Y")


def sheets_file(lines, name="institut.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, "\n".join([HEADER, *lines]).encode("utf-8"))


GOOD = [
    f"lille;{day()};very;rather;very;very;very;Très bon accueil",
    f"lille;{day(-2)};Très satisfait;Plutôt satisfait;very;rather_not;rather;",
    f"lens;{day()};not_at_all;dont_know;very;very;rather;",
]


@pytest.fixture
def campaign(organisation):
    return campaign_of(CITIZEN_CODE, "institut-2025")


@pytest.fixture
def as_correspondent(client, users):
    client.force_login(users[Role.CORRESPONDENT])
    return client


def url(campaign) -> str:
    return reverse("surveys:campaign_import", args=[campaign.slug])


def preview(client, campaign, upload):
    return client.post(url(campaign), {"file": upload})


def confirm(client, campaign, response):
    form = response.context["confirm"]
    return client.post(
        url(campaign), {"sha256": form.initial["sha256"], "filename": form.initial["filename"]}
    )


def test_preview_then_import_all_the_sheets_anonymously(as_correspondent, campaign, users):
    upload = sheets_file(GOOD)
    content = upload.read()
    upload.seek(0)
    response = preview(as_correspondent, campaign, upload)
    assert response.status_code == 200, response.context["plan"].errors
    assert response.context["plan"].per_centre == {
        "Centre de contact de Lille": 2,
        "Centre de contact de Lens": 1,
    }
    assert not Response.objects.exists()

    response = confirm(as_correspondent, campaign, response)
    assert response.url == reverse("surveys:campaign_detail", args=[campaign.slug])
    assert Response.objects.filter(campaign=campaign).count() == 3
    assert Answer.objects.filter(response__campaign=campaign).exclude(value="").count() == 15
    assert Answer.objects.get(text="Très bon accueil").value == ""
    logged = SurveyImport.objects.get(campaign=campaign)
    assert logged.sha256 == hashlib.sha256(content).hexdigest()
    assert (logged.uploaded_by, logged.sheets) == (users[Role.CORRESPONDENT], 3)
    assert rollups_differences(campaign_ids=[campaign.pk]) == []
    assert DailyRollup.objects.filter(campaign=campaign, value="very").exists()
    page = as_correspondent.get(url(campaign)).content.decode()
    assert "Importé : 3 fiches" in page and logged.sha256 in page


def test_every_error_names_its_line_and_column_and_nothing_is_stored(as_correspondent, campaign):
    lines = [
        GOOD[0],
        f"paris;{day()};very;very;very;very;very;",
        "lille;32/13/2025;very;very;very;very;very;",
        f"lille;{day(+5)};very;very;very;very;very;",
        f"lille;{day()};excellent;very;very;very;;",
    ]
    response = preview(as_correspondent, campaign, sheets_file(lines))
    assert response.status_code == 400
    errors = response.context["plan"].errors
    assert "Ligne 3, colonne « code_centre » : centre inconnu ou hors de cette campagne." in errors
    assert "Ligne 4, colonne « date » : une date telle que 15/03/2025." in errors
    assert any(e.startswith("Ligne 5, colonne « date » : hors de la campagne") for e in errors)
    assert any(
        e.startswith("Ligne 6, colonne « e1 » : « excellent » n'est pas dans l'échelle")
        for e in errors
    )
    assert "Ligne 6, colonne « overall » : cette question demande une réponse." in errors
    assert not Response.objects.exists() and not SurveyImport.objects.exists()


def test_unknown_or_missing_columns_are_refused_in_french(as_correspondent, campaign):
    upload = SimpleUploadedFile("x.csv", b"code_centre;date;e1;couleur\nlille;01/01/2025;very;x\n")
    response = preview(as_correspondent, campaign, upload)
    [error] = response.context["plan"].errors
    assert error.startswith("Ces colonnes manquent sur la première ligne : « e2 »")


def test_an_xlsx_file_is_read_like_a_csv(as_correspondent, campaign):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADER.split(";"))
    sheet.append(
        [
            "lille",
            timezone.localdate() - timezone.timedelta(days=1),
            "very",
            "very",
            "very",
            "very",
            "very",
            None,
        ]
    )
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = preview(as_correspondent, campaign, SimpleUploadedFile("i.xlsx", buffer.getvalue()))
    assert response.status_code == 200
    confirm(as_correspondent, campaign, response)
    assert Response.objects.filter(campaign=campaign).count() == 1


def test_a_campaign_is_imported_once(as_correspondent, campaign, users):
    response = preview(as_correspondent, campaign, sheets_file(GOOD))
    confirm(as_correspondent, campaign, response)
    again = preview(as_correspondent, campaign, sheets_file(GOOD))
    assert again.status_code == 400
    assert again.context["plan"].errors == ["Cette campagne a déjà été importée."]
    assert Response.objects.filter(campaign=campaign).count() == 3


def test_an_import_waits_for_a_concurrent_one_and_is_refused(campaign, users):
    content = "\n".join([HEADER, *GOOD]).encode()
    plan = survey_import_check(campaign=campaign, filename="a.csv", content=content)
    survey_import_apply(
        campaign=campaign, plan=plan, filename="a.csv", sha256="0" * 64, by=users[Role.DITP_ADMIN]
    )
    with pytest.raises(ImportRefused):
        survey_import_apply(
            campaign=campaign,
            plan=plan,
            filename="a.csv",
            sha256="0" * 64,
            by=users[Role.DITP_ADMIN],
        )
    assert Response.objects.filter(campaign=campaign).count() == 3


def test_only_the_importers_in_scope_open_the_page(client, users, campaign, foreign_centre):
    client.force_login(users[Role.REFERENT])
    assert client.get(url(campaign)).status_code == 403
    other = campaign_of(CITIZEN_CODE, "ailleurs")
    other.structure = foreign_centre.structure
    other.save()
    client.force_login(users[Role.CORRESPONDENT])
    assert client.get(url(other)).status_code == 404


def test_another_session_cannot_confirm_my_file(as_correspondent, campaign, users):
    response = preview(as_correspondent, campaign, sheets_file(GOOD))
    other = Client()
    other.force_login(users[Role.DITP_ADMIN])
    assert confirm(other, campaign, response).status_code == 400
    assert not Response.objects.exists()


@pytest.mark.parametrize(
    "name, content",
    [
        ("x.csv", b""),
        ("x.csv", b"\xff\xfe\x00garbage"),
        ("x.xlsx", b"not a zip"),
        ("x.csv", b'code_centre;date\n"lille;01/01/2025\n'),
        ("x.exe", b"MZ"),
    ],
)
def test_broken_files_are_a_french_400(as_correspondent, campaign, name, content):
    response = preview(as_correspondent, campaign, SimpleUploadedFile(name, content))
    assert response.status_code == 400
    assert not Response.objects.exists()


def test_the_import_forms_resist_the_corpus(as_correspondent, campaign):
    from tests.bad_input import check_form_resists_bad_input

    check_form_resists_bad_input(as_correspondent, url(campaign), valid={"file": "fiches.csv"})
    check_form_resists_bad_input(
        as_correspondent, url(campaign), valid={"sha256": "0" * 64, "filename": "fiches.csv"}
    )


@requires_postgresql
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_imports_of_a_campaign_write_it_once(users):
    import threading

    from django.db import connection as default_connection

    from centres.demo import organisation_seed

    organisation_seed()
    campaign = campaign_of(CITIZEN_CODE, "concurrente")
    content = "\n".join([HEADER, *GOOD]).encode()
    plan = survey_import_check(campaign=campaign, filename="a.csv", content=content)
    barrier = threading.Barrier(2)
    outcomes = []

    def run():
        try:
            barrier.wait()
            survey_import_apply(
                campaign=campaign,
                plan=plan,
                filename="a.csv",
                sha256="0" * 64,
                by=users[Role.DITP_ADMIN],
            )
            outcomes.append("imported")
        except ImportRefused:
            outcomes.append("refused")
        finally:
            default_connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(outcomes) == ["imported", "refused"]
    assert Response.objects.filter(campaign=campaign).count() == 3
    assert rollups_differences(campaign_ids=[campaign.pk]) == []


def test_imported_comments_are_masked_like_answered_ones(campaign, users):
    """An institute's file goes through the same masking as the mixer: a phone number and an
    e-mail typed in a comment are never stored."""
    lines = [f"lille;{day()};very;very;very;very;very;Rappelez-moi au 06 12 34 56 78 ou a@b.fr"]
    content = "\n".join([HEADER, *lines]).encode()
    plan = survey_import_check(campaign=campaign, filename="a.csv", content=content)
    assert not plan.errors
    survey_import_apply(
        campaign=campaign, plan=plan, filename="a.csv", sha256="1" * 64, by=users[Role.DITP_ADMIN]
    )
    (text,) = Answer.objects.exclude(text="").values_list("text", flat=True)
    assert "06 12" not in text and "a@b.fr" not in text and text.startswith("Rappelez-moi au ")
