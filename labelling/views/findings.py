"""Following audit findings up to their closing, and downloading audit evidence.

Thin views: access check (labelling.access) -> form -> service -> message -> redirect."""

from django.contrib import messages
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from centres.access import STAFF_ROLES, role_required
from centres.enums import Role
from centres.pagination import page_of

from .. import services
from ..access import (
    get_application,
    get_evidence,
    get_finding,
    may_close_findings,
    may_read_scorecard,
    scoped_to_readable_sites,
)
from ..enums import ApplicationStatus as S
from ..evidence import (
    EvidenceUnavailable,
    evidence_content_type,
    evidence_download_name,
    evidence_open_verified,
)
from ..forms._common import body_is_utf8
from ..forms.findings import FindingCloseForm, FindingFilterForm
from ..queries import application_findings, structure_actions
from ._common import REPORT_ROLES, _conflict

FINDINGS_PER_PAGE = 25
# Statuses in which findings may be closed (the service checks it again).
CLOSING_STATUSES = (S.AUDIT_PLANNED, S.AUDITED, S.FOLLOW_UP)


@role_required(*STAFF_ROLES)
@require_GET
def finding_list(request, pk: int):
    application = get_application(request.user, pk)
    audits = list(application.audits.select_related("lead_auditor").order_by("start_date"))
    filters = FindingFilterForm(request.GET or None, audits=audits)
    status = 200
    criteria = {}
    if filters.is_bound:
        if filters.is_valid():
            criteria = {
                "kind": filters.cleaned_data["kind"],
                "status": filters.cleaned_data["status"],
                "audit_id": filters.cleaned_data["audit"],
            }
        else:
            status = 400
    findings = scoped_to_readable_sites(
        request.user, application, application_findings(application, **criteria)
    )
    page = page_of(request, findings, FINDINGS_PER_PAGE)
    closable_audits = set()
    if application.status in CLOSING_STATUSES:
        closable_audits = {a.pk for a in audits if may_close_findings(request.user, application, a)}
    return render(
        request,
        "labelling/findings/finding_list.html",
        {
            "application": application,
            "can_read_scorecard": may_read_scorecard(request.user),
            "filters": filters,
            "is_filtered": any(criteria.values()),
            "page_obj": page,
            "closable_audits": closable_audits,
        },
        status=status,
    )


@role_required(Role.AUDITOR)
@require_http_methods(["GET", "POST"])
def finding_close(request, pk: int):
    finding = get_finding(request.user, pk)
    application = finding.audit.application
    if not may_close_findings(request.user, application, finding.audit):
        return _conflict(request, _("Only the lead auditor can close a finding."), status=403)
    if finding.closed_at:
        return _conflict(
            request, _("This finding is already closed: see its closing note in the list.")
        )
    if application.status not in CLOSING_STATUSES:
        return _conflict(
            request,
            _(
                "Findings are closed after the audit and before the proposal, or during the "
                "follow-up audit."
            ),
        )
    form = FindingCloseForm(
        request.POST or None,
        actions=structure_actions(application.structure_id),
        utf8=body_is_utf8(request),
    )
    if request.method == "POST" and form.is_valid():
        action = form.cleaned_data["action"]
        try:
            services.finding_close(
                finding_id=finding.pk,
                note=form.cleaned_data["note"],
                action_id=action.pk if action else None,
                by=request.user,
            )
        except services.LabelError as error:
            form.add_error(None, str(error))
            context = {"finding": finding, "application": application, "form": form}
            return render(request, "labelling/findings/finding_close.html", context, status=409)
        messages.success(request, _("The finding is closed."))
        return redirect("labelling:finding_list", pk=application.pk)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "labelling/findings/finding_close.html",
        {"finding": finding, "application": application, "form": form},
        status=status,
    )


@role_required(*REPORT_ROLES)
@require_GET
def evidence_download(request, pk: int):
    evidence = get_evidence(request.user, pk)
    try:
        handle = evidence_open_verified(evidence)
    except EvidenceUnavailable as error:
        return _conflict(request, str(error))
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=evidence_download_name(evidence),
        content_type=evidence_content_type(evidence),
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["X-Evidence-SHA256"] = evidence.sha256
    return response
