"""Citizen reviews: the public form and page of a centre, moderation, the referents' replies."""

import logging

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.http import require_GET, require_http_methods
from django.views.decorators.vary import vary_on_cookie

from centres.access import can_manage, has_role, role_required, visible_centres
from centres.enums import ActionStatus, Role
from centres.pagination import page_of
from centres.public_cache import public_page
from centres.queries import action_plan, public_centres

from ..access import (
    REVIEW_MODERATORS,
    REVIEW_READERS,
    followed_reviews,
    get_review_to_answer,
    get_review_to_moderate,
    moderated_reviews,
)
from ..enums import ReviewState
from ..forms.reviews import (
    HONEYPOT_FIELD,
    ReviewFilterForm,
    ReviewForm,
    ReviewPublishForm,
    ReviewRejectForm,
    ReviewReplyForm,
)
from ..models import REVIEW_ANSWER_DAYS
from ..queries.results import min_sample, review_answer_rate
from ..queries.reviews import moderation_queue, published_reviews, reviews_to_follow
from ..ratelimit import review_submission_record, review_submissions_exceeded
from ..services.reviews import review_publish, review_reject, review_reply, review_submit

logger = logging.getLogger(__name__)

PUBLIC_PER_PAGE = 10
STAFF_PER_PAGE = 25


def _error_text(error: ValidationError) -> str:
    return " ".join(error.messages)


# --- Public pages ----------------------------------------------------------------------------


def _sent_as_utf8(request) -> bool:
    """False for a form body that is not UTF-8 (Django would read it as Latin-1 and accept it)."""
    if request.content_type != "application/x-www-form-urlencoded":
        return True
    try:
        request.body.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _rate_context(centre_ids: list[int], now) -> dict:
    return {
        "rate": review_answer_rate(centre_ids=centre_ids, now=now),
        "answer_days": REVIEW_ANSWER_DAYS,
        "min_sample": min_sample(),
    }


@public_page(centre_kwarg="code", params=["page"])
@login_not_required
@require_GET
@vary_on_cookie
@cache_control(max_age=60)
def public_reviews(request, code: str):
    """Public: a centre's published reviews with their replies, and its 7-day answer rate."""
    centre = get_object_or_404(public_centres(), code=code)
    return render(
        request,
        "surveys/reviews/public_list.html",
        {
            "centre": centre,
            "page_obj": page_of(request, published_reviews(centre=centre), PUBLIC_PER_PAGE),
            **_rate_context([centre.pk], timezone.now()),
        },
    )


@login_not_required
@never_cache
@require_http_methods(["GET", "POST"])
def submit(request, code: str):
    """Public: the « Je donne mon avis » form of a centre (no account, rate-limited, honeypot)."""
    centre = get_object_or_404(public_centres(), code=code)
    # Only sending counts, per centre: reading the form never meets the limit.
    if request.method == "POST" and review_submissions_exceeded(request, centre):
        return render(request, "surveys/reviews/too_many.html", {"centre": centre}, status=429)
    form = ReviewForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        review_submission_record(request, centre)
        if not _sent_as_utf8(request):
            form.add_error(None, _("Your text contains characters that are not allowed."))
        elif form.is_spam:
            logger.info("review_honeypot centre=%s", centre.code)
        else:
            try:
                review_submit(centre=centre, **form.cleaned_data)
            except ValidationError as error:
                form.add_error(None, _error_text(error))
        if not form.errors:
            return redirect("surveys:review_thanks", code=centre.code)
    return render(
        request,
        "surveys/reviews/submit.html",
        {"centre": centre, "form": form, "honeypot_field": HONEYPOT_FIELD},
        status=400 if form.errors else 200,
    )


@login_not_required
@require_GET
def thanks(request, code: str):
    """Public: the thank-you page after a review (published once moderated)."""
    centre = get_object_or_404(public_centres(), code=code)
    return render(request, "surveys/reviews/thanks.html", {"centre": centre})


# --- Moderation ------------------------------------------------------------------------------


@role_required(*REVIEW_MODERATORS)
@require_GET
def moderation(request):
    """The moderation queue of the centres in scope: pending reviews first."""
    reviews = moderated_reviews(request.user)
    return render(
        request,
        "surveys/reviews/moderation_queue.html",
        {
            "page_obj": page_of(request, moderation_queue(reviews), STAFF_PER_PAGE),
            "pending_count": reviews.filter(state=ReviewState.PENDING).count(),
        },
    )


@role_required(*REVIEW_MODERATORS)
@require_http_methods(["GET", "POST"])
def moderate(request, pk: int):
    """Read a pending review and publish it, with personal data masked if need be."""
    review = get_review_to_moderate(request.user, pk)
    if not review.is_pending:
        if request.method == "POST":
            messages.info(request, _("This review has already been moderated."))
            return redirect("surveys:review_moderate", pk=review.pk)
        return render(request, "surveys/reviews/moderate.html", {"review": review, "form": None})
    form = ReviewPublishForm(
        request.POST if request.method == "POST" else None, initial={"text": review.experience}
    )
    if request.method == "POST" and form.is_valid():
        try:
            review = review_publish(review=review, by=request.user, text=form.cleaned_data["text"])
        except ValidationError as error:
            form.add_error(None, _error_text(error))
        else:
            if review.is_masked:
                messages.success(
                    request, _("The review is published with its personal data masked.")
                )
            else:
                messages.success(request, _("The review is published."))
            return redirect("surveys:review_moderation")
    return render(
        request,
        "surveys/reviews/moderate.html",
        {"review": review, "form": form},
        status=400 if form.errors else 200,
    )


@role_required(*REVIEW_MODERATORS)
@require_http_methods(["GET", "POST"])
def reject(request, pk: int):
    """Confirm the rejection of a pending review, with its reason."""
    review = get_review_to_moderate(request.user, pk)
    if not review.is_pending:
        messages.info(request, _("This review has already been moderated."))
        return redirect("surveys:review_moderate", pk=review.pk)
    form = ReviewRejectForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            review_reject(review=review, by=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            form.add_error(None, _error_text(error))
        else:
            messages.success(request, _("The review is rejected. It will not be published."))
            return redirect("surveys:review_moderation")
    return render(
        request,
        "surveys/reviews/reject.html",
        {"review": review, "form": form},
        status=400 if form.errors else 200,
    )


# --- Referents' replies ----------------------------------------------------------------------


@role_required(*REVIEW_READERS)
@require_GET
def review_list(request):
    """Published reviews of the centres in scope, with the one-week clock of each."""
    centres = list(visible_centres(request.user))
    filters = ReviewFilterForm(request.GET or None, centres=centres)
    status_code, status, selected = 200, "", centres
    if filters.is_bound:
        if filters.is_valid():
            status = filters.cleaned_data["status"]
            code = filters.cleaned_data["centre"]
            selected = [c for c in centres if c.code == code] if code else centres
        else:
            status_code = 400
    now = timezone.now()
    reviews = followed_reviews(request.user).filter(centre__in=[c.pk for c in selected])
    page = page_of(request, reviews_to_follow(reviews, status=status, now=now), STAFF_PER_PAGE)
    rows = [
        {
            "review": review,
            "days_left": review.days_left(now),
            "late": review.is_late(now),
            "can_reply": can_manage(request.user, review.centre),
        }
        for review in page.object_list
    ]
    return render(
        request,
        "surveys/reviews/review_list.html",
        {
            "filters": filters,
            "is_filtered": bool(status) or len(selected) != len(centres),
            "several_centres": len(centres) > 1,
            "page_obj": page,
            "rows": rows,
            "can_moderate": has_role(request.user, *REVIEW_MODERATORS),
            **_rate_context([c.pk for c in selected], now),
        },
        status=status_code,
    )


@role_required(Role.REFERENT)
@require_http_methods(["GET", "POST"])
def reply(request, pk: int):
    """The referent publishes (or corrects) the centre's public reply to a review."""
    review = get_review_to_answer(request.user, pk)
    actions = action_plan(review.centre).exclude(status=ActionStatus.ABANDONED)
    form = ReviewReplyForm(
        request.POST if request.method == "POST" else None,
        initial={"reply": review.reply, "action": review.action_id},
        actions=actions,
    )
    if request.method == "POST" and form.is_valid():
        try:
            review_reply(
                review=review,
                by=request.user,
                text=form.cleaned_data["reply"],
                action=form.cleaned_data["action"],
            )
        except ValidationError as error:
            form.add_error(None, _error_text(error))
        else:
            messages.success(request, _("The reply is published under the review."))
            return redirect("surveys:review_list")
    now = timezone.now()
    return render(
        request,
        "surveys/reviews/reply.html",
        {
            "review": review,
            "form": form,
            "days_left": review.days_left(now),
            "late": review.is_late(now),
        },
        status=400 if form.errors else 200,
    )
