"""An outsider with read access to every table tries to find which agent gave which answer
sheet, after agents answered through the real page (PostgreSQL: system columns are the threat).

The oracle: each agent writes a unique comment, so the test knows each sheet's true author.
Every attack (join on `xmin`, on `ctid` or id order, on every attribute the link and the sheet
share) must leave each sheet among at least k candidate links, and an agent's e-mail must
narrow no sheet below k."""

import re
from collections import defaultdict

import pytest
from django.core import mail
from django.db import connection
from django.test import Client

from centres.models import Centre
from surveys.models import AgentContact
from surveys.services.ballot import ballots_mix
from surveys.services.campaigns import agent_contacts_import, agent_invitation_send

from ...conftest import requires_postgresql
from ..conftest import after_close

pytestmark = [requires_postgresql, pytest.mark.django_db(transaction=True)]

K = 5
AGENTS = {"lille": 13, "lens": 9}  # 13: a batch of 8 then the final 5; 9: only the final 9


def _agents_answer(campaign) -> None:
    """Agents are e-mailed their link and answer through the page, one request each."""
    for code, count in AGENTS.items():
        centre = Centre.objects.get(code=code)
        emails = [f"agent{n}.{code}@dgfip.example" for n in range(count)]
        agent_contacts_import(campaign=campaign, centre=centre, emails=emails)
    for contact in AgentContact.objects.filter(campaign=campaign).order_by("pk"):
        mail.outbox.clear()
        agent_invitation_send(contact_id=contact.pk, reminder=False)
        path = re.search(r"https?://[^/\s]+(/s/\S+)", mail.outbox[0].body).group(1)
        # The oracle: a code of the contact (an e-mail in a comment would be masked).
        answers = {"q_involvement": "rather", "q_comment": f"oracle contact {contact.pk}"}
        assert Client().post(path, answers).status_code == 302


def _rows(sql: str, params=()) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


@pytest.fixture
def answered(agent_campaign):
    _agents_answer(agent_campaign)
    ballots_mix()  # the campaign runs: lille's 8 oldest sheets are counted
    ballots_mix(now=after_close(agent_campaign))  # the close: everything left
    return agent_campaign


def _truth() -> dict[int, str]:
    """response id -> e-mail of its author (the oracle, not available to an attacker)."""
    rows = _rows(
        "SELECT a.response_id, a.text FROM surveys_answer a "
        "JOIN surveys_question q ON q.id = a.question_id WHERE q.code = 'comment'"
    )
    emails = dict(AgentContact.objects.values_list("pk", "email"))
    return {
        response_id: emails[int(text.removeprefix("oracle contact "))] for response_id, text in rows
    }


def _links() -> list[tuple]:
    """Every used link with what an attacker reads of it, and its agent's e-mail."""
    return _rows(
        "SELECT i.id, i.xmin::text, i.ctid::text, i.centre_id, i.campaign_id, c.email "
        "FROM surveys_invitation i JOIN surveys_agentcontact c ON c.invitation_id = i.id "
        "WHERE i.used"
    )


def _responses() -> list[tuple]:
    return _rows(
        "SELECT r.id, r.xmin::text, r.ctid::text, r.centre_id, r.campaign_id, r.day::text "
        "FROM surveys_response r"
    )


def test_every_sheet_was_counted_and_nothing_waits(answered):
    assert len(_responses()) == sum(AGENTS.values()) and len(_links()) == sum(AGENTS.values())
    assert _rows("SELECT count(*) FROM surveys_ballot") == [(0,)]
    assert _rows("SELECT count(*) FROM surveys_invitation WHERE mix_pending") == [(0,)]


def test_a_join_on_xmin_and_every_shared_attribute_leaves_k_candidates(answered):
    links, truth = _links(), _truth()
    by_key = defaultdict(set)  # what a sheet and a link can share: writer, centre, campaign
    for _id, xmin, _ctid, centre, campaign, email in links:
        by_key[(xmin, centre, campaign)].add(email)
    same_centre = defaultdict(set)
    for _id, _xmin, _ctid, centre, campaign, email in links:
        same_centre[(centre, campaign)].add(email)
    for response_id, xmin, _ctid, centre, campaign, _day in _responses():
        candidates = by_key.get((xmin, centre, campaign)) or same_centre[(centre, campaign)]
        assert len(candidates) >= K, f"sheet {response_id} narrowed to {len(candidates)}"
        # The join either misses the author or hides them among k or more.
        assert truth[response_id] in same_centre[(centre, campaign)]


def test_no_link_shares_its_writing_transaction_with_fewer_than_k_sheets(answered):
    responses_by_xmin = defaultdict(int)
    for _id, xmin, *_rest in _responses():
        responses_by_xmin[xmin] += 1
    for _id, xmin, _ctid, _centre, _campaign, email in _links():
        shared = responses_by_xmin.get(xmin, 0)
        assert shared == 0 or shared >= K, f"{email}: its link was written with {shared} sheets"
    assert all(count >= K for count in responses_by_xmin.values())


def test_an_agent_email_reidentifies_no_sheet(answered):
    """The manager's query: e-mail -> link -> sheet, on every column the rows share."""
    rows = _rows(
        "SELECT c.email, count(r.id) FROM surveys_agentcontact c "
        "JOIN surveys_invitation i ON i.id = c.invitation_id "
        "LEFT JOIN surveys_response r ON r.xmin = i.xmin AND r.centre_id = i.centre_id "
        "AND r.campaign_id = i.campaign_id GROUP BY c.email"
    )
    assert rows and all(count == 0 or count >= K for _email, count in rows)
    truth = _truth()
    for email, _count in rows:
        sheets = [r for r, author in truth.items() if author == email]
        assert len(sheets) == 1  # the oracle: one sheet per agent, found only through it


def _rank_attack_hits(order_link: int, order_response: int) -> int:
    """Match the i-th link of a centre to its i-th sheet (by id or ctid): correct guesses."""
    truth = _truth()
    links = defaultdict(list)
    for row in _links():
        links[row[3]].append(row)
    responses = defaultdict(list)
    for row in _responses():
        responses[row[3]].append(row)
    hits = 0
    for centre, its_links in links.items():
        ordered_links = sorted(its_links, key=lambda row: _sortable(row[order_link]))
        ordered = sorted(responses[centre], key=lambda row: _sortable(row[order_response]))
        for link, response in zip(ordered_links, ordered, strict=True):
            hits += truth[response[0]] == link[5]
    return hits


def _sortable(value):
    if isinstance(value, str) and value.startswith("("):  # a ctid: (page, tuple)
        page, item = value.strip("()").split(",")
        return int(page), int(item)
    return value


@pytest.mark.parametrize("column", ["id", "ctid"])
def test_row_order_does_not_pair_links_with_sheets(answered, column):
    """Sheets are written in shuffled order: matching by id or physical order is a guess.

    With 22 sheets a random pairing is right about once (at most 11 times with probability
    below one in a million); the unshuffled order would be right every time."""
    index = {"id": 0, "ctid": 2}[column]
    assert _rank_attack_hits(index, index) <= sum(AGENTS.values()) // 2


def test_rollup_cells_were_last_written_by_batches_of_k_or_more(answered):
    batches = defaultdict(int)
    for _id, xmin, *_rest in _responses():
        batches[xmin] += 1
    for (xmin,) in _rows("SELECT xmin::text FROM surveys_dailyrollup"):
        assert batches.get(xmin, 0) >= K


def test_agent_sheets_carry_no_date_finer_than_the_campaign(answered):
    days = {day for *_rest, day in _responses()}
    assert days == {answered.opens_on.isoformat()}
    columns = {
        row[0]
        for row in _rows(
            "SELECT column_name FROM information_schema.columns "
            "WHERE table_name = 'surveys_invitation'"
        )
    }
    assert not {"used_on", "used_at", "updated_at"} & columns
