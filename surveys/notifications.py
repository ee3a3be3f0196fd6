"""The notifications of the surveys app: a review published on your centre, a review about to
breach its 7-day clock (listed only: the review clock e-mails that step itself)."""

from django.urls import reverse
from django.utils.translation import gettext as _

from centres.enums import Role
from centres.notifications import Kind, Message, holders, register


def _centre_referents(review):
    return holders(Role.REFERENT, centre=review.centre_id)


def _reply_url(review) -> str:
    return reverse("surveys:review_reply", kwargs={"pk": review.pk})


register(
    Kind(
        name="review_published",
        model="surveys.Review",
        recipients=_centre_referents,
        message=lambda review: Message(
            _("A review is published on %(centre)s") % {"centre": review.centre.name},
            _("A citizen review of %(centre)s is published: answer it publicly within 7 days.")
            % {"centre": review.centre.name},
            _reply_url(review),
        ),
        select_related=("centre",),
    )
)
register(
    Kind(
        name="review_about_to_breach",
        model="surveys.Review",
        recipients=_centre_referents,
        message=lambda review: Message(
            _("A review of %(centre)s is still unanswered after 5 days")
            % {"centre": review.centre.name},
            _("Answer it within 2 days: after 7 days the answer delay is breached."),
            _reply_url(review),
        ),
        select_related=("centre",),
        email=False,  # the review clock's day-5 reminder is the e-mail
    )
)
