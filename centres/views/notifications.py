"""« Notifications »: what each step of the workflow told the signed-in person; mark read."""

from django.contrib import messages
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
    """Mark one notification (`id`) or all of them (no `id`) read; someone else's is ignored."""
    ids = request.POST.getlist("id")
    if ids and not all(value.isdigit() and len(value) < 12 for value in ids):
        messages.error(request, _("This notification does not exist."))
        return redirect("notifications:list")
    count = mark_read(request.user, [int(value) for value in ids] if ids else None)
    if count:
        messages.success(request, _("Marked as read."))
    return redirect("notifications:list")
