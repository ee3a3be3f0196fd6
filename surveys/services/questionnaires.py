"""Questionnaire versions: freeze a version once it is used, create a new version from a form."""

import dataclasses
import logging
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from ..models import (
    Question,
    Questionnaire,
)

logger = logging.getLogger(__name__)


# Questionnaires -------------------------------------------------------------------------------


def questionnaire_freeze(*, questionnaire: Questionnaire) -> None:
    """Freeze a questionnaire version: from now on, editing it means a new version."""
    if questionnaire.frozen_at is None:
        now = timezone.now()
        Questionnaire.objects.filter(pk=questionnaire.pk, frozen_at__isnull=True).update(
            frozen_at=now
        )
        questionnaire.frozen_at = now


@dataclass(frozen=True)
class QuestionData:
    """One question of a version to create, as the form or a copy gives it (no position)."""

    code: str
    kind: str
    engagement_number: int | None
    required: bool
    text_fr: str
    text_en: str
    is_headline: bool = False

    @classmethod
    def of(cls, question: Question) -> "QuestionData":
        return cls(**{f.name: getattr(question, f.name) for f in dataclasses.fields(cls)})


@dataclass(frozen=True)
class QuestionnaireChanges:
    """What a version changes in another one, question by question (matched by code)."""

    added: list[str]
    removed: list[str]
    changed: list[str]
    reordered: bool

    def __bool__(self) -> bool:
        return bool(self.added or self.removed or self.changed or self.reordered)


def questionnaire_changes(
    before: Sequence[QuestionData], after: Sequence[QuestionData]
) -> QuestionnaireChanges:
    """The questions added, removed and changed (wording, kind, engagement...) by `after`."""
    old = {q.code: q for q in before}
    new = {q.code: q for q in after}
    common_old = [code for code in old if code in new]
    common_new = [code for code in new if code in old]
    return QuestionnaireChanges(
        added=[code for code in new if code not in old],
        removed=[code for code in old if code not in new],
        changed=[code for code in common_new if old[code] != new[code]],
        reordered=common_old != common_new,
    )


@transaction.atomic
def questionnaire_version_create(
    *, source: Questionnaire, questions: Sequence[QuestionData]
) -> Questionnaire:
    """Create the next version of the source's questionnaire with these questions, in order.

    The source and the campaigns that use it do not change; the new version is not frozen."""
    if not questions:
        raise ValueError("A questionnaire version needs at least one question.")
    # Lock every version of the code (not only the source: two versions may be derived from two
    # different sources at once), then read the highest number in a NEW statement, which sees
    # what a transaction we waited for committed. The unique (code, version) constraint stays
    # the last guard.
    list(
        Questionnaire.objects.select_for_update()
        .filter(code=source.code)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    latest = Questionnaire.objects.filter(code=source.code).aggregate(Max("version"))
    created = Questionnaire.objects.create(
        code=source.code,
        version=(latest["version__max"] or 0) + 1,
        audience=source.audience,
        name=source.name,
    )
    Question.objects.bulk_create(
        Question(questionnaire=created, position=position, **dataclasses.asdict(data))
        for position, data in enumerate(questions, start=1)
    )
    logger.info(
        "questionnaire_version_created code=%s version=%s source=%s questions=%s",
        created.code,
        created.version,
        source.pk,
        len(questions),
    )
    return created


def questionnaire_new_version(*, questionnaire: Questionnaire) -> Questionnaire:
    """Copy a questionnaire and its questions into the next, editable version."""
    return questionnaire_version_create(
        source=questionnaire,
        questions=[QuestionData.of(q) for q in questionnaire.questions.all()],
    )
