"""One figure everywhere: for every centre of the demo and every engagement, the public page,
the open-data file and the staff CSV of results give the same rounded rate; the scorecard gives
the structure's rate per engagement as the staff CSV over every centre does.

Before the formatting rule, the public page truncated (Lille « 97,6 % ») where the open-data
file rounded (97.7), and the scorecard floored its figures."""

import csv
import io
import re
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse

from centres.enums import Role
from centres.models import Centre, User
from labelling.models import Application
from labelling.scorecard import scorecard_build
from surveys.demo.campaigns import CITIZEN_SLUG
from surveys.models import Campaign

pytestmark = pytest.mark.django_db

ROW = re.compile(
    r'<th scope="row">(?P<label>[^<]+)(?:<br>.*?)?</th>\s*<td>(?P<rate>[^<]+)</td>', re.S
)
FIGURE = re.compile(r"^(−?\d+(?:,\d)?)\u202f%$")


@pytest.fixture
def demo(db, django_capture_on_commit_callbacks):
    """The demo exactly as `make run` seeds it; its label application."""
    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo", verbosity=0)
    return Application.objects.get()


def shown(text: str) -> Decimal:
    """« 97,6 % » -> Decimal("97.6"): the figure a reader sees."""
    match = FIGURE.match(text.strip())
    assert match, text
    return Decimal(match.group(1).replace(",", ".").replace("−", "-"))


def parse_csv(response) -> list[list[str]]:
    data = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(data)))


def public_page_rates(client, code: str) -> dict[str, Decimal]:
    """The engagement -> rate of the table of a centre's public page (only shown rates)."""
    html = client.get(reverse("public_centre", kwargs={"code": code})).content.decode()
    table = html[html.index('id="results-table"') :]
    table = table[: table.index("</table>")]
    return {m["label"].strip(): shown(m["rate"]) for m in ROW.finditer(table)}


def open_data_rates(client) -> dict[tuple[str, str], Decimal]:
    response = client.get(reverse("surveys:open_data_csv", kwargs={"slug": CITIZEN_SLUG}))
    rows = parse_csv(response)
    return {(row[0], row[5]): Decimal(row[6]) for row in rows[1:]}


def staff_csv_rates(campaign, centres) -> dict[str, Decimal]:
    """Engagement key -> satisfaction rate of the staff CSV of results within `centres`."""
    from surveys.queries.exports import export_rows

    rows = list(export_rows(campaign=campaign, kind="results", centres=centres))
    return {row[1]: Decimal(str(row[4])) for row in rows[1:] if row[0] == "engagement" and row[4]}


def indicator(key: str) -> str:
    return "satisfaction_globale" if key == "overall" else f"satisfaction_engagement_{key}"


def test_every_demo_centre_reads_the_same_figure_on_every_output(client, demo):
    campaign = Campaign.objects.get(slug=CITIZEN_SLUG)
    published = open_data_rates(client)
    compared = 0
    for centre in Centre.objects.filter(structure=demo.structure).order_by("code"):
        page = public_page_rates(client, centre.code)
        staff = staff_csv_rates(campaign, [centre])
        assert page, centre.code
        labels = {key: label for key, label in _labels(staff)}
        for key, rate in staff.items():
            assert published[(centre.code, indicator(key))] == rate, (centre.code, key)
            assert page[labels[key]] == rate, (centre.code, key, page)
            compared += 1
    # 20 centres x the 5 rated questions of the demo's citizen questionnaire (4 engagements and
    # the overall question), every one on a sufficient sample.
    assert compared == 20 * 5


def _labels(staff: dict[str, Decimal]):
    """The public page's row label of each key of the staff CSV (engagement number or overall)."""
    from surveys.queries.results import engagement_label

    for key in staff:
        yield key, str(engagement_label(None if key == "overall" else int(key)))


def test_the_scorecard_reads_the_structure_s_rounded_figure_per_engagement(demo):
    campaign = Campaign.objects.get(slug=CITIZEN_SLUG)
    staff = staff_csv_rates(campaign, list(Centre.objects.filter(structure=demo.structure)))
    card = scorecard_build(demo)
    for engagement in card["engagements"]:
        if engagement["citizen"] is None:
            continue
        rate = staff[str(engagement["number"])]
        assert shown(engagement["citizen"]["text"]) == rate, engagement["number"]
    assert shown(card["citizen_overall"]["text"]) == staff["overall"]


def test_the_ditp_s_download_is_the_staff_csv_compared(client, demo):
    """The rows compared above are those a DITP administrator downloads."""
    client.force_login(User.objects.filter(role_assignments__role=Role.DITP_ADMIN).first())
    url = reverse("surveys:export", kwargs={"slug": CITIZEN_SLUG, "kind": "results", "fmt": "csv"})
    rows = parse_csv(client.get(url))
    campaign = Campaign.objects.get(slug=CITIZEN_SLUG)
    everyone = list(Centre.objects.filter(structure=demo.structure))
    assert {row[1]: Decimal(row[4]) for row in rows[1:] if row[0] == "engagement"} == (
        staff_csv_rates(campaign, everyone)
    )
