"""The decision log in the product: DITP administrators and deciders read it, filter it by
structure and kind, run the integrity check; the public verification page prints the head."""

import pytest
from django.urls import reverse

from centres.enums import Role
from labelling import services
from labelling.enums import Outcome
from labelling.models import Certificate, DecisionLogEntry
from tests.factories import StructureFactory

from .conftest import drive
from .test_decision_log import _tamper

pytestmark = pytest.mark.django_db

LOG = reverse("labelling:decision_log")
VERIFY = reverse("labelling:decision_log_verify")


@pytest.fixture
def decided(application, users):
    return drive(application, users, "decided", outcome=Outcome.REFUSED)


@pytest.mark.parametrize("role", [Role.DITP_ADMIN, Role.DECIDER])
def test_the_commission_and_deciders_read_the_log(client, decided, users, role):
    client.force_login(users[role])
    page = client.get(LOG).content.decode()
    assert "Journal des décisions" in page
    assert "Proposition" in page and "Décision" in page
    assert decided.structure.name.replace("'", "&#x27;") in page
    assert reverse("labelling:application_detail", kwargs={"pk": decided.pk}) in page


def test_the_log_filters_by_structure_and_kind(client, decided, users):
    client.force_login(users[Role.DITP_ADMIN])
    by_kind = client.get(LOG, {"kind": "proposal"})
    assert by_kind.status_code == 200
    assert [row["entry"].kind for row in by_kind.context["rows"]] == ["proposal"]
    other = StructureFactory()
    empty = client.get(LOG, {"structure": other.pk})
    assert empty.context["rows"] == []
    assert "Aucune entrée ne correspond à ces filtres" in empty.content.decode()
    mine = client.get(LOG, {"structure": decided.structure_id})
    assert len(mine.context["rows"]) == DecisionLogEntry.objects.count()


@pytest.mark.parametrize("bad", [{"kind": "drop table"}, {"structure": "abc"}, {"kind": "\x00"}])
def test_a_bad_filter_is_a_french_400(client, decided, users, bad):
    client.force_login(users[Role.DECIDER])
    response = client.get(LOG, bad)
    assert response.status_code == 400
    assert "Ces filtres ne sont pas valides" in response.content.decode()


def test_verify_the_integrity_says_intact(client, decided, users):
    client.force_login(users[Role.DITP_ADMIN])
    response = client.post(VERIFY)
    assert response.status_code == 200
    count = DecisionLogEntry.objects.count()
    assert f"La chaîne est intègre : {count} entrées vérifiées." in response.content.decode()


def test_verify_the_integrity_finds_an_altered_entry(client, decided, users):
    table = DecisionLogEntry._meta.db_table
    _tamper(f"UPDATE {table} SET actor_ref = 'quelqu''un' WHERE sequence = 1", [])
    client.force_login(users[Role.DECIDER])
    page = client.post(VERIFY).content.decode()
    assert "La chaîne est rompue" in page
    assert "Entrée 1 : son contenu ne correspond plus à son empreinte (modifiée)" in page


def test_the_log_is_not_for_correspondents_or_auditors(client, decided, users):
    for role in (Role.CORRESPONDENT, Role.AUDITOR, Role.REFERENT):
        client.force_login(users[role])
        assert client.get(LOG).status_code == 403
        assert client.post(VERIFY).status_code == 403


def test_the_public_verification_page_prints_the_chain_head(client, application, users):
    drive(application, users, "decided")
    certificate = Certificate.objects.get()
    services.label_suspend(application_id=application.pk, reason="x", by=users[Role.DECIDER])
    head = DecisionLogEntry.objects.order_by("-sequence").first()
    page = client.get(
        reverse("labelling:verify", kwargs={"token": certificate.public_token})
    ).content.decode()
    assert head.entry_hash in page and f"entrée {head.sequence}" in page
