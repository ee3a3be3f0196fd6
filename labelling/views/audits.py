"""Audits: the plan and its sites, the audit page (findings, evidence, closing), the grids,
the report PDF."""

from functools import partial

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from centres.access import STAFF_ROLES, role_required, scope_of
from centres.enums import Role
from centres.uploads import too_large_response, upload_too_large

from .. import services
from ..access import (
    get_application,
    get_audit,
    get_audit_site,
    readable_sites,
    scoped_to_readable_sites,
)
from ..enums import ApplicationStatus as S
from ..enums import AuditKind
from ..forms.audits import (
    AuditPlanForm,
    CloseAuditForm,
    EvidenceForm,
    FindingForm,
    GridForm,
    SitesOverrideForm,
)
from ..models import AuditCriterion, GridEntry
from ..reports import report_build_dispatch, report_is_current
from ._common import REPORT_ROLES, _conflict

# ---------------------------------------------------------------- audits


@role_required(Role.AUDITOR)
@require_http_methods(["GET", "POST"])
def audit_plan(request, pk: int):
    application = get_application(request.user, pk)
    kind = AuditKind.FOLLOW_UP if application.status == S.DECIDED else AuditKind.INITIAL
    form = AuditPlanForm(request.POST or None, application=application, lead=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            audit = services.audit_plan(
                application_id=application.pk,
                by=request.user,
                start_date=data["start_date"],
                end_date=data["end_date"],
                team_ids=[u.pk for u in data["team"]],
                risk_centre_ids=[c.pk for c in data["risk_centres"]],
                seed=data["seed"],
                kind=kind,
            )
        except services.LabelError as error:
            return _conflict(request, str(error))
        messages.success(request, _("The audit is planned and its sites are sampled."))
        return redirect("labelling:audit_detail", pk=audit.pk)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "labelling/audits/audit_plan.html",
        {"application": application, "form": form, "kind": kind},
        status=status,
    )


def _criteria(audit):
    return AuditCriterion.objects.filter(
        engagement__referential_id=audit.application.referential_id
    ).select_related("engagement")


def _audit_context(request, audit, bound: dict | None = None) -> dict:
    criteria = _criteria(audit)
    sites = readable_sites(request.user, audit).order_by("centre__city")
    filled = {
        row["site_id"]: row["count"]
        for row in GridEntry.objects.filter(site__audit=audit)
        .values("site_id")
        .annotate(count=Count("pk"))
    }
    criteria_count = criteria.count()
    user = request.user
    lead = audit.lead_auditor_id == user.pk
    member = lead or audit.team.filter(pk=user.pk).exists()
    forms = {}
    if member and audit.closed_at is None:
        forms = {
            "finding": FindingForm(audit=audit, criteria=criteria),
            "evidence": EvidenceForm(audit=audit),
        }
        if lead:
            forms["sites"] = SitesOverrideForm(audit=audit)
            forms["close"] = CloseAuditForm()
    forms.update(bound or {})
    return {
        "audit": audit,
        "application": audit.application,
        "sites": [(site, filled.get(site.pk, 0)) for site in sites],
        "criteria_count": criteria_count,
        "team": audit.team.order_by("full_name"),
        "findings": scoped_to_readable_sites(
            user, audit.application, audit.findings.select_related("criterion", "site__centre")
        ),
        "evidence": scoped_to_readable_sites(
            user, audit.application, audit.evidence.select_related("site__centre", "uploaded_by")
        ),
        "is_lead": lead,
        "is_member": member,
        "can_report": scope_of(user).has(*REPORT_ROLES),
        "forms": forms,
    }


@role_required(*STAFF_ROLES)
@require_GET
def audit_detail(request, pk: int):
    audit = get_audit(request.user, pk)
    return render(request, "labelling/audits/audit_detail.html", _audit_context(request, audit))


@role_required(Role.AUDITOR)
@require_POST
def audit_post(request, pk: int, action: str):
    audit = get_audit(request.user, pk)
    criteria = _criteria(audit)
    forms = {
        "sites": lambda: SitesOverrideForm(request.POST, audit=audit),
        "finding": lambda: FindingForm(request.POST, audit=audit, criteria=criteria),
        "evidence": lambda: EvidenceForm(request.POST, request.FILES, audit=audit),
        "close": lambda: CloseAuditForm(request.POST),
    }
    if action not in forms:
        raise Http404
    if upload_too_large(request):  # the upload handler stopped reading the file
        return too_large_response(request)
    form = forms[action]()
    if not form.is_valid():
        context = _audit_context(request, audit, bound={action: form})
        return render(request, "labelling/audits/audit_detail.html", context, status=400)
    data = form.cleaned_data
    try:
        if action == "sites":
            services.audit_sites_override(
                audit_id=audit.pk,
                centre_ids=[c.pk for c in data["centres"]],
                reason=data["reason"],
                by=request.user,
            )
        elif action == "finding":
            services.finding_add(
                audit_id=audit.pk,
                criterion_id=data["criterion"].pk,
                kind=data["kind"],
                description=data["description"],
                site_id=data["site"].pk if data["site"] else None,
                by=request.user,
            )
        elif action == "evidence":
            services.evidence_add(
                audit_id=audit.pk,
                upload=data["file"],
                site_id=data["site"].pk if data["site"] else None,
                by=request.user,
            )
        else:
            services.audit_close(audit_id=audit.pk, conclusion=data["conclusion"], by=request.user)
    except services.LabelError as error:
        form.add_error(None, str(error))
        context = _audit_context(request, audit, bound={action: form})
        # A refused file says why (413, 415, 400); a step the audit does not allow is a 409.
        status = getattr(error, "status", 409)
        return render(request, "labelling/audits/audit_detail.html", context, status=status)
    messages.success(request, _("Saved."))
    if action == "close":
        return redirect("labelling:application_detail", pk=audit.application_id)
    return redirect("labelling:audit_detail", pk=audit.pk)


@role_required(*REPORT_ROLES)
@require_GET
def audit_report(request, pk: int):
    """The stored report PDF, served at once; while a new one is built, a page that says so
    (202) and that the browser reloads (labelling.reports)."""
    audit = get_audit(request.user, pk)
    if not report_is_current(audit):
        # Queued after commit (at once here, outside a transaction): eager in development, so
        # the report is then ready; a worker's in production.
        transaction.on_commit(partial(report_build_dispatch, audit.pk))
        audit.refresh_from_db()
    if not report_is_current(audit):
        return render(
            request, "labelling/audits/audit_report_pending.html", {"audit": audit}, status=202
        )
    response = FileResponse(
        audit.report_file.open("rb"),
        as_attachment=True,
        filename=f"rapport-audit-{audit.pk}.pdf",
        content_type="application/pdf",
    )
    response["X-Checksum-SHA256"] = audit.report_sha256
    return response


@role_required(*STAFF_ROLES)
@require_http_methods(["GET", "POST"])
def audit_grid(request, pk: int, site_pk: int):
    audit = get_audit(request.user, pk)
    site = get_audit_site(request.user, audit, site_pk)
    criteria = list(_criteria(audit))
    entries = {e.criterion_id: e for e in GridEntry.objects.filter(site=site)}
    form = GridForm(request.POST or None, criteria=criteria, entries=entries)
    if request.method == "POST":
        if not form.is_valid():
            return render(
                request,
                "labelling/audits/audit_grid.html",
                {"audit": audit, "site": site, "form": form},
                status=400,
            )
        try:
            # All or nothing, and one report build for the whole grid (labelling.reports).
            with transaction.atomic():
                for criterion in criteria:
                    conformity = form.cleaned_data[f"c{criterion.pk}"]
                    if conformity:
                        services.grid_entry_save(
                            site_id=site.pk,
                            criterion_id=criterion.pk,
                            conformity=conformity,
                            comment=form.cleaned_data[f"m{criterion.pk}"],
                            by=request.user,
                        )
        except services.LabelError as error:
            return _conflict(request, str(error))
        except PermissionDenied:
            raise
        messages.success(request, _("The grid is saved."))
        return redirect("labelling:audit_detail", pk=audit.pk)
    return render(
        request, "labelling/audits/audit_grid.html", {"audit": audit, "site": site, "form": form}
    )
