"""The open-data download: published campaigns only, hand-computed figures, no formula."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from centres.models import Centre
from centres.public_cache import public_cache_bump
from surveys.models import Campaign
from surveys.services.rollups import rollups_seal

from ..factories import CentreFactory
from .worlds import answers_add, lens_with_a_small_sample, lille_with_results, published_campaign

pytestmark = pytest.mark.django_db


def csv_of(client, slug="usagers-publie"):
    response = client.get(reverse("surveys:open_data_csv", kwargs={"slug": slug}))
    assert response.status_code == 200 and response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    return b"".join(response.streaming_content).decode("utf-8-sig").splitlines()


def test_the_file_holds_the_hand_computed_figures_of_sufficient_samples(client, organisation):
    lille_with_results()
    lens_with_a_small_sample()
    answers_add(  # Angers: 15 satisfied, 25 dissatisfied -> 37.5 %, net -25 %
        published_campaign(),
        Centre.objects.get(code="angers"),
        "overall",
        {"very": 10, "rather": 5, "rather_not": 10, "not_at_all": 15},
    )
    today = timezone.localdate().isoformat()
    base = "{code},Centre de contact téléphonique,Centre de contact {of},{postal},{city}"
    lille = base.format(code="lille", of="de Lille", postal="59000", city="Lille")
    angers = base.format(code="angers", of="d'Angers", postal="49000", city="Angers")
    assert csv_of(client) == [
        "code_structure,typologie,nom_structure,code_postal,ville,code_indicateur,valeur,"
        "frequence,date_mise_a_jour",
        f"{angers},satisfaction_globale,37.5,annuelle,{today}",
        f"{angers},taux_net_satisfaction,-25.0,annuelle,{today}",  # a figure, not a formula
        f"{lille},satisfaction_engagement_1,98.0,annuelle,{today}",
        f"{lille},satisfaction_engagement_2,75.0,annuelle,{today}",
        f"{lille},satisfaction_globale,98.0,annuelle,{today}",
        f"{lille},taux_net_satisfaction,96.0,annuelle,{today}",
    ]  # Lille's engagement 3 (n = 8) and Lens (n = 8) are left out


def test_text_cells_that_look_like_formulas_are_neutralised(client, organisation):
    campaign = published_campaign()
    evil = CentreFactory(
        structure=campaign.structure, code="zz-evil", name='=HYPERLINK("http://x")', city="@SUM"
    )
    campaign.centres.add(evil)
    answers_add(campaign, evil, "overall", {"very": 30, "rather_not": 10})
    lines = csv_of(client)
    assert lines[1].startswith(
        'zz-evil,Centre de contact téléphonique,"\'=HYPERLINK(""http://x"")"'
    )
    assert ",'@SUM," in lines[1]


def test_a_running_campaign_has_no_open_data_file(client, organisation):
    published_campaign()
    Campaign.objects.filter(slug="usagers-publie").update(closes_on="2999-12-31")
    response = client.get(reverse("surveys:open_data_csv", kwargs={"slug": "usagers-publie"}))
    assert response.status_code == 404


def test_an_unknown_campaign_is_a_404(client, organisation):
    response = client.get(reverse("surveys:open_data_csv", kwargs={"slug": "inconnue"}))
    assert response.status_code == 404


def test_the_page_lists_published_campaigns_only(client, organisation):
    published_campaign()
    html = client.get(reverse("surveys:open_data")).content.decode()
    assert 'href="/donnees-ouvertes/resultats-usagers-publie.csv"' in html
    Campaign.objects.filter(slug="usagers-publie").update(closes_on="2999-12-31")
    public_cache_bump([])  # written without a service: say so to the page cache
    html = client.get(reverse("surveys:open_data")).content.decode()
    assert "Aucun résultat n'est encore publié" in html


def test_the_page_describes_every_column_of_the_file(client, db):
    from surveys.queries.exports import OPEN_DATA_HEADER

    html = client.get(reverse("surveys:open_data")).content.decode()
    for column in OPEN_DATA_HEADER:
        assert f"<code>{column}</code>" in html


def test_page_and_file_can_be_cached_by_anyone(client, organisation):
    published_campaign()
    page = client.get(reverse("surveys:open_data"))
    file = client.get(reverse("surveys:open_data_csv", kwargs={"slug": "usagers-publie"}))
    assert page["Cache-Control"] == file["Cache-Control"] == "public, max-age=300"


def test_the_file_reads_every_centre_in_one_query_sealed_or_not(
    client, organisation, django_assert_max_num_queries
):
    lille_with_results()
    lens_with_a_small_sample()
    with django_assert_max_num_queries(6):  # campaign, its centres, structure, the figures...
        before = csv_of(client)
    assert len(before) == 5  # the header and Lille's four published figures
    cache.clear()
    rollups_seal(today=published_campaign().closes_on + timedelta(days=10))
    assert published_campaign().rollups_sealed_through is not None
    assert csv_of(client) == before
