"""Survey comments: names a referent marks are masked in the centre's comments, those already
counted and those the mixer counts later (surveys.masking)."""

import logging

from django.db import transaction

from centres.models import Centre, User

from ..masking import mask_personal_data
from ..models import Answer, MaskedName

logger = logging.getLogger(__name__)


def comment_name_mask(*, centre: Centre, name: str, by: User) -> int:
    """Mark a name for a centre and mask it in its counted comments; return how many changed."""
    name = " ".join(name.split())
    with transaction.atomic():
        MaskedName.objects.get_or_create(centre=centre, name=name, defaults={"marked_by": by})
        answers = list(
            Answer.objects.select_for_update()
            .filter(response__centre=centre, text__icontains=name)
            .only("pk", "text")
        )
        changed = []
        for answer in answers:
            masked = mask_personal_data(answer.text, [name])
            if masked != answer.text:
                answer.text = masked
                changed.append(answer)
        Answer.objects.bulk_update(changed, ["text"], batch_size=1000)
    logger.info(
        "comment_name_masked centre=%s answers=%s user_id=%s", centre.pk, len(changed), by.pk
    )
    return len(changed)
