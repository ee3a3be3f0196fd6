"""The results page of staff: a campaign's rates per engagement, centre and period."""

from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from centres.access import STAFF_ROLES, has_role, role_required, visible_centres
from centres.enums import Role

from ..access import visible_campaigns
from ..forms.results import ResultsFilterForm
from ..queries.results import campaign_results


@role_required(*STAFF_ROLES)
@require_GET
def results(request):
    """Results of a campaign, per engagement, centre and month, within the user's scope."""
    campaigns = list(visible_campaigns(request.user).select_related("structure"))
    centres = list(visible_centres(request.user))
    form = ResultsFilterForm(request.GET or None, campaigns=campaigns, centres=centres)
    campaign, selected, start, end = None, centres, None, None
    if campaigns and (not form.is_bound or form.is_valid()):
        data = form.cleaned_data if form.is_bound else {}
        campaign = next((c for c in campaigns if c.slug == data.get("campaign")), campaigns[0])
        start = data.get("start") or campaign.opens_on
        end = data.get("end") or min(campaign.closes_on, timezone.localdate())
        end = max(end, start)
        selected = [c for c in centres if c.structure_id == campaign.structure_id]
        if data.get("centre"):
            selected = [c for c in selected if c.code == data["centre"]]
    figures = (
        campaign_results(campaign=campaign, centres=selected, start=start, end=end)
        if campaign
        else None
    )
    return render(
        request,
        "surveys/results/results.html",
        {
            "form": form,
            "campaign": campaign,
            "results": figures,
            "can_invite": has_role(
                request.user, Role.DITP_ADMIN, Role.CORRESPONDENT, Role.REFERENT
            ),
        },
        status=400 if form.is_bound and not form.is_valid() else 200,
    )
