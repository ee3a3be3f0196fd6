"""Organisation pages: the DITP everywhere, a correspondent within their network; deactivate,
never delete; French form errors."""

import pytest
from django.urls import reverse

from centres.enums import Role
from centres.models import Centre, CertificationBody, Network, Structure
from tests.bad_input import check_form_resists_bad_input, form_errors
from tests.factories import StructureFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def as_ditp(client, users):
    client.force_login(users[Role.DITP_ADMIN])
    return client


@pytest.fixture
def as_correspondent(client, users):
    client.force_login(users[Role.CORRESPONDENT])
    return client


def test_the_ditp_sets_up_a_network_structure_centre_and_body_through_the_pages(as_ditp):
    response = as_ditp.post(
        reverse("organisation:network_create"), {"code": "caf", "name": "Caisses d'allocations"}
    )
    assert response.status_code == 302
    network = Network.objects.get(code="caf")
    response = as_ditp.post(
        reverse("organisation:structure_create"),
        {
            "network": network.pk,
            "code": "caf-69",
            "name": "CAF du Rhône",
            "typology": "Accueil physique",
            "contact_email": "qualite@caf69.example.org",
        },
    )
    assert response.url == reverse("organisation:structure_detail", args=["caf-69"])
    structure = Structure.objects.get(code="caf-69")
    response = as_ditp.post(
        reverse("organisation:centre_create"),
        {
            "structure": structure.pk,
            "code": "caf-lyon",
            "name": "Accueil de Lyon",
            "city": "Lyon",
            "postal_code": "69003",
            "agents_count": "35",
        },
    )
    assert response.url == reverse("centres:detail", args=["caf-lyon"])
    assert Centre.objects.get(code="caf-lyon").agents_count == 35
    as_ditp.post(reverse("organisation:body_create"), {"code": "afnor", "name": "AFNOR"})
    assert CertificationBody.objects.filter(code="afnor", is_active=True).exists()
    page = as_ditp.get(reverse("organisation:structure_detail", args=["caf-69"])).content.decode()
    assert "Accueil de Lyon" in page and "35 agents au total" in page


def test_deactivating_keeps_the_centre_and_its_code(as_ditp):
    lille = Centre.objects.get(code="lille")
    response = as_ditp.post(
        reverse("organisation:centre_edit", args=["lille"]),
        {
            "structure": lille.structure_id,
            "code": "autre-code",
            "name": lille.name,
            "city": lille.city,
            "postal_code": lille.postal_code,
            "agents_count": "42",
            # is_active left out: the box is unticked
        },
    )
    assert response.status_code == 302
    lille.refresh_from_db()
    assert (lille.code, lille.is_active, lille.agents_count) == ("lille", False, 42)
    assert "Désactivé" in as_ditp.get(reverse("centres:detail", args=["lille"])).content.decode()


def test_a_wrong_postal_code_is_a_french_error_and_changes_nothing(as_ditp):
    structure = Structure.objects.get(code="dgfip-pap")
    response = as_ditp.post(
        reverse("organisation:centre_create"),
        {
            "structure": structure.pk,
            "code": "nouveau",
            "name": "Nouveau",
            "city": "Paris",
            "postal_code": "7500",
            "agents_count": "1",
        },
    )
    assert response.status_code == 400
    assert "Un code postal comporte cinq chiffres." in form_errors(response.content.decode())
    assert not Centre.objects.filter(code="nouveau").exists()


def test_a_duplicate_code_is_a_french_error(as_ditp):
    response = as_ditp.post(
        reverse("organisation:network_create"), {"code": "dgfip", "name": "Encore"}
    )
    assert response.status_code == 400
    assert any("existe déjà" in error for error in form_errors(response.content.decode()))


def test_a_correspondent_works_within_their_network_only(as_correspondent):
    elsewhere = StructureFactory(code="ailleurs")
    assert (
        as_correspondent.get(reverse("organisation:structure_edit", args=["ailleurs"])).status_code
        == 404
    )
    response = as_correspondent.post(
        reverse("organisation:centre_create"),
        {
            "structure": elsewhere.pk,
            "code": "intrus",
            "name": "Intrus",
            "city": "Paris",
            "postal_code": "75001",
            "agents_count": "3",
        },
    )
    assert response.status_code == 400
    assert not Centre.objects.filter(code="intrus").exists()
    home = as_correspondent.get(reverse("organisation:home")).content.decode()
    assert "Plateforme d&#x27;assistance aux particuliers" in home
    assert elsewhere.name not in home
    assert as_correspondent.get(reverse("organisation:network_create")).status_code == 403
    assert as_correspondent.get(reverse("organisation:body_create")).status_code == 403


def test_a_referent_reads_the_centre_but_cannot_edit_it(client, users):
    client.force_login(users[Role.REFERENT])
    assert (
        "Modifier le centre"
        not in client.get(reverse("centres:detail", args=["lille"])).content.decode()
    )
    assert client.get(reverse("organisation:centre_edit", args=["lille"])).status_code == 403


def free_text(*fields):
    """Fields where any valid text may be stored (a code such as « true » or « -1 » is one)."""
    return lambda field, payload: field in fields


def test_the_centre_form_resists_the_corpus(as_ditp):
    structure = Structure.objects.get(code="dgfip-pap")
    check_form_resists_bad_input(
        as_ditp,
        reverse("organisation:centre_create"),
        valid={
            "structure": str(structure.pk),
            "code": "corpus",
            "name": "Centre du corpus",
            "city": "Paris",
            "postal_code": "75001",
            "agents_count": "3",
        },
        may_accept=free_text("code", "name", "city"),
    )


def test_the_structure_form_resists_the_corpus(as_ditp):
    check_form_resists_bad_input(
        as_ditp,
        reverse("organisation:structure_create"),
        valid={
            "network": str(Network.objects.get(code="dgfip").pk),
            "code": "corpus",
            "name": "Structure du corpus",
            "typology": "Accueil",
            "phone_number": "01 02 03 04 05",
            "contact_email": "a@example.org",
        },
        may_accept=free_text("code", "name", "typology", "phone_number"),
    )


def test_the_network_and_body_forms_resist_the_corpus(as_ditp):
    valid = {"code": "corpus", "name": "Corpus"}
    check_form_resists_bad_input(
        as_ditp,
        reverse("organisation:network_create"),
        valid=valid,
        may_accept=free_text("code", "name"),
    )
    check_form_resists_bad_input(
        as_ditp,
        reverse("organisation:body_create"),
        valid={**valid, "accreditation": "X"},
        may_accept=free_text("code", "name", "accreditation"),
    )
