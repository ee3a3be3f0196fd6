"""Survey comments for staff: masked text only (surveys.masking), and a form to mark a name.

Citizen comments are listed per centre of the user's scope. Agent comments appear only for a
campaign whose answers within the scope number at least k, without their centre: a comment
is never shown in a group smaller than k."""

from django.contrib import messages
from django.db.models import Count, Q
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from centres.access import role_required, visible_centres
from centres.pagination import page_of

from ..access import REVIEW_READERS
from ..anonymity import k_anonymity
from ..enums import Audience
from ..forms.comments import NameMaskForm
from ..models import Answer, Response
from ..services.comments import comment_name_mask

COMMENTS_PER_PAGE = 20


def readable_comments(centres: list) -> tuple:
    """Comments the holder of a scope may read: (answers, campaigns of agents shown)."""
    centre_ids = [c.pk for c in centres]
    k = k_anonymity()
    agent_groups = (
        Response.objects.filter(
            centre_id__in=centre_ids, campaign__questionnaire__audience=Audience.AGENT
        )
        .order_by()
        .values("campaign_id")
        .annotate(n=Count("id"))
    )
    agent_campaigns = [row["campaign_id"] for row in agent_groups if row["n"] >= k]
    shown = Q(response__campaign__questionnaire__audience=Audience.CITIZEN) | Q(
        response__campaign_id__in=agent_campaigns
    )
    answers = Answer.objects.filter(shown, response__centre_id__in=centre_ids).exclude(text="")
    answers = answers.select_related("response__campaign__questionnaire", "response__centre")
    return answers.order_by("-response_id"), agent_campaigns


def _found_in_comments(form: NameMaskForm) -> bool:
    """A name is marked as read in a comment of the centre (a typo would mask nothing)."""
    centre, name = form.selected_centre(), form.cleaned_data["name"]
    if Answer.objects.filter(response__centre=centre, text__icontains=name).exists():
        return True
    form.add_error("name", _("No comment of this centre contains this name."))
    return False


@role_required(*REVIEW_READERS)
@require_http_methods(["GET", "POST"])
def survey_comments(request):
    """The survey comments of the user's centres, masked; a form to mask a name."""
    centres = list(visible_centres(request.user).order_by("name"))
    form = NameMaskForm(request.POST if request.method == "POST" else None, centres=centres)
    if request.method == "POST" and form.is_valid() and _found_in_comments(form):
        changed = comment_name_mask(
            centre=form.selected_centre(), name=form.cleaned_data["name"], by=request.user
        )
        messages.success(
            request,
            _("The name is masked in %(count)d comment(s), and will be in later ones.")
            % {"count": changed},
        )
        return redirect("surveys:survey_comments")
    answers, _agent_campaigns = readable_comments(centres)
    page = page_of(request, answers, COMMENTS_PER_PAGE)
    return render(
        request,
        "surveys/comments/comment_list.html",
        {"page_obj": page, "form": form, "k": k_anonymity(), "agent": Audience.AGENT},
        status=400 if form.is_bound else 200,
    )
