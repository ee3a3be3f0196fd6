"""The signed-in home: what each role can start."""

from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from centres.access import scope_of
from centres.enums import Role
from centres.queries import centres_by_ids


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


@require_GET
def dashboard(request):
    """Landing page after sign-in: what each of the user's roles can do."""
    scope = scope_of(request.user)
    roles = [label for value, label in Role.choices if value in scope.roles]
    return render(
        request,
        "labelling/dashboard/dashboard.html",
        {"roles": roles, "actions": _dashboard_actions(scope)},
    )
