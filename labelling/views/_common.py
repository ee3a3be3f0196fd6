"""Shared by the labelling views."""

from django.shortcuts import render
from django.utils.translation import gettext as _

from centres.enums import Role


def _conflict(request, message: str, status: int = 409):
    return render(
        request,
        "errors/error.html",
        {"status": status, "title": _("This step is not possible"), "message": message},
        status=status,
    )


REPORT_ROLES = (Role.AUDITOR, Role.DECIDER, Role.DITP_ADMIN, Role.CORRESPONDENT)
