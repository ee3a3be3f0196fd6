"""The appeal queue: appeals waiting for an examiner, and whether one independent of the case
exists (the commission names one when nobody is eligible)."""

from django.core.paginator import Paginator
from django.shortcuts import render
from django.views.decorators.http import require_GET

from centres.access import role_required
from centres.enums import Role

from ..access import eligible_appeal_examiners, may_examine_appeal
from ..models import Appeal

PAGE_SIZE = 25


@role_required(Role.DITP_ADMIN, Role.DECIDER)
@require_GET
def appeal_queue(request):
    appeals = Appeal.objects.filter(reviewed_at__isnull=True).select_related(
        "application__structure", "decision__decided_by"
    )
    page = Paginator(appeals.order_by("filed_at", "pk"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    rows = [
        {
            "appeal": appeal,
            "examiners": eligible_appeal_examiners(appeal.application).count(),
            "mine": may_examine_appeal(request.user, appeal.application),
        }
        for appeal in page
    ]
    return render(request, "labelling/appeals/appeal_queue.html", {"rows": rows, "page": page})
