"""Structures and centres from a CSV or XLSX: preview, French errors per line and column, all or
nothing, only within the importer's networks, only the uploader's session confirms."""

import io
import os
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from openpyxl import Workbook

from centres.enums import Role
from centres.models import Centre, Structure
from centres.services.organisation import COLUMNS
from centres.tasks import purge_uploads
from centres.uploads import upload_root
from tests.factories import NetworkFactory

pytestmark = pytest.mark.django_db

HEADER = ";".join(COLUMNS)
GOOD = [
    "dgfip;dgfip-sip;Services des impôts;Accueil;sip-lyon;SIP de Lyon;Lyon;69003;25",
    "dgfip;dgfip-sip;Services des impôts;Accueil;sip-brest;SIP de Brest;Brest;29200;",
    "dgfip;dgfip-pap;Plateforme d'assistance aux particuliers;Centre de contact téléphonique;"
    "lille;Centre de contact de Lille;Lille;59000;44",
]


def csv_file(lines, name="centres.csv"):
    return SimpleUploadedFile(name, "\n".join([HEADER, *lines]).encode("utf-8-sig"))


def preview(client, upload):
    return client.post(reverse("organisation:import"), {"file": upload})


def confirm(client, response):
    form = response.context["confirm"]
    return client.post(
        reverse("organisation:import"),
        {"sha256": form.initial["sha256"], "filename": form.initial["filename"]},
    )


@pytest.fixture
def as_correspondent(client, users):
    client.force_login(users[Role.CORRESPONDENT])
    return client


def test_the_preview_counts_and_writes_nothing_until_confirmed(as_correspondent):
    response = preview(as_correspondent, csv_file(GOOD))
    assert response.status_code == 200
    page = response.content.decode()
    assert "2 centres à créer, 1 à mettre à jour ; 1 nouvelles structures." in page
    assert not Structure.objects.filter(code="dgfip-sip").exists()
    assert Centre.objects.get(code="lille").agents_count == 40

    sha = response.context["confirm"].initial["sha256"]
    response = confirm(as_correspondent, response)
    assert response.status_code == 302
    assert not (upload_root() / "organisation" / sha).exists()  # the file is not kept
    assert Structure.objects.get(code="dgfip-sip").centres.count() == 2
    assert Centre.objects.get(code="sip-lyon").agents_count == 25
    assert Centre.objects.get(code="sip-brest").agents_count == 0
    assert Centre.objects.get(code="lille").agents_count == 44


def test_every_error_names_its_line_and_column_in_french_and_nothing_is_stored(as_correspondent):
    bad = [
        GOOD[0],
        "dgfip;dgfip-sip;Services des impôts;Accueil;sip-lyon;Doublon;Lyon;69003;1",
        "dgfip;dgfip-sip;Services des impôts;Accueil;Sip Tours;SIP;Tours;370;beaucoup",
        "inconnu;autre;Autre;;autre-centre;Autre;Paris;75001;1",
    ]
    response = preview(as_correspondent, csv_file(bad))
    assert response.status_code == 400
    errors = response.context["plan"].errors
    assert "Ligne 3, colonne « code_centre » : ce centre figure déjà à la ligne 2." in errors
    assert (
        "Ligne 4, colonne « code_centre » : uniquement des lettres minuscules, des chiffres et "
        "des tirets." in errors
    )
    assert "Ligne 4, colonne « code_postal » : un code postal comporte cinq chiffres." in errors
    assert "Ligne 4, colonne « agents » : un nombre entier de 0 à 100000." in errors
    assert "Ligne 5, colonne « code_reseau » : réseau inconnu ou hors de votre périmètre." in errors
    assert "confirm" not in response.context or response.context["confirm"] is None
    assert not Centre.objects.filter(code="sip-lyon").exists()


def test_a_correspondent_cannot_import_into_another_network(as_correspondent):
    other = NetworkFactory(code="caf")
    line = f"{other.code};caf-69;CAF du Rhône;;caf-lyon;Accueil de Lyon;Lyon;69003;10"
    response = preview(as_correspondent, csv_file([line]))
    assert response.status_code == 400
    assert not Structure.objects.filter(code="caf-69").exists()


def test_an_existing_structure_of_another_network_is_not_taken_over(client, users):
    client.force_login(users[Role.DITP_ADMIN])
    NetworkFactory(code="caf")
    line = "caf;dgfip-pap;Reprise;;nouveau;Nouveau;Paris;75001;1"
    response = preview(client, csv_file([line]))
    assert response.status_code == 400
    assert response.context["plan"].errors == [
        "Ligne 2, colonne « code_structure » : cette structure existe dans un autre réseau."
    ]


def test_missing_columns_and_a_wrong_encoding_are_french_errors(as_correspondent):
    upload = SimpleUploadedFile("c.csv", b"code_reseau;code_centre\ndgfip;x\n")
    response = preview(as_correspondent, upload)
    assert response.status_code == 400
    [error] = response.context["plan"].errors
    assert error.startswith("Ces colonnes manquent sur la première ligne : « code_structure »")
    latin1 = SimpleUploadedFile("c.csv", (HEADER + "\n" + GOOD[0]).encode("latin-1"))
    response = preview(as_correspondent, latin1)
    assert response.context["plan"].errors == [
        "Le fichier n'est pas encodé en UTF-8 : enregistrez-le en « CSV UTF-8 » et réessayez."
    ]


def test_an_xlsx_file_is_read_like_a_csv(as_correspondent):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADER.split(";"))
    sheet.append(
        ["dgfip", "dgfip-sip", "Services des impôts", "", "sip-pau", "SIP de Pau", "Pau", 64000, 12]
    )
    sheet.append(
        ["dgfip", "dgfip-sip", "Services des impôts", "", "sip-08", "SIP", "Charleville", 8000, 3]
    )
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = preview(as_correspondent, SimpleUploadedFile("c.xlsx", buffer.getvalue()))
    assert response.status_code == 200
    confirm(as_correspondent, response)
    assert Centre.objects.get(code="sip-pau").postal_code == "64000"
    assert Centre.objects.get(code="sip-08").postal_code == "08000"  # the zero Excel dropped


def test_only_the_session_that_uploaded_the_file_may_confirm_it(as_correspondent, users):
    response = preview(as_correspondent, csv_file(GOOD))
    other = Client()
    other.force_login(users[Role.DITP_ADMIN])
    response = confirm(other, response)
    assert response.status_code == 400
    assert not Structure.objects.filter(code="dgfip-sip").exists()


def test_a_forged_hash_is_refused_in_french(as_correspondent):
    response = as_correspondent.post(
        reverse("organisation:import"), {"sha256": "../../etc/passwd", "filename": "x.csv"}
    )
    assert response.status_code == 400
    assert "Ce fichier n'est plus disponible" in response.content.decode()


def test_the_import_forms_resist_the_corpus(as_correspondent):
    from tests.bad_input import check_form_resists_bad_input

    url = reverse("organisation:import")
    check_form_resists_bad_input(as_correspondent, url, valid={"file": "centres.csv"})
    check_form_resists_bad_input(
        as_correspondent, url, valid={"sha256": "0" * 64, "filename": "centres.csv"}
    )


def test_a_file_never_confirmed_is_deleted_after_the_staging_delay(as_correspondent, settings):
    settings.UPLOAD_STAGING_HOURS = 24
    response = preview(as_correspondent, csv_file(GOOD))
    sha = response.context["confirm"].initial["sha256"]
    path = upload_root() / "organisation" / sha
    fresh = preview(as_correspondent, csv_file(GOOD[:1]))  # another file, just sent
    fresh_path = upload_root() / "organisation" / fresh.context["confirm"].initial["sha256"]
    assert purge_uploads() == 0 and path.exists()  # within the delay: kept
    old = time.time() - 25 * 3600
    os.utime(path, (old, old))
    assert purge_uploads() == 1
    assert not path.exists() and fresh_path.exists()
    assert purge_uploads() == 0  # idempotent
    # Confirming it afterwards: a French 400 that asks for the file again, nothing imported.
    response = confirm(as_correspondent, response)
    assert response.status_code == 400
    assert "plus disponible : envoyez-le de nouveau." in response.content.decode()
    assert not Structure.objects.filter(code="dgfip-sip").exists()
