"""« Notifications »: what each step of the workflow told the signed-in person; mark read."""

from django.contrib import messages
from django.core.exceptions import BadRequest
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from ..models import Notification
from ..notifications import mark_read
from ..pagination import page_of

PER_PAGE = 20


@require_GET
def notification_list(request):
    unread_only = request.GET.get("non-lues") == "1"
    rows = Notification.objects.filter(recipient=request.user)
    if unread_only:
        rows = rows.filter(read_at__isnull=True)
    page = page_of(request, rows, PER_PAGE)
    return render(
        request,
        "centres/notifications/notification_list.html",
        {"page": page, "unread_only": unread_only},
    )


@require_POST
def notification_mark_read(request):
    """Mark one notification (`id`) or all of them (`tout=1`) read; someone else's is ignored."""
    ids = request.POST.getlist("id")
    everything = request.POST.getlist("tout") == ["1"] and not ids
    well_formed = len(ids) == 1 and ids[0].isdigit() and len(ids[0]) < 12
    if not (everything or well_formed):
        raise BadRequest(_("This notification does not exist."))
    count = mark_read(request.user, None if everything else [int(ids[0])])
    if count:
        messages.success(request, _("Marked as read."))
    return redirect("notifications:list")
