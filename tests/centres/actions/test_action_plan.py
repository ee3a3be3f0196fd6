import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from centres.enums import ActionEventKind, ActionStatus, Role
from centres.models import Action, ActionEvent, Centre
from centres.services.actions import action_close, action_create, action_update

from ..factories import TODAY, ActionFactory

pytestmark = pytest.mark.django_db


def action_page(action, name="action_detail"):
    return reverse(f"centres:{name}", kwargs={"code": action.centre.code, "pk": action.pk})


def action_form(**overrides):
    data = {
        "engagement_number": "4",
        "title": "Annoncer le délai de traitement",
        "description": "",
        "source_type": "audit_finding",
        "source_reference": "Audit de mars, constat 3",
        "owner_user": "",
        "owner_name": "Cheffe de plateau",
        "due_date": "2025-09-30",
        "status": "planned",
        "progress": "0",
        "indicator": "Délais respectés",
    }
    data.update(overrides)
    return data


def test_a_referent_adds_an_action_and_its_history_starts(client, users):
    client.force_login(users[Role.REFERENT])
    response = client.post(reverse("centres:action_create", args=["lille"]), action_form())
    action = Action.objects.get()
    assert response.status_code == 302 and response.url == action_page(action)
    assert (action.centre.code, action.engagement_number, action.is_published) == (
        "lille",
        4,
        False,
    )
    event = action.events.get()
    assert (event.kind, event.actor) == (ActionEventKind.CREATED, users[Role.REFERENT])


def test_an_action_needs_an_owner_and_bad_input_stores_nothing(client, users):
    client.force_login(users[Role.REFERENT])
    create = reverse("centres:action_create", args=["lille"])
    response = client.post(create, action_form(owner_name="", progress="140"))
    assert response.status_code == 400
    page = response.content.decode()
    assert "Indiquez le responsable de l&#x27;action" in page
    assert "inférieure ou égale à 100" in page
    assert client.post(create, action_form(engagement_number="9")).status_code == 400
    assert client.post(create, action_form(due_date="31/02/2025")).status_code == 400
    assert not Action.objects.exists()


def test_a_referent_of_another_centre_gets_404_on_every_action_page(client, users):
    action = ActionFactory(in_progress=True)
    client.force_login(users["other_referent"])
    for name in ("action_detail", "action_edit", "action_close", "action_abandon"):
        assert client.get(action_page(action, name)).status_code == 404, name
    assert client.post(action_page(action, "action_edit"), action_form()).status_code == 404
    data = {"effectiveness_check": "Fait", "checked_on": "2025-06-01"}
    assert client.post(action_page(action, "action_close"), data).status_code == 404
    assert client.post(action_page(action, "action_publish"), {"published": "1"}).status_code == 404
    assert client.post(reverse("centres:action_create", args=["lille"])).status_code == 404
    action.refresh_from_db()
    assert (action.status, action.is_published, action.events.count()) == ("in_progress", False, 0)


def test_an_action_cannot_be_closed_without_an_effectiveness_check(users):
    action = ActionFactory(in_progress=True)
    for check, checked_on in (("", TODAY), ("   ", TODAY), ("Mesuré", None)):
        with pytest.raises(ValidationError) as refused:
            action_close(
                action=action,
                by=users[Role.REFERENT],
                effectiveness_check=check,
                checked_on=checked_on,
                today=TODAY,
            )
        assert refused.value.code == "effectiveness_check"
    action.refresh_from_db()
    assert action.status == ActionStatus.IN_PROGRESS
    assert not action.events.exists()


def test_the_database_refuses_a_done_action_without_effectiveness_check(users):
    action = ActionFactory(in_progress=True)
    with pytest.raises(IntegrityError), transaction.atomic():
        Action.objects.filter(pk=action.pk).update(status=ActionStatus.DONE, closed_on=TODAY)


def test_the_close_form_without_a_check_answers_400_in_french(client, users):
    action = ActionFactory(in_progress=True)
    client.force_login(users[Role.REFERENT])
    response = client.post(action_page(action, "action_close"), {"checked_on": "2025-06-01"})
    assert response.status_code == 400
    assert "Ce champ est obligatoire" in response.content.decode()
    action.refresh_from_db()
    assert action.status == ActionStatus.IN_PROGRESS


def test_closing_with_a_check_marks_the_action_done_and_writes_the_history(client, users):
    action = ActionFactory(in_progress=True)
    client.force_login(users[Role.REFERENT])
    check = "Taux de décroché passé de 82 % à 89 %."
    response = client.post(
        action_page(action, "action_close"),
        {"effectiveness_check": check, "checked_on": "2025-06-01"},
    )
    assert response.status_code == 302
    action.refresh_from_db()
    assert (action.status, action.progress, action.effectiveness_check) == ("done", 100, check)
    event = action.events.get()
    assert event.kind == ActionEventKind.CLOSED
    assert event.changes == {"status": ["in_progress", "done"], "progress": [40, 100]}


def test_a_check_dated_in_the_future_is_refused(users):
    action = ActionFactory()
    with pytest.raises(ValidationError, match="dans le futur"):
        action_close(
            action=action,
            by=None,
            effectiveness_check="Mesuré",
            checked_on=TODAY + datetime.timedelta(days=1),
            today=TODAY,
        )


def test_every_change_is_appended_to_the_history_with_old_and_new_values(client, users):
    action = ActionFactory()
    referent = users[Role.REFERENT]
    action_update(action=action, by=referent, progress=50, status=ActionStatus.IN_PROGRESS)
    action_update(action=action, by=referent, progress=50)  # nothing changes: no event
    action_update(action=action, by=referent, is_published=True)
    kinds = list(action.events.values_list("kind", "changes"))
    assert kinds == [
        ("updated", {"progress": [0, 50], "status": ["planned", "in_progress"]}),
        ("published", {}),
    ]
    client.force_login(users[Role.CORRESPONDENT])
    page = client.get(action_page(action)).content.decode()
    assert "Avancement (%) : 0 → 50" in page
    assert "Statut : Prévue → En cours" in page


def test_the_edit_form_saves_changes_and_logs_them(client, users):
    action = ActionFactory()
    client.force_login(users[Role.REFERENT])
    data = action_form(
        title=action.title, engagement_number="2", status="in_progress", progress="25"
    )
    response = client.post(action_page(action, "action_edit"), data)
    assert response.status_code == 302
    action.refresh_from_db()
    assert (action.status, action.progress, action.engagement_number) == ("in_progress", 25, 2)
    assert set(action.events.get().changes) >= {"status", "progress", "due_date", "indicator"}


def test_the_edit_form_cannot_set_an_action_done(client, users):
    action = ActionFactory()
    with pytest.raises(ValidationError):
        action_update(action=action, by=None, status=ActionStatus.DONE)
    client.force_login(users[Role.REFERENT])
    response = client.post(action_page(action, "action_edit"), action_form(status="done"))
    assert response.status_code == 400
    action.refresh_from_db()
    assert action.status == ActionStatus.PLANNED


def test_a_closed_action_can_no_longer_be_changed_but_can_be_published(users):
    action = ActionFactory(done=True)
    with pytest.raises(ValidationError, match="ne peut plus être modifiée"):
        action_update(action=action, by=None, title="Autre titre")
    action_update(action=action, by=None, is_published=True)
    action.refresh_from_db()
    assert (action.title.startswith("Action de test"), action.is_published) == (True, True)


def test_abandoning_asks_for_confirmation_and_a_reason(client, users):
    action = ActionFactory(in_progress=True)
    client.force_login(users[Role.REFERENT])
    page = client.get(action_page(action, "action_abandon")).content.decode()
    assert "Voulez-vous vraiment abandonner" in page
    assert client.post(action_page(action, "action_abandon"), {"reason": ""}).status_code == 400
    action.refresh_from_db()
    assert action.status == ActionStatus.IN_PROGRESS
    response = client.post(action_page(action, "action_abandon"), {"reason": "Remplacée."})
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.status == ActionStatus.ABANDONED
    assert action.events.get().note == "Remplacée."


def test_the_referent_publishes_and_withdraws_an_action(client, users):
    action = ActionFactory()
    client.force_login(users[Role.REFERENT])
    client.post(action_page(action, "action_publish"), {"published": "1"})
    client.post(action_page(action, "action_publish"), {"published": "0"})
    action.refresh_from_db()
    assert not action.is_published
    assert list(action.events.values_list("kind", flat=True)) == ["published", "unpublished"]


def test_readers_see_the_plan_without_edit_buttons(client, users):
    action = ActionFactory(in_progress=True)
    client.force_login(users[Role.AUDITOR])
    page = client.get(reverse("centres:action_list", args=["lille"])).content.decode()
    assert action.title in page
    assert reverse("centres:action_create", args=["lille"]) not in page
    assert (
        action_page(action, "action_edit") not in client.get(action_page(action)).content.decode()
    )


def test_the_plan_filters_by_status_and_engagement(client, users):
    ActionFactory(title="Prévue 2")
    ActionFactory(title="En cours 2", in_progress=True)
    ActionFactory(title="En cours 5", in_progress=True, engagement_number=5)
    client.force_login(users[Role.REFERENT])
    page = client.get(
        reverse("centres:action_list", args=["lille"]), {"status": "in_progress", "engagement": "2"}
    ).content.decode()
    assert "En cours 2" in page
    assert "Prévue 2" not in page and "En cours 5" not in page


def test_an_invalid_filter_answers_400(client, users):
    client.force_login(users[Role.REFERENT])
    response = client.get(reverse("centres:action_list", args=["lille"]), {"status": "zzz"})
    assert response.status_code == 400


def test_an_empty_plan_says_so(client, users):
    client.force_login(users[Role.REFERENT])
    page = client.get(reverse("centres:action_list", args=["lille"])).content.decode()
    assert "Aucune action pour le moment" in page


def test_the_plan_is_paginated_twenty_actions_a_page(client, users):
    ActionFactory.create_batch(25)
    client.force_login(users[Role.REFERENT])
    list_url = reverse("centres:action_list", args=["lille"])
    first = client.get(list_url).content.decode()
    second = client.get(list_url, {"page": 2}).content.decode()
    assert first.count("<tr>") == 21 and second.count("<tr>") == 6
    assert "25 actions" in first


def test_the_plan_reads_in_a_fixed_number_of_queries(client, users, django_assert_max_num_queries):
    owner = users[Role.REFERENT]
    ActionFactory.create_batch(15, owner_user=owner, in_progress=True)
    ActionFactory.create_batch(5, done=True)
    client.force_login(users[Role.CORRESPONDENT])
    with django_assert_max_num_queries(9):
        response = client.get(reverse("centres:action_list", args=["lille"]))
    assert response.content.decode().count("<tr>") == 21


def test_the_action_page_reads_in_a_fixed_number_of_queries(
    client, users, django_assert_max_num_queries
):
    action = ActionFactory()
    for progress in range(1, 11):
        action_update(action=action, by=users[Role.REFERENT], progress=progress)
    client.force_login(users[Role.REFERENT])
    with django_assert_max_num_queries(9):
        response = client.get(action_page(action))
    assert response.content.decode().count("<tr>") == 11


def test_the_referent_dashboard_links_to_their_centre_action_plan(client, users):
    client.force_login(users[Role.REFERENT])
    page = client.get(reverse("dashboard")).content.decode()
    assert reverse("centres:action_list", args=["lille"]) in page
    assert reverse("centres:action_list", args=["angers"]) not in page


def test_services_refuse_an_action_for_an_unknown_engagement(users):
    with pytest.raises(ValidationError):
        action_create(
            centre=Centre.objects.get(code="lille"),
            by=None,
            engagement_number=9,
            title="X",
            source_type="survey_result",
            due_date=TODAY,
            indicator="Y",
            owner_name="Z",
        )
    assert not ActionEvent.objects.exists()


def test_the_first_of_a_month_reads_1er(client, users):
    """« 1 décembre » read where French writes « 1er décembre »."""
    action = ActionFactory(due_date=datetime.date(2026, 12, 1))
    client.force_login(users[Role.REFERENT])
    html = client.get(action_page(action)).content.decode()
    assert "1er décembre 2026" in html and ">1 décembre 2026<" not in html
