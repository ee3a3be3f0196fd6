"""The search lists the centres with their label, the home page counts them; the label read
in one query agrees with the public verification page in every state."""

import re
from types import SimpleNamespace

import pytest
from django.urls import reverse
from django.utils import timezone

from centres.enums import Role
from centres.models import Centre
from labelling import services
from labelling.enums import VerificationStatus
from labelling.models import Application, Certificate
from labelling.queries import label_statuses

from .worlds import labelled_structure

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(users):
    return SimpleNamespace(users=users)


@pytest.fixture
def application(world):
    labelled_structure(world)
    return Application.objects.get()


def test_every_centre_links_to_its_public_page_and_says_it_is_not_labelled(client, organisation):
    html = client.get(reverse("search")).content.decode()
    for centre in Centre.objects.all():
        assert f'href="{reverse("public_centre", kwargs={"code": centre.code})}"' in html
    assert html.count("Non labellisé") == 20


def test_the_search_shows_the_label_of_each_centre_in_three_queries(
    client, world, django_assert_num_queries
):
    labelled_structure(world)
    with django_assert_num_queries(3):  # centres with their total, certificates, campaigns
        html = client.get(reverse("search")).content.decode()
    assert html.count("Label Argent") == 20 and "Non labellisé" not in html


def test_home_counts_the_labelled_structures_by_level(client, world):
    labelled_structure(world)
    html = client.get(reverse("home")).content.decode()
    assert "1</p><p>structure labellisée (Argent : 1)" in html


def test_home_links_to_the_open_data(client, organisation):
    html = client.get(reverse("home")).content.decode()
    assert f'href="{reverse("surveys:open_data")}"' in html


def assert_same_status_as_the_verification_page(client, application):
    certificate = Certificate.objects.get(decision__application=application)
    today = timezone.localdate()
    status = label_statuses([application.structure_id], today=today)[application.structure_id]
    page = client.get(reverse("labelling:verify", kwargs={"token": certificate.public_token}))
    badge = re.search(r'class="fr-badge[^"]*">([^<]*)</p>', page.content.decode()).group(1)
    assert [state for state in VerificationStatus if badge.endswith(str(state.label))] == [
        status.state
    ]
    return status.state


def test_a_decided_label_is_valid(client, application):
    assert assert_same_status_as_the_verification_page(client, application) == "valid"


def test_a_suspended_label_is_suspended(client, application, users):
    services.label_suspend(application_id=application.pk, reason="Suivi.", by=users[Role.DECIDER])
    assert assert_same_status_as_the_verification_page(client, application) == "suspended"


def test_a_withdrawn_label_is_withdrawn(client, application, users):
    services.label_withdraw(application_id=application.pk, reason="Motif.", by=users[Role.DECIDER])
    assert assert_same_status_as_the_verification_page(client, application) == "withdrawn"


def test_a_label_past_its_validity_is_expired(client, application):
    application.decisions.update(valid_until="2025-12-31")
    assert assert_same_status_as_the_verification_page(client, application) == "expired"


def test_a_suspended_label_under_appeal_stays_suspended(client, application, users):
    services.label_suspend(application_id=application.pk, reason="Suivi.", by=users[Role.DECIDER])
    services.appeal_file(
        application_id=application.pk, reason="Contestation.", by=users[Role.CORRESPONDENT]
    )
    assert assert_same_status_as_the_verification_page(client, application) == "suspended"


def test_a_structure_without_certificate_has_no_label(organisation):
    structure_id = Centre.objects.get(code="lille").structure_id
    assert label_statuses([structure_id], today=timezone.localdate()) == {}
