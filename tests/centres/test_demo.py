import pytest

from centres.demo import demo_users_seed, improvement_seed
from centres.enums import ActionStatus, SelfAssessmentStatus
from centres.models import Action, ActionEvent, SelfAssessment

from .factories import TODAY

pytestmark = pytest.mark.django_db


def test_demo_gives_every_centre_a_plan_in_every_status_and_is_idempotent(organisation):
    demo_users_seed(password=None)
    improvement_seed(today=TODAY)
    counts = (Action.objects.count(), ActionEvent.objects.count(), SelfAssessment.objects.count())
    improvement_seed(today=TODAY)
    assert (
        Action.objects.count(),
        ActionEvent.objects.count(),
        SelfAssessment.objects.count(),
    ) == counts
    for centre in organisation.centres.all():
        statuses = set(centre.actions.values_list("status", flat=True))
        assert statuses == set(ActionStatus.values), centre.code
        assert centre.actions.filter(is_published=True).exists()
        previous = centre.self_assessments.get(cycle=TODAY.year - 1)
        assert previous.status == SelfAssessmentStatus.SUBMITTED
    assert SelfAssessment.objects.filter(cycle=TODAY.year, status="draft").count() == 10
    assert Action.objects.filter(due_date__lt=TODAY, status="in_progress").count() == 20
