"""Factories of the centres' self-assessments and action plans."""

import datetime

import factory
from factory.django import DjangoModelFactory

from centres.enums import ActionSource, ActionStatus, MaturityLevel
from centres.models import Action, Centre, SelfAssessment, SelfAssessmentEntry

TODAY = datetime.date(2025, 6, 16)


def lille() -> Centre:
    return Centre.objects.get(code="lille")


class ActionFactory(DjangoModelFactory):
    class Meta:
        model = Action

    centre = factory.LazyFunction(lille)
    engagement_number = 2
    title = factory.Sequence(lambda n: f"Action de test {n}")
    source_type = ActionSource.SURVEY_RESULT
    owner_name = "Équipe de rappel"
    due_date = TODAY + datetime.timedelta(days=30)
    indicator = "Taux de décroché"

    class Params:
        published = factory.Trait(is_published=True)
        overdue = factory.Trait(due_date=TODAY - datetime.timedelta(days=3))
        in_progress = factory.Trait(status=ActionStatus.IN_PROGRESS, progress=40)
        done = factory.Trait(
            status=ActionStatus.DONE,
            progress=100,
            effectiveness_check="Taux de décroché passé de 82 % à 89 %.",
            effectiveness_checked_on=TODAY,
            closed_on=TODAY,
        )
        abandoned = factory.Trait(status=ActionStatus.ABANDONED, closed_on=TODAY)


class SelfAssessmentFactory(DjangoModelFactory):
    class Meta:
        model = SelfAssessment

    centre = factory.LazyFunction(lille)
    cycle = 2025


def complete_entries(assessment: SelfAssessment) -> None:
    """Give every engagement of the assessment a maturity level."""
    for number in range(1, 9):
        SelfAssessmentEntry.objects.update_or_create(
            assessment=assessment,
            engagement_number=number,
            defaults={"maturity_level": MaturityLevel.ESTABLISHED},
        )


def action_with_history(world=None, *, code: str = "lille") -> dict:
    """URL kwargs of an open, published action of a centre with a short history (idempotent).

    Usable as a `kwargs` function of the accessibility screens (it takes their `world`)."""
    from centres.services.actions import action_close, action_create, action_update

    centre = Centre.objects.get(code=code)
    action = centre.actions.filter(title="Former les conseillers au langage clair").first()
    if action is None:
        action = action_create(
            centre=centre,
            by=None,
            engagement_number=5,
            title="Former les conseillers au langage clair",
            source_type=ActionSource.SELF_ASSESSMENT,
            due_date=TODAY - datetime.timedelta(days=3),
            indicator="Part des usagers qui jugent l'information claire",
            owner_name="Équipe formation",
            is_published=True,
        )
        action_update(action=action, by=None, progress=60, status=ActionStatus.IN_PROGRESS)
        done = ActionFactory(centre=centre, title="Rappel sous 48 heures", published=True)
        action_close(
            action=done,
            by=None,
            effectiveness_check="Décroché : 82 % → 89 %.",
            checked_on=TODAY,
            today=TODAY,
        )
    return {"code": code, "pk": action.pk}


def self_assessment_of(world=None, *, code: str = "lille", cycle: int = 2025) -> dict:
    """URL kwargs of a draft self-assessment with a few engagements filled in (idempotent)."""
    assessment, _ = SelfAssessment.objects.get_or_create(
        centre=Centre.objects.get(code=code), cycle=cycle
    )
    for number in (1, 2, 3):
        SelfAssessmentEntry.objects.get_or_create(
            assessment=assessment,
            engagement_number=number,
            defaults={"maturity_level": MaturityLevel.EMERGING, "strengths": "Accueil courtois"},
        )
    return {"code": code, "cycle": cycle}


def lille_with_actions(world=None) -> dict:
    """URL kwargs of Lille once it has published actions (for the plan pages)."""
    action_with_history(world)
    return {"code": "lille"}
