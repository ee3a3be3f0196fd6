"""Appeals reach an examiner independent of the case: never offered to someone who would be
refused, a visible queue and an e-mail to the commission when nobody is eligible, and nothing
typed lost on a refusal."""

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from centres.enums import Role
from labelling import services
from labelling.access import eligible_appeal_examiners
from labelling.enums import AppealOutcome, Outcome
from labelling.enums import ApplicationStatus as S
from labelling.models import Appeal

from .conftest import confirming_decider, drive

pytestmark = pytest.mark.django_db

REVIEW_LEGEND = "Examiner le recours"


def _detail(application):
    return reverse("labelling:application_detail", kwargs={"pk": application.pk})


def _review_url(application):
    return reverse(
        "labelling:application_action", kwargs={"pk": application.pk, "action": "appeal_review"}
    )


def _appealed(application, users, outcome=Outcome.REFUSED, capture=None):
    drive(application, users, "decided", outcome=outcome)
    services.appeal_file(
        application_id=application.pk, reason="Chiffres erronés.", by=users[Role.CORRESPONDENT]
    )
    return application


def test_the_decider_who_decided_is_not_offered_the_review_form(client, application, users):
    _appealed(application, users)
    client.force_login(users[Role.DECIDER])
    page = client.get(_detail(application)).content.decode()
    assert REVIEW_LEGEND not in page


def test_a_refused_review_keeps_what_was_typed(client, application, users):
    _appealed(application, users)
    client.force_login(users[Role.DECIDER])
    typed = "Motivation longue et soignée du réexamen, à ne pas perdre."
    response = client.post(_review_url(application), {"outcome": "upheld", "motivation": typed})
    assert response.status_code == 403
    page = response.content.decode()
    assert typed in page and "indépendant" in page
    application.refresh_from_db()
    assert application.status == S.APPEALED
    assert not Appeal.objects.filter(reviewed_at__isnull=False).exists()


def test_with_a_single_decider_the_appeal_waits_and_the_commission_is_told(
    client, application, users, django_capture_on_commit_callbacks
):
    drive(application, users, "decided", outcome=Outcome.REFUSED)
    with django_capture_on_commit_callbacks(execute=True):
        services.appeal_file(
            application_id=application.pk, reason="Erreur.", by=users[Role.CORRESPONDENT]
        )
    assert not eligible_appeal_examiners(application).exists()
    # Besides the « recours déposé » notification, the commission alone is told it waits.
    waiting = [m for m in mail.outbox if "examinateur indépendant" in m.subject]
    assert [m.to for m in waiting] == [[users[Role.DITP_ADMIN].email]]
    assert reverse("labelling:appeal_queue") in waiting[0].body
    client.force_login(users[Role.DITP_ADMIN])
    queue = client.get(reverse("labelling:appeal_queue")).content.decode()
    assert application.structure.name.replace("'", "&#x27;") in queue
    assert "personne n’est éligible" in queue
    detail = client.get(_detail(application)).content.decode()
    assert "attend dans la file des recours" in detail


def test_no_waiting_e_mail_when_an_independent_decider_exists(
    application, users, other_decider, django_capture_on_commit_callbacks
):
    drive(application, users, "decided", outcome=Outcome.REFUSED)
    with django_capture_on_commit_callbacks(execute=True):
        services.appeal_file(
            application_id=application.pk, reason="Erreur.", by=users[Role.CORRESPONDENT]
        )
    assert list(eligible_appeal_examiners(application)) == [other_decider]
    assert mail.outbox  # the « recours déposé » notification, to deciders and the DITP
    assert not [m for m in mail.outbox if "examinateur indépendant" in m.subject]


def test_an_independent_decider_sees_the_form_and_examines_the_appeal(
    client, application, users, other_decider
):
    _appealed(application, users)
    client.force_login(other_decider)
    assert REVIEW_LEGEND in client.get(_detail(application)).content.decode()
    queue = client.get(reverse("labelling:appeal_queue")).content.decode()
    assert "vous pouvez l’examiner" in queue
    response = client.post(_review_url(application), {"outcome": "upheld", "motivation": "Vu."})
    assert response.status_code == 302
    assert Appeal.objects.get().reviewed_by == other_decider


def test_the_decider_who_confirmed_a_derogation_cannot_examine_the_appeal(
    application, users, other_decider
):
    _appealed(application, users, outcome=Outcome.ARGENT)  # a derogation without figures
    assert application.decisions.get().confirmed_by == confirming_decider()
    with pytest.raises(PermissionDenied):
        services.appeal_review(
            application_id=application.pk,
            outcome=AppealOutcome.UPHELD,
            motivation="x",
            by=confirming_decider(),
        )
    assert list(eligible_appeal_examiners(application)) == [other_decider]


def test_the_queue_is_for_the_commission_and_deciders_and_says_when_empty(client, users):
    client.force_login(users[Role.DECIDER])
    assert (
        "Aucun recours n’est en attente"
        in client.get(reverse("labelling:appeal_queue")).content.decode()
    )
    client.force_login(users[Role.CORRESPONDENT])
    assert client.get(reverse("labelling:appeal_queue")).status_code == 403
