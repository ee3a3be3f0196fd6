"""Editing the referential in the product: every save is a new version copied from the one
shown, with what changed; the version in force and the applications filed under it never move."""

from decimal import Decimal

import pytest
from django.urls import reverse

from centres.enums import Role
from labelling import services
from labelling.defaults import LEVEL_RULES
from labelling.forms.referential import ReferentialVersionForm
from labelling.models import (
    Application,
    AuditCriterion,
    Decision,
    Engagement,
    LevelRule,
    Referential,
)
from labelling.queries import RULE_FLAGS, referential_changes

from ..bad_input import check_form_resists_bad_input
from .conftest import drive, make_application


def form_data(source: Referential, **changes) -> dict:
    """The new-version form as the page fills it from `source`, with `changes` applied."""
    form = ReferentialVersionForm(source=source)
    data = {name: field.initial for name, field in form.fields.items()}
    data.update(changes)
    # Checkboxes as a browser sends them: "on" when ticked, absent otherwise.
    return {
        k: "on" if v is True else v for k, v in data.items() if v is not None and v is not False
    }


def _new_version_url(referential):
    return reverse("labelling:referential_new_version", kwargs={"pk": referential.pk})


def _criterion(referential, code):
    return AuditCriterion.objects.get(engagement__referential=referential, code=code)


@pytest.fixture
def admin_client(client, users, referential):
    client.force_login(users[Role.DITP_ADMIN])
    return client


def test_the_form_starts_from_the_values_of_the_version_shown(admin_client, referential):
    page = admin_client.get(_new_version_url(referential)).content.decode()
    assert 'value="85"' in page  # Or: 85 % of agents involved
    assert "Les agents donnent leur nom et leur service" in page  # criterion 1.1 wording
    assert "indicatifs, à fixer par la commission" in page and "!!MISSING" not in page


def test_the_administrator_creates_a_new_version_with_a_summary_of_the_changes(
    admin_client, referential
):
    weight = f"weight-{_criterion(referential, '4.1').pk}"
    data = form_data(
        referential,
        name="Référentiel 2026",
        **{"or-min_agent_involvement": "75", weight: "4", "title-3": "Accompagnement renforcé"},
    )
    response = admin_client.post(_new_version_url(referential), data)
    new = Referential.objects.get(version=2)
    assert response.status_code == 302 and response.url.endswith(f"/referentiels/{new.pk}/")
    assert (new.status, new.based_on, new.is_illustrative) == ("draft", referential, True)
    assert new.level_rules.get(level="or").min_agent_involvement == Decimal("0.75")
    page = admin_client.get(response.url).content.decode()
    assert "4 modifications par rapport à la version 1" in page
    assert "Or — Implication minimale des agents" in page or "Or — implication minimale" in page
    assert "Accompagnement renforcé" in page and "!!MISSING" not in page


def test_a_new_version_never_edits_the_version_in_use(admin_client, application, users):
    application = drive(application, users, "decided")
    referential = application.referential
    rule_ids = sorted(referential.level_rules.values_list("pk", flat=True))
    data = form_data(referential, name="2026", **{"bronze-max_open_major_nc": "0"})
    assert admin_client.post(_new_version_url(referential), data).status_code == 302
    assert sorted(referential.level_rules.values_list("pk", flat=True)) == rule_ids
    assert referential.level_rules.get(level="bronze").max_open_major_nc == 1
    assert Application.objects.get().referential.version == 1
    assert Decision.objects.get().referential.version == 1
    assert Referential.objects.count() == 2


def test_a_version_without_any_change_is_refused(admin_client, referential):
    response = admin_client.post(_new_version_url(referential), form_data(referential, name="x"))
    assert response.status_code == 409
    assert "Rien n&#x27;a changé par rapport à la version 1" in response.content.decode()
    assert Referential.objects.count() == 1


def test_values_out_of_range_are_a_400_and_store_nothing(admin_client, referential):
    weight = f"weight-{_criterion(referential, '1.1').pk}"
    data = form_data(
        referential, name="2026", **{"or-min_citizen_rate_overall": "150", weight: "0"}
    )
    response = admin_client.post(_new_version_url(referential), data)
    assert response.status_code == 400
    page = response.content.decode()
    assert "inférieure ou égale à 100" in page and "supérieure ou égale à 1" in page
    assert Referential.objects.count() == 1


@pytest.mark.parametrize(
    ("role", "read", "write"),
    [
        (Role.DITP_ADMIN, 200, 200),
        (Role.DECIDER, 200, 403),
        (Role.AUDITOR, 403, 403),
        (Role.CORRESPONDENT, 403, 403),
        ("no_role", 403, 403),
    ],
)
def test_only_the_ditp_administrator_creates_versions(
    client, users, referential, role, read, write
):
    client.force_login(users[role])
    detail = reverse("labelling:referential_detail", kwargs={"pk": referential.pk})
    assert client.get(detail).status_code == read
    assert client.get(_new_version_url(referential)).status_code == write
    response = client.post(_new_version_url(referential), form_data(referential, name="2026"))
    assert response.status_code in ((409,) if write == 200 else (403,))
    assert Referential.objects.count() == 1


def test_the_service_refuses_a_criterion_or_an_engagement_of_no_version(referential, users):
    admin = users[Role.DITP_ADMIN]
    with pytest.raises(services.LabelError, match="critère 9.9"):
        services.referential_version_derive(
            source_id=referential.pk, by=admin, name="x", criterion_weights={"9.9": 2}
        )
    with pytest.raises(services.LabelError, match="engagement 12"):
        services.referential_version_derive(
            source_id=referential.pk, by=admin, name="x", engagement_titles={12: "x"}
        )
    assert Referential.objects.count() == 1


def test_putting_a_version_in_force_archives_the_previous_one(admin_client, referential, users):
    draft = services.referential_version_derive(
        source_id=referential.pk,
        by=users[Role.DITP_ADMIN],
        name="2026",
        criterion_weights={"8.2": 2},
    )
    url = reverse("labelling:referential_activate", kwargs={"pk": draft.pk})
    page = admin_client.get(url).content.decode()
    assert "La version 1 sera archivée" in page and "!!MISSING" not in page
    assert admin_client.post(url).status_code == 302
    referential.refresh_from_db()
    draft.refresh_from_db()
    assert (referential.status, draft.status) == ("archived", "active")
    assert make_application(users, cycle=2026).referential == draft
    assert admin_client.post(url).status_code == 409


def test_a_version_in_force_is_not_put_in_force_again(admin_client, referential):
    url = reverse("labelling:referential_activate", kwargs={"pk": referential.pk})
    response = admin_client.get(url)
    assert response.status_code == 409
    assert "Seule une version brouillon" in response.content.decode()


def test_the_what_if_preview_works_with_a_version_created_in_the_product(
    admin_client, client, application, users
):
    application = drive(application, users, "audited")
    data = form_data(application.referential, name="2026", **{"or-min_agent_involvement": "77.25"})
    admin_client.post(_new_version_url(application.referential), data)
    client.force_login(users[Role.AUDITOR])
    url = reverse("labelling:scorecard", kwargs={"pk": application.pk})
    assert "77,3\u202f%" not in client.get(url).content.decode()
    what_if = client.get(url, {"version": 2}).content.decode()
    assert "Selon la version 2 du référentiel" in what_if and "77,3\u202f%" in what_if


def test_the_seeded_defaults_stay_marked_illustrative(admin_client, referential):
    data = form_data(referential, name="Seuils de la commission", is_illustrative=False)
    admin_client.post(_new_version_url(referential), data)
    referential.refresh_from_db()
    assert referential.is_illustrative
    assert not Referential.objects.get(version=2).is_illustrative
    page = admin_client.get(reverse("labelling:referential_list")).content.decode()
    assert page.count("seuils indicatifs, à fixer par la commission") == 1


def test_the_version_pages_cost_a_fixed_number_of_queries(
    admin_client, referential, users, django_assert_max_num_queries
):
    for weight in (2, 3, 4):
        services.referential_version_derive(
            source_id=referential.pk,
            by=users[Role.DITP_ADMIN],
            name=f"v{weight}",
            criterion_weights={"8.2": weight},
        )
    with django_assert_max_num_queries(10):
        page = admin_client.get(reverse("labelling:referential_list")).content.decode()
    assert "Version 4" in page and "!!MISSING" not in page
    detail = reverse("labelling:referential_detail", kwargs={"pk": referential.pk})
    with django_assert_max_num_queries(14):
        assert admin_client.get(detail).status_code == 200


def test_the_changes_list_added_and_removed_criteria(referential, users):
    new = services.referential_version_create(
        source_id=referential.pk, name="2026", by=users[Role.DITP_ADMIN]
    )
    engagement = new.engagements.get(number=8)
    engagement.criteria.filter(code="8.2").delete()
    AuditCriterion.objects.create(engagement=engagement, code="8.3", title="Sobriété", weight=2)
    changes = {(c.what, c.before, c.after) for c in referential_changes(referential, new)}
    assert ("Critère 8.2 — poids", "1", "—") in changes
    assert ("Critère 8.3 — poids", "—", "2") in changes


def _small_referential() -> Referential:
    """One engagement, one criterion, one level: the corpus runs on every field in seconds."""
    small = Referential.objects.create(version=50, name="Petit", status="draft")
    engagement = Engagement.objects.create(
        referential=small, number=1, group="closer", title="Accueil"
    )
    AuditCriterion.objects.create(engagement=engagement, code="1.1", title="Nom", weight=2)
    LevelRule.objects.create(referential=small, level="bronze", **LEVEL_RULES["bronze"])
    return small


def test_the_new_version_form_resists_the_bad_input_corpus(admin_client, referential):
    small = _small_referential()
    data = form_data(small, name="Petit 2", **{f"weight-{_criterion(small, '1.1').pk}": "3"})
    # Optional fields (legal basis, the checkbox) may be missing: the corpus runs on the others.
    data = {
        k: str(v)
        for k, v in data.items()
        if k not in ("legal_basis", "is_illustrative") and not k.endswith(RULE_FLAGS)
    }
    check_form_resists_bad_input(
        admin_client,
        _new_version_url(small),
        valid=data,
        may_accept=lambda field, payload: field in {"name", "title-1"},
    )
    assert Referential.objects.filter(based_on=small).exists()
    small.refresh_from_db()
    assert small.level_rules.get().max_open_major_nc == 1


def test_a_legal_basis_with_disguising_characters_is_refused(admin_client, referential):
    data = form_data(referential, name="2026", legal_basis="Arrêté\u202e du 31 août 2023")
    response = admin_client.post(_new_version_url(referential), data)
    assert response.status_code == 400
    assert "caractères non autorisés" in response.content.decode()
    assert Referential.objects.count() == 1
