"""A centre's self-assessment (auto-diagnostic): save the entries of a cycle, submit it."""

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..enums import (
    ENGAGEMENT_NUMBERS,
    MaturityLevel,
    SelfAssessmentStatus,
)
from ..models import (
    Centre,
    SelfAssessment,
    SelfAssessmentEntry,
    User,
)
from ._common import _user_id

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class EntryData:
    """What the referent writes for one engagement."""

    maturity_level: str = ""
    strengths: str = ""
    gaps: str = ""
    evidence: str = ""


# --- Self-assessment -------------------------------------------------------------------------


def _check_cycle(cycle: int) -> None:
    if not 2000 <= cycle <= 2100:
        raise ValidationError(_("The cycle must be a year."), code="cycle")


@transaction.atomic
def self_assessment_save(
    *,
    centre: Centre,
    cycle: int,
    entries: Mapping[int, EntryData],
    by: User | None,
    now: datetime | None = None,
) -> SelfAssessment:
    """Create or update the draft self-assessment of a centre for a cycle."""
    now = now or timezone.now()
    _check_cycle(cycle)
    unknown = set(entries) - set(ENGAGEMENT_NUMBERS)
    if unknown:
        raise ValidationError(_("Unknown engagement number."), code="engagement")
    for data in entries.values():
        if data.maturity_level and data.maturity_level not in MaturityLevel.values:
            raise ValidationError(_("Unknown maturity level."), code="maturity_level")
    assessment, _created = SelfAssessment.objects.get_or_create(
        centre=centre, cycle=cycle, defaults={"created_at": now, "updated_at": now}
    )
    assessment = SelfAssessment.objects.select_for_update().get(pk=assessment.pk)
    if assessment.is_submitted:
        raise ValidationError(
            _("This self-assessment was submitted: it can no longer be changed."), code="frozen"
        )
    existing = {entry.engagement_number: entry for entry in assessment.entries.all()}
    to_create, to_update = [], []
    for number, data in sorted(entries.items()):
        entry = existing.get(number) or SelfAssessmentEntry(
            assessment=assessment, engagement_number=number
        )
        entry.maturity_level = data.maturity_level
        entry.strengths = data.strengths.strip()
        entry.gaps = data.gaps.strip()
        entry.evidence = data.evidence.strip()
        (to_update if entry.pk else to_create).append(entry)
    SelfAssessmentEntry.objects.bulk_create(to_create)
    SelfAssessmentEntry.objects.bulk_update(
        to_update, ["maturity_level", "strengths", "gaps", "evidence"]
    )
    assessment.updated_at = now
    assessment.save(update_fields=["updated_at"])
    logger.info(
        "self_assessment_saved centre=%s cycle=%s user_id=%s", centre.code, cycle, _user_id(by)
    )
    return assessment


def missing_engagements(assessment: SelfAssessment | None) -> list[int]:
    """Engagement numbers still without a maturity level (all of them without an assessment)."""
    if assessment is None:
        return list(ENGAGEMENT_NUMBERS)
    rated = set(
        assessment.entries.exclude(maturity_level="").values_list("engagement_number", flat=True)
    )
    return [number for number in ENGAGEMENT_NUMBERS if number not in rated]


@transaction.atomic
def self_assessment_submit(
    *, centre: Centre, cycle: int, by: User | None, now: datetime | None = None
) -> SelfAssessment:
    """Submit a complete draft self-assessment; it is frozen from then on."""
    now = now or timezone.now()
    assessment = (
        SelfAssessment.objects.select_for_update().filter(centre=centre, cycle=cycle).first()
    )
    if assessment is None:
        raise ValidationError(
            _("Fill in the self-assessment before submitting it."), code="missing"
        )
    if assessment.is_submitted:
        raise ValidationError(_("This self-assessment is already submitted."), code="frozen")
    missing = missing_engagements(assessment)
    if missing:
        raise ValidationError(
            _("Give a maturity level for every engagement first (missing: %(numbers)s).")
            % {"numbers": ", ".join(str(n) for n in missing)},
            code="incomplete",
        )
    assessment.status = SelfAssessmentStatus.SUBMITTED
    assessment.submitted_at = now
    assessment.submitted_by = by
    assessment.updated_at = now
    assessment.save(update_fields=["status", "submitted_at", "submitted_by", "updated_at"])
    logger.info(
        "self_assessment_submitted centre=%s cycle=%s user_id=%s", centre.code, cycle, _user_id(by)
    )
    return assessment
