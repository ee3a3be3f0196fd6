from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm
from django.utils.translation import gettext_lazy as _

from .models import (
    Action,
    ActionEvent,
    Centre,
    CertificationBody,
    Network,
    RoleAssignment,
    SelfAssessment,
    SelfAssessmentEntry,
    Structure,
    User,
)


@admin.register(Network)
class NetworkAdmin(admin.ModelAdmin):
    list_display = ["name", "code"]
    search_fields = ["name", "code"]


@admin.register(Structure)
class StructureAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "network"]
    list_select_related = ["network"]
    search_fields = ["name", "code"]


@admin.register(Centre)
class CentreAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "city", "postal_code", "structure"]
    list_select_related = ["structure"]
    list_filter = ["structure"]
    search_fields = ["name", "code", "city"]


@admin.register(CertificationBody)
class CertificationBodyAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "accreditation"]
    search_fields = ["name", "code"]


class RoleAssignmentInline(admin.TabularInline):
    model = RoleAssignment
    extra = 0
    autocomplete_fields = ["centre", "network", "certification_body"]


class UserCreationForm(AdminUserCreationForm):
    class Meta:
        model = User
        fields = ["email", "full_name"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    add_form = UserCreationForm
    ordering = ["full_name"]
    list_display = ["full_name", "email", "is_active", "last_login"]
    list_filter = ["is_active", "role_assignments__role"]
    search_fields = ["full_name", "email"]
    inlines = [RoleAssignmentInline]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (_("Identity"), {"fields": ["full_name"]}),
        (_("Access"), {"fields": ["is_active", "is_staff", "is_superuser"]}),
        (_("Dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (
            None,
            {
                "classes": ["wide"],
                "fields": ["email", "full_name", "usable_password", "password1", "password2"],
            },
        )
    ]
    readonly_fields = ["last_login", "date_joined"]
    filter_horizontal = []


class SelfAssessmentEntryInline(admin.TabularInline):
    model = SelfAssessmentEntry
    extra = 0


@admin.register(SelfAssessment)
class SelfAssessmentAdmin(admin.ModelAdmin):
    list_display = ["centre", "cycle", "status", "submitted_at"]
    list_select_related = ["centre"]
    list_filter = ["status", "cycle"]
    inlines = [SelfAssessmentEntryInline]

    # Written by the referent through the services only (a submitted one is frozen).
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ActionEventInline(admin.TabularInline):
    """The history is append-only: shown, never edited here."""

    model = ActionEvent
    extra = 0
    can_delete = False
    readonly_fields = ["at", "actor", "kind", "changes", "note"]

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Action)
class ActionAdmin(admin.ModelAdmin):
    list_display = ["title", "centre", "engagement_number", "status", "due_date", "is_published"]
    list_select_related = ["centre"]
    list_filter = ["status", "engagement_number", "is_published", "source_type"]
    search_fields = ["title", "centre__name"]
    inlines = [ActionEventInline]

    # Every change goes through the services, which write the history: read-only here.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
