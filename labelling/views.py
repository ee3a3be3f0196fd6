from django.contrib.auth.decorators import login_not_required
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from centres.access import scope_of
from centres.enums import Role
from centres.queries import centres_by_ids, public_centres

from .enums import EngagementGroup
from .queries import engagements_in_force


@login_not_required
@require_GET
def home(request):
    """Public home: what the label is, the engagements and the centres."""
    engagements = list(engagements_in_force())
    groups = [
        {"label": label, "engagements": [e for e in engagements if e.group == value]}
        for value, label in EngagementGroup.choices
    ]
    return render(
        request,
        "labelling/home.html",
        {"engagement_groups": groups, "centres": public_centres()},
    )


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
    if scope.has(Role.DITP_ADMIN):
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
        "labelling/dashboard.html",
        {"roles": roles, "actions": _dashboard_actions(scope)},
    )
