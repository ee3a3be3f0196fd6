"""The markup of the public survey page, and the blank page served from the process cache."""

from html.parser import HTMLParser

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from surveys.models import Ballot

pytestmark = pytest.mark.django_db


def url(token):
    return reverse("surveys:answer", kwargs={"token": token})


class FormMarkup(HTMLParser):
    """Radios, labels, fieldsets with their legend, textareas and the script nonces of a page."""

    def __init__(self, html: str):
        super().__init__()
        self.labels, self.radios, self.fieldsets, self.checked = {}, [], [], {}
        self.textareas, self.csrf, self.nonces = {}, None, set()
        self._label = self._fieldset = self._textarea = None
        self._in_legend = False
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "fieldset":
            self._fieldset = {"legend": "", "radios": []}
            self.fieldsets.append(self._fieldset)
        elif tag == "legend":
            self._in_legend = True
        elif tag == "label" and "for" in a:
            self._label = a["for"]
            self.labels[self._label] = ""
        elif tag == "input" and a.get("type") == "radio":
            self.radios.append(a["id"])
            if self._fieldset is not None:
                self._fieldset["radios"].append(a["id"])
            if "checked" in a:
                self.checked[a["name"]] = a["value"]
        elif tag == "input" and a.get("name") == "csrfmiddlewaretoken":
            self.csrf = a["value"]
        elif tag == "textarea":
            self._textarea = a["id"]
            self.textareas[a["id"]] = ""
        elif tag == "script" and a.get("nonce"):
            self.nonces.add(a["nonce"])

    def handle_endtag(self, tag):
        if tag == "fieldset":
            self._fieldset = None
        elif tag == "legend":
            self._in_legend = False
        elif tag == "label":
            self._label = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._in_legend and self._fieldset is not None:
            self._fieldset["legend"] += data.strip()
        if self._label:
            self.labels[self._label] += data.strip()
        if self._textarea:
            self.textareas[self._textarea] += data


@pytest.mark.parametrize("submitted", [False, True], ids=["blank", "with errors"])
def test_every_radio_has_a_label_and_every_question_a_fieldset_with_a_legend(
    client, citizen_campaign, issue, submitted
):
    token = issue(citizen_campaign)[0]
    response = client.post(url(token), {"q_e2": "rather"}) if submitted else client.get(url(token))
    page = FormMarkup(response.content.decode())
    assert response.status_code == (400 if submitted else 200)
    assert len(page.fieldsets) == 5 and len(page.radios) == 25
    assert all(fieldset["legend"] and len(fieldset["radios"]) == 5 for fieldset in page.fieldsets)
    assert all(page.labels.get(radio) for radio in page.radios)
    assert page.labels["id_q_comment"].startswith("Souhaitez-vous ajouter un commentaire")


def test_a_refused_submission_keeps_the_answers_given(client, citizen_campaign, issue):
    token = issue(citizen_campaign)[0]
    response = client.post(url(token), {"q_e2": "rather", "q_comment": "Merci <b>bien</b>"})
    page = FormMarkup(response.content.decode())
    assert page.checked == {"q_e2": "rather"}
    assert page.textareas["id_q_comment"].strip() == "Merci <b>bien</b>"
    assert "Merci &lt;b&gt;bien&lt;/b&gt;" in response.content.decode()


def test_each_visitor_of_the_cached_page_gets_their_own_link_token_and_nonce(
    citizen_campaign, issue, good_answers
):
    pages = []
    for token in issue(citizen_campaign, n=2):
        visitor = Client(enforce_csrf_checks=True)
        response = visitor.get(url(token))
        html = response.content.decode()
        assert f'action="{url(token)}?lang=fr"' in html and "slot-" not in html
        page = FormMarkup(html)
        answered = visitor.post(url(token), {**good_answers, "csrfmiddlewaretoken": page.csrf})
        assert answered.status_code == 302
        pages.append(page)
    assert pages[0].csrf != pages[1].csrf and pages[0].nonces.isdisjoint(pages[1].nonces)
    assert Ballot.objects.count() == 2


def test_the_cached_page_follows_a_renamed_structure(client, citizen_campaign, issue):
    first, second = issue(citizen_campaign, n=2)
    assert (
        "Plateforme d&#x27;assistance aux particuliers" in client.get(url(first)).content.decode()
    )
    citizen_campaign.structure.name = "Service renommé"
    citizen_campaign.structure.save()
    assert "Service renommé" in client.get(url(second)).content.decode()


def test_a_submission_reads_once_then_claims_its_link_and_seals_its_sheet(
    client, citizen_campaign, issue, good_answers
):
    token = issue(citizen_campaign)[0]
    client.get(url(token))
    with CaptureQueriesContext(connection) as queries:
        assert client.post(url(token), good_answers).status_code == 302
    sql = [q["sql"] for q in queries.captured_queries]
    sql = [q for q in sql if not q.startswith(("SAVEPOINT", "RELEASE", "BEGIN", "COMMIT"))]
    assert sum(q.startswith("SELECT") for q in sql) == 1 and "FOR UPDATE" not in " ".join(sql)
    writes = [q.split()[:3] for q in sql if not q.startswith("SELECT")]
    # One path on every database: claim the link, drop the sheet into the ballot box.
    assert writes == [
        ["UPDATE", '"surveys_invitation"', "SET"],
        ["INSERT", "INTO", '"surveys_ballot"'],
    ]
