"""Campaign pages of the DITP: list, creation, figures, links, phone-platform API key, closing.

The network's correspondent reads the list and the pages of their structures' campaigns; every
change is the DITP administrator's.

Also the phone platform's link API and the agents' contact lists of a campaign."""

import csv
import hmac
import io
import json
import logging

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.db import IntegrityError, transaction
from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import (
    Http404,
    HttpResponse,
    HttpResponseBadRequest,
    JsonResponse,
)
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from centres.access import has_role, require_role, role_required, visible_centres
from centres.enums import Role
from centres.models import Structure
from centres.pagination import page_of
from centres.params import int_param
from centres.site import site_url

from ..access import get_campaign, visible_campaigns
from ..anonymity import k_anonymity
from ..enums import Audience
from ..forms.campaigns import AgentContactsForm, CampaignCreateForm, LinksIssueForm
from ..models import AgentContact, Campaign, Invitation, Response
from ..services.ballot import ballots_waiting
from ..services.campaigns import (
    agent_contacts_import,
    campaign_api_key_rotate,
    campaign_can_close_early,
    campaign_can_issue,
    campaign_close_early,
    campaign_create,
    invitations_issue,
)
from ..tasks import dispatch_agent_invitations
from ..tokens import token_hash

logger = logging.getLogger(__name__)


@login_not_required
@csrf_exempt
@require_POST
def invitation_api(request, slug: str):
    """JSON endpoint for the phone platform: one fresh survey link after a call.

    POST {"centre": "<code>"} with the header "Authorization: Bearer <campaign API key>"."""
    campaign = Campaign.objects.filter(slug=slug).select_related("questionnaire").first()
    given = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
    if (
        campaign is None
        or not campaign.api_key_hash
        or not given
        or not hmac.compare_digest(campaign.api_key_hash, token_hash(given))
    ):
        return JsonResponse({"error": _("Unknown campaign or wrong API key.")}, status=401)
    try:
        payload = json.loads(request.body or b"{}")
    except ValueError:
        payload = None
    code = payload.get("centre") if isinstance(payload, dict) else None
    centre = campaign.centres.filter(code=code).first() if isinstance(code, str) and code else None
    if centre is None:
        return JsonResponse(
            {"error": _("Give the code of one of the campaign's centres in « centre ».")},
            status=400,
        )
    if timezone.localdate() > campaign.closes_on:
        return JsonResponse({"error": _("This campaign is closed.")}, status=410)
    _centre, token = next(invitations_issue(campaign=campaign, count=1, centres=[centre]))
    url = site_url() + reverse("surveys:answer", kwargs={"token": token})
    return JsonResponse({"url": url}, status=201)


@role_required(Role.DITP_ADMIN, Role.CORRESPONDENT, Role.REFERENT)
@require_http_methods(["GET", "POST"])
def agent_contacts(request, slug: str):
    """Agent campaign: upload addresses, e-mail the links, remind those who have not answered."""
    campaign = get_campaign(request.user, slug)
    if campaign.questionnaire.audience != Audience.AGENT:
        raise Http404
    centres = [c for c in visible_centres(request.user) if c.structure_id == campaign.structure_id]
    action = request.POST.get("action", "")
    form = AgentContactsForm(request.POST if action == "import" else None, centres=centres)
    if request.method == "POST":
        if action == "import" and form.is_valid():
            added = agent_contacts_import(
                campaign=campaign,
                centre=form.selected_centre(),
                emails=form.cleaned_data["emails"],
            )
            messages.success(request, _("%(count)d address(es) added.") % {"count": added})
            return redirect("surveys:agent_contacts", slug=campaign.slug)
        if action in ("invite", "remind"):
            if campaign.closes_on < timezone.localdate():
                messages.error(request, _("This campaign is closed."))
            else:
                dispatch_agent_invitations.delay_on_commit(campaign.pk, action == "remind")
                messages.success(request, _("The e-mails are being sent."))
            return redirect("surveys:agent_contacts", slug=campaign.slug)
        if action != "import":
            return HttpResponseBadRequest(_("Unknown action."))
    contacts = AgentContact.objects.filter(campaign=campaign, centre_id__in=[c.pk for c in centres])
    counts = contacts.aggregate(
        total=Count("id"),
        invited=Count("id", filter=Q(invited_on__isnull=False)),
        reminded=Count("id", filter=Q(reminded_on__isnull=False)),
        answered=Count("id", filter=Q(invitation__used=True)),
    )
    return render(
        request,
        "surveys/campaigns/agent_contacts.html",
        {"campaign": campaign, "form": form, "counts": counts},
        status=400 if form.is_bound and not form.is_valid() else 200,
    )


CAMPAIGN_READERS = (Role.DITP_ADMIN, Role.CORRESPONDENT)
CAMPAIGNS_PER_PAGE = 20


def campaign_state(campaign: Campaign, today) -> tuple[str, str]:
    """(key, French label) of a campaign's state on a given day."""
    if today < campaign.opens_on:
        return "upcoming", pgettext("campaign state", "upcoming")
    if today > campaign.closes_on:
        return "closed", pgettext("campaign state", "closed")
    return "running", pgettext("campaign state", "running")


def _count_of(model, *, outer: str, **filters) -> Coalesce:
    """A correlated COUNT(*) of `model` rows (one subquery, no row fetched)."""
    rows = (
        model.objects.filter(**{outer: OuterRef("pk")}, **filters)
        .order_by()
        .values(outer)
        .annotate(n=Count("*"))
        .values("n")
    )
    return Coalesce(Subquery(rows, output_field=IntegerField()), 0)


def _with_counts(campaigns: QuerySet[Campaign]) -> QuerySet[Campaign]:
    return campaigns.annotate(
        links_issued=_count_of(Invitation, outer="campaign"),
        links_used=_count_of(Invitation, outer="campaign", used=True),
        responses_count=_count_of(Response, outer="campaign"),
    )


@role_required(*CAMPAIGN_READERS)
@require_GET
def campaign_list(request):
    """The campaigns, newest first, with their state and their counts."""
    campaigns = _with_counts(
        visible_campaigns(request.user).select_related("structure").order_by("-created_at", "-pk")
    )
    page = page_of(request, campaigns, CAMPAIGNS_PER_PAGE)
    today = timezone.localdate()
    for campaign in page.object_list:
        campaign.state, campaign.state_label = campaign_state(campaign, today)
    return render(
        request,
        "surveys/campaigns/campaign_list.html",
        {"page_obj": page, "can_manage": has_role(request.user, Role.DITP_ADMIN)},
    )


@role_required(Role.DITP_ADMIN)
@require_http_methods(["GET", "POST"])
def campaign_create_page(request):
    """Create a campaign (the questionnaire version used is frozen from then on)."""
    asked = int_param(request, "structure")
    structure = Structure.objects.filter(pk=asked).first() if asked is not None else None
    structure = structure or Structure.objects.order_by("name").first()
    form = CampaignCreateForm(
        request.POST if request.method == "POST" else None, structure=structure
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():
                campaign = campaign_create(
                    slug=data["slug"],
                    name=data["name"],
                    questionnaire=data["questionnaire"],
                    centres=data["centres"],
                    channel=data["channel"],
                    opens_on=data["opens_on"],
                    closes_on=data["closes_on"],
                    link_validity_days=data["link_validity_days"],
                )
        except IntegrityError:  # the same code taken by a concurrent creation
            form.add_error("slug", _("A campaign already has this code: choose another."))
        else:
            logger.info("campaign_created campaign=%s", campaign.slug)
            messages.success(request, _("Campaign « %(name)s » created.") % {"name": campaign.name})
            return redirect("surveys:campaign_detail", slug=campaign.slug)
    return render(
        request,
        "surveys/campaigns/campaign_form.html",
        {"form": form},
        status=400 if form.is_bound else 200,
    )


def _readable_campaign(user, slug: str) -> Campaign:
    """A campaign the user may read (403 without the role, 404 outside the scope)."""
    require_role(user, *CAMPAIGN_READERS)
    return get_campaign(user, slug)


def _managed_campaign(user, slug: str) -> Campaign:
    """A campaign the user may change: the DITP administrator's (403, 404)."""
    require_role(user, Role.DITP_ADMIN)
    return get_campaign(user, slug)


def _figures(campaign: Campaign) -> tuple[list, dict]:
    """Per-centre counts of the campaign, and their totals.

    One GROUP BY pass over the campaign's links (and one over its responses): a correlated
    count per centre and figure would read the campaign's links once per cell."""
    now = timezone.now()
    links = {
        row["centre_id"]: row
        for row in Invitation.objects.filter(campaign=campaign)
        .order_by()
        .values("centre_id")
        .annotate(
            links_issued=Count("id"),
            links_used=Count("id", filter=Q(used=True)),
            links_expired=Count("id", filter=Q(used=False, expires_at__lte=now)),
        )
    }
    responses = dict(
        Response.objects.filter(campaign=campaign)
        .order_by()
        .values("centre_id")
        .annotate(n=Count("id"))
        .values_list("centre_id", "n")
    )
    keys = ("links_issued", "links_used", "links_expired")
    centres = list(campaign.centres.order_by("name"))
    for centre in centres:
        row = links.get(centre.pk, {})
        for key in keys:
            setattr(centre, key, row.get(key, 0))
        centre.responses_count = responses.get(centre.pk, 0)
    totals = {key: sum(getattr(c, key) for c in centres) for key in (*keys, "responses_count")}
    return centres, totals


def _detail(request, campaign: Campaign, *, links_form=None, status: int = 200):
    centres, totals = _figures(campaign)
    today = timezone.localdate()
    state, state_label = campaign_state(campaign, today)
    if links_form is None:
        links_form = LinksIssueForm(centres=centres)
    exports = [("results", "csv"), ("results", "xlsx"), ("opendata", "csv")]
    if campaign.questionnaire.audience != Audience.AGENT:
        exports[:0] = [("responses", "csv"), ("responses", "xlsx")]
    return render(
        request,
        "surveys/campaigns/campaign_detail.html",
        {
            "campaign": campaign,
            "centres": centres,
            "totals": totals,
            "state": state,
            "state_label": state_label,
            "links_form": links_form,
            "exports": exports,
            "is_agent_campaign": campaign.questionnaire.audience == Audience.AGENT,
            "can_manage": has_role(request.user, Role.DITP_ADMIN),
            "can_close": campaign_can_close_early(campaign, today),
            # Links of a closed campaign would not work: no form to issue them.
            "can_issue": campaign_can_issue(campaign, today),
            "results_url": reverse("surveys:results") + f"?campaign={campaign.slug}",
            "ballots_waiting": ballots_waiting(campaign=campaign),
            "k": k_anonymity(),
        },
        status=status,
    )


@role_required(*CAMPAIGN_READERS)
@require_GET
def campaign_detail(request, slug: str):
    """A campaign's figures per centre, its results and exports; links, API key, closing."""
    campaign = _readable_campaign(request.user, slug)
    return _detail(request, campaign)


@role_required(Role.DITP_ADMIN)
@never_cache
@require_POST
def campaign_links(request, slug: str):
    """Issue N single-use links; answer with a CSV of their addresses (the only copy)."""
    campaign = _managed_campaign(request.user, slug)
    centres = list(campaign.centres.order_by("name"))
    form = LinksIssueForm(request.POST, centres=centres)
    if form.is_valid() and not campaign_can_issue(campaign, timezone.localdate()):
        form.add_error(None, _("This campaign is closed: new links would not work."))
    if not form.is_valid():
        return _detail(request, campaign, links_form=form, status=400)
    count = form.cleaned_data["count"]
    base = site_url() + reverse("surveys:answer", kwargs={"token": "TOKEN"})
    prefix = base.removesuffix("TOKEN")
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([_("link"), _("centre")])
    for centre, token in invitations_issue(
        campaign=campaign, count=count, centres=form.selected_centres()
    ):
        writer.writerow([prefix + token, centre.code])
    logger.info("campaign_links_downloaded campaign=%s count=%s", campaign.slug, count)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="liens-{campaign.slug}-{stamp}.csv"'
    return response


@role_required(Role.DITP_ADMIN)
@never_cache
@require_http_methods(["GET", "POST"])
def campaign_api_key(request, slug: str):
    """Generate (or regenerate) the phone platform's API key, after a confirmation."""
    campaign = _managed_campaign(request.user, slug)
    if request.method == "POST":
        key = campaign_api_key_rotate(campaign=campaign)
        logger.info("campaign_api_key_rotated campaign=%s", campaign.slug)
        return render(
            request, "surveys/campaigns/api_key_result.html", {"campaign": campaign, "key": key}
        )
    return render(request, "surveys/campaigns/api_key_confirm.html", {"campaign": campaign})


@role_required(Role.DITP_ADMIN)
@require_http_methods(["GET", "POST"])
def campaign_close(request, slug: str):
    """Close a running campaign today, after a confirmation."""
    campaign = _managed_campaign(request.user, slug)
    today = timezone.localdate()
    can_close = campaign_can_close_early(campaign, today)
    if request.method == "POST" and can_close:
        campaign_close_early(campaign=campaign, today=today)
        messages.success(
            request,
            _("The campaign closes tonight at midnight; its unused links expire then."),
        )
        return redirect("surveys:campaign_detail", slug=campaign.slug)
    return render(
        request,
        "surveys/campaigns/close_confirm.html",
        {"campaign": campaign, "can_close": can_close, "today": today},
        status=409 if request.method == "POST" else 200,
    )
