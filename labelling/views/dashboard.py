"""The signed-in home: the to-dos of each role with their counts, then what each role can start.

Every count is one aggregate query over the user's scope, so the page costs the same number of
queries whatever the volume of data (tests/public/test_dashboard.py)."""

from datetime import timedelta

from django.db.models import Count, Min, OuterRef, Q, Subquery
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from centres.access import scope_of, visible_centres
from centres.enums import OPEN_ACTION_STATUSES, Role
from centres.models import Action
from centres.queries import centres_by_ids
from surveys.access import followed_reviews, moderated_reviews, visible_campaigns
from surveys.enums import ReviewState
from surveys.models import Response
from surveys.queries.reviews import LATE, TO_ANSWER
from surveys.services.reviews import REVIEW_ANSWER_DAYS

from ..access import visible_applications
from ..enums import ApplicationStatus, FindingKind
from ..models import Audit, Finding

RUNNING_CAMPAIGNS_SHOWN = 5


def _dashboard_actions(scope) -> list[dict]:
    """The tasks a signed-in user can start, by role."""
    actions = []
    if scope.has(Role.REFERENT):
        actions.append(
            {
                "title": _("My centre"),
                "description": _("Your centre's details and its quality referents."),
                "url": reverse("centres:list"),
            }
        )
        for centre in centres_by_ids(scope.centre_ids):
            actions.append(
                {
                    "title": _("Action plan"),
                    "description": _("%(centre)s: actions, progress, effectiveness checks.")
                    % {"centre": centre.name},
                    "url": reverse("centres:action_list", args=[centre.code]),
                }
            )
            actions.append(
                {
                    "title": _("Self-assessment"),
                    "description": _("%(centre)s: maturity of each engagement, by cycle.")
                    % {"centre": centre.name},
                    "url": reverse("centres:self_assessment_list", args=[centre.code]),
                }
            )
    if scope.has(Role.CORRESPONDENT, Role.AUDITOR, Role.DECIDER, Role.DITP_ADMIN):
        actions.append(
            {
                "title": _("Centres"),
                "description": _("The contact centres within your scope."),
                "url": reverse("centres:list"),
            }
        )
    if scope.roles:
        actions.append(
            {
                "title": _("Survey results"),
                "description": _("Citizen satisfaction and agent involvement, with their margins."),
                "url": reverse("surveys:results"),
            }
        )
    if scope.has(Role.REFERENT, Role.CORRESPONDENT, Role.DITP_ADMIN):
        actions.append(
            {
                "title": _("Citizen reviews"),
                "description": _("Published reviews to answer within 7 days, and their clock."),
                "url": reverse("surveys:review_list"),
            }
        )
    if scope.has(Role.CORRESPONDENT, Role.DITP_ADMIN):
        actions.append(
            {
                "title": _("Review moderation"),
                "description": _("Reviews waiting to be published, masked or rejected."),
                "url": reverse("surveys:review_moderation"),
            }
        )
    if scope.roles:
        actions.append(
            {
                "title": _("Label applications"),
                "description": _("Audits, scorecards, decisions and certificates."),
                "url": reverse("labelling:application_list"),
            }
        )
    if scope.has(Role.DITP_ADMIN, Role.DECIDER):
        actions.append(
            {
                "title": _("Referential versions"),
                "description": _("Engagements, audit criteria and level rules, by version."),
                "url": reverse("labelling:referential_list"),
            }
        )
    if scope.has(Role.DITP_ADMIN, Role.CORRESPONDENT):
        actions.append(
            {
                "title": _("Survey campaigns"),
                "description": _("Campaigns, their links, figures and phone-platform key."),
                "url": reverse("surveys:campaign_list"),
            }
        )
    if scope.has(Role.DITP_ADMIN, Role.CORRESPONDENT):
        actions.append(
            {
                "title": _("Organisation"),
                "description": _("Structures, centres and their agents; import from a CSV."),
                "url": reverse("organisation:home"),
            }
        )
        actions.append(
            {
                "title": _("People and roles"),
                "description": _("Invite people, grant and revoke their roles."),
                "url": reverse("organisation:people"),
            }
        )
    if scope.has(Role.DITP_ADMIN):
        actions.append(
            {
                "title": _("Questionnaires"),
                "description": _("Survey questions by version; a new version for new campaigns."),
                "url": reverse("surveys:questionnaire_list"),
            }
        )
        actions.append(
            {
                "title": _("Administration"),
                "description": _("People, roles, centres, certification bodies, referential."),
                "url": reverse("admin:index"),
            }
        )
    return actions


def _todo(title, count, url, detail="") -> dict:
    return {"title": title, "count": count, "url": url, "detail": detail}


def _review_todos(user, scope, now) -> list[dict]:
    todos = []
    if scope.has(Role.REFERENT, Role.CORRESPONDENT, Role.DITP_ADMIN):
        waiting = (
            followed_reviews(user)
            .filter(replied_at__isnull=True)
            .aggregate(
                count=Count("id"),
                oldest=Min("published_at"),
                late=Count(
                    "id", filter=Q(published_at__lt=now - timedelta(days=REVIEW_ANSWER_DAYS))
                ),
            )
        )
        detail = ""
        if waiting["oldest"] is not None:
            left = REVIEW_ANSWER_DAYS - (now - waiting["oldest"]).days
            detail = (
                _("%(late)s past the delay") % {"late": waiting["late"]}
                if left < 0
                else _("%(days)s days left for the oldest") % {"days": left}
            )
        url = reverse("surveys:review_list") + f"?status={TO_ANSWER}"
        todos.append(_todo(_("Reviews to answer"), waiting["count"], url, detail))
        if waiting["late"]:
            url = reverse("surveys:review_list") + f"?status={LATE}"
            todos.append(_todo(_("Reviews past the 7-day delay"), waiting["late"], url))
    if scope.has(Role.CORRESPONDENT, Role.DITP_ADMIN):
        pending = moderated_reviews(user).filter(state=ReviewState.PENDING).count()
        todos.append(_todo(_("Reviews to moderate"), pending, reverse("surveys:review_moderation")))
    return todos


def _action_todos(user, scope, today) -> list[dict]:
    if not scope.has(Role.REFERENT, Role.CORRESPONDENT, Role.DITP_ADMIN):
        return []
    overdue = Action.objects.filter(
        centre__in=visible_centres(user).values("id"),
        status__in=OPEN_ACTION_STATUSES,
        due_date__lt=today,
    ).aggregate(count=Count("id"), centres=Count("centre", distinct=True), one=Min("centre__code"))
    url = reverse("centres:list")
    if overdue["centres"] == 1:
        url = reverse("centres:action_list", args=[overdue["one"]])
    return [_todo(_("Actions overdue"), overdue["count"], url)]


def _label_todos(user, scope) -> list[dict]:
    applications = visible_applications(user)
    todos = []
    list_url = reverse("labelling:application_list")
    if scope.has(Role.AUDITOR):
        grids = (
            Audit.objects.filter(closed_at__isnull=True, application__in=applications.values("pk"))
            .filter(Q(lead_auditor=user) | Q(team=user))
            .aggregate(count=Count("id", distinct=True))["count"]
        )
        todos.append(_todo(_("Audit grids to fill"), grids, list_url))
        to_plan = applications.filter(status=ApplicationStatus.SUBMITTED).count()
        url = f"{list_url}?statut={ApplicationStatus.SUBMITTED}"
        todos.append(_todo(_("Applications waiting for an audit"), to_plan, url))
    if scope.has(Role.AUDITOR, Role.REFERENT, Role.CORRESPONDENT):
        findings = Finding.objects.filter(
            closed_at__isnull=True,
            kind__in=[FindingKind.MAJOR_NC, FindingKind.MINOR_NC],
            audit__application__in=applications.values("pk"),
        ).count()
        todos.append(_todo(_("Findings to close"), findings, list_url))
    if scope.has(Role.DECIDER, Role.DITP_ADMIN):
        counts = applications.aggregate(
            proposed=Count("id", filter=Q(status=ApplicationStatus.PROPOSED)),
            appealed=Count("id", filter=Q(status=ApplicationStatus.APPEALED)),
        )
        url = f"{list_url}?statut={ApplicationStatus.PROPOSED}"
        todos.append(_todo(_("Decisions waiting"), counts["proposed"], url))
        url = f"{list_url}?statut={ApplicationStatus.APPEALED}"
        todos.append(_todo(_("Appeals waiting"), counts["appealed"], url))
    return todos


def _running_campaigns(user, scope, today) -> list:
    """The running campaigns of the scope with their answer counts (the first few)."""
    if not scope.has(Role.CORRESPONDENT, Role.DITP_ADMIN):
        return []
    answers = Response.objects.filter(campaign=OuterRef("pk")).values("campaign")
    running = (
        visible_campaigns(user)
        .filter(opens_on__lte=today, closes_on__gte=today)
        .annotate(answers=Subquery(answers.annotate(n=Count("id")).values("n")[:1]))
        .order_by("closes_on", "slug")
    )
    return list(running[:RUNNING_CAMPAIGNS_SHOWN])


def dashboard_todos(user) -> dict:
    """The to-dos of the user's roles, each with its count and the link to its list."""
    scope = scope_of(user)
    now = timezone.now()
    today = timezone.localdate()
    todos = _review_todos(user, scope, now) + _action_todos(user, scope, today)
    todos += _label_todos(user, scope)
    return {"todos": todos, "campaigns": _running_campaigns(user, scope, today)}


@require_GET
def dashboard(request):
    """Landing page after sign-in: the to-dos, then what each of the user's roles can do."""
    scope = scope_of(request.user)
    roles = [label for value, label in Role.choices if value in scope.roles]
    return render(
        request,
        "labelling/dashboard/dashboard.html",
        {"roles": roles, "actions": _dashboard_actions(scope), **dashboard_todos(request.user)},
    )
