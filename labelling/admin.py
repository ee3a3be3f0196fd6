from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _

from centres.access import has_role
from centres.enums import Role

from . import services
from .enums import ReferentialStatus
from .models import (
    Application,
    AuditCriterion,
    Certificate,
    Decision,
    DecisionLogEntry,
    Engagement,
    LevelRule,
    Referential,
)


class DitpAdminMixin:
    """DITP administrators may view; edits go through the rules of each model admin."""

    def has_view_permission(self, request, obj=None):
        return has_role(request.user, Role.DITP_ADMIN) or request.user.is_superuser

    def has_module_permission(self, request):
        return self.has_view_permission(request)


def _draft(obj) -> bool:
    referential = getattr(obj, "referential", obj)
    if isinstance(obj, AuditCriterion):
        referential = obj.engagement.referential
    return referential is not None and referential.status == ReferentialStatus.DRAFT


class DraftOnlyInline(DitpAdminMixin, admin.TabularInline):
    """Rows of a referential can change only while it is a draft (a version in force never)."""

    extra = 0

    def has_change_permission(self, request, obj=None):
        return self.has_view_permission(request) and obj is not None and _draft(obj)

    def has_add_permission(self, request, obj=None):
        return self.has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self.has_change_permission(request, obj)


class EngagementInline(DraftOnlyInline):
    model = Engagement


class LevelRuleInline(DraftOnlyInline):
    model = LevelRule


@admin.register(Referential)
class ReferentialAdmin(DitpAdminMixin, admin.ModelAdmin):
    list_display = ["name", "version", "status", "is_illustrative", "created_at"]
    inlines = [EngagementInline, LevelRuleInline]
    actions = ["copy_as_new_version", "put_in_force"]
    readonly_fields = ["version", "status", "created_at"]

    def has_change_permission(self, request, obj=None):
        if not self.has_view_permission(request):
            return False
        return obj is None or _draft(obj)

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Copy as a new draft version"))
    def copy_as_new_version(self, request, queryset):
        for referential in queryset:
            try:
                new = services.referential_version_create(
                    source_id=referential.pk, name=f"{referential.name} (copie)", by=request.user
                )
            except PermissionDenied as error:
                self.message_user(request, str(error), messages.ERROR)
                return
            self.message_user(request, _("Draft version %(v)s created.") % {"v": new.version})

    @admin.action(description=_("Put in force"))
    def put_in_force(self, request, queryset):
        for referential in queryset:
            try:
                services.referential_activate(referential_id=referential.pk, by=request.user)
            except (services.LabelError, PermissionDenied) as error:
                self.message_user(request, str(error), messages.ERROR)
                return
        self.message_user(request, _("The version is in force."))


@admin.register(AuditCriterion)
class AuditCriterionAdmin(DitpAdminMixin, admin.ModelAdmin):
    list_display = ["code", "title", "weight", "engagement"]
    list_filter = ["engagement__referential"]
    list_select_related = ["engagement__referential"]

    def has_change_permission(self, request, obj=None):
        return self.has_view_permission(request) and (obj is None or _draft(obj))

    def has_delete_permission(self, request, obj=None):
        return self.has_change_permission(request, obj) and obj is not None

    def has_add_permission(self, request):
        return self.has_view_permission(request)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "engagement":
            kwargs["queryset"] = Engagement.objects.filter(
                referential__status=ReferentialStatus.DRAFT
            ).select_related("referential")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class ReadOnlyAdmin(DitpAdminMixin, admin.ModelAdmin):
    """The workflow writes these rows through its services; the admin only shows them."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Application)
class ApplicationAdmin(ReadOnlyAdmin):
    list_display = ["structure", "cycle", "status", "outcome", "valid_until"]
    list_select_related = ["structure"]


@admin.register(Decision)
class DecisionAdmin(ReadOnlyAdmin):
    list_display = ["application", "outcome", "decided_on", "decided_by"]
    list_select_related = ["application__structure", "decided_by"]


@admin.register(Certificate)
class CertificateAdmin(ReadOnlyAdmin):
    list_display = ["number", "status", "sha256", "rendered_at"]


@admin.register(DecisionLogEntry)
class DecisionLogAdmin(ReadOnlyAdmin):
    list_display = ["sequence", "kind", "application_id_ref", "actor_ref", "recorded_at"]
