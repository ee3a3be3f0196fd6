from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .enums import EngagementGroup, ReferentialStatus


class Referential(models.Model):
    """A version of the label's referential: engagements, audit criteria and level rules.

    A version in force is never edited: the commission publishes a new one."""

    version = models.PositiveIntegerField(_("version"), unique=True)
    name = models.CharField(_("name"), max_length=200)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=ReferentialStatus.choices,
        default=ReferentialStatus.DRAFT,
    )
    is_illustrative = models.BooleanField(
        _("illustrative values"),
        default=True,
        help_text=_("Thresholds are illustrative until the national commission sets them."),
    )
    legal_basis = models.CharField(_("legal basis"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["-version"]
        verbose_name = _("referential")
        verbose_name_plural = _("referentials")
        constraints = [
            models.UniqueConstraint(
                fields=["status"],
                condition=Q(status=ReferentialStatus.ACTIVE),
                name="one_referential_in_force",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} (v{self.version})"


class Engagement(models.Model):
    """One of the programme's engagements, as worded in a referential version."""

    referential = models.ForeignKey(
        Referential, on_delete=models.PROTECT, related_name="engagements"
    )
    number = models.PositiveSmallIntegerField(_("number"))
    group = models.CharField(_("group"), max_length=10, choices=EngagementGroup.choices)
    title = models.CharField(_("wording"), max_length=300)

    class Meta:
        ordering = ["referential", "number"]
        verbose_name = _("engagement")
        verbose_name_plural = _("engagements")
        constraints = [
            models.UniqueConstraint(
                fields=["referential", "number"], name="unique_engagement_number"
            )
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"
