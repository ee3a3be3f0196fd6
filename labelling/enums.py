from django.db import models
from django.utils.translation import gettext_lazy as _


class EngagementGroup(models.TextChoices):
    CLOSER = "closer", _("Closer to you")
    EFFICIENT = "efficient", _("More efficient")
    SIMPLER = "simpler", _("Simpler")


class ReferentialStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    ACTIVE = "active", _("In force")
    ARCHIVED = "archived", _("Archived")
