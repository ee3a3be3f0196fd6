"""Many concurrent submissions of one link store exactly one response (row lock + constraint)."""

import threading

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from surveys.models import Ballot, Invitation

from ...conftest import requires_postgresql
from ..conftest import GOOD_ANSWERS

SUBMISSIONS = 20


@requires_postgresql
@pytest.mark.django_db(transaction=True)
def test_twenty_concurrent_submissions_of_one_link_store_one_response(citizen_campaign, issue):
    token = issue(citizen_campaign)[0]
    url = reverse("surveys:answer", kwargs={"token": token})
    barrier = threading.Barrier(SUBMISSIONS)
    statuses = []

    def submit():
        try:
            barrier.wait()
            statuses.append(Client().post(url, GOOD_ANSWERS).status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=submit) for _ in range(SUBMISSIONS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [302] + [409] * (SUBMISSIONS - 1)
    assert Ballot.objects.count() == 1
    assert Invitation.objects.get().used
