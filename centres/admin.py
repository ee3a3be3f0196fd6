from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet
from django.utils.translation import gettext_lazy as _

from .models import (
    DUPLICATE_ROLE_MESSAGE,
    SCOPE_FIELDS,
    AccountInvitation,
    Action,
    ActionEvent,
    Centre,
    CertificationBody,
    Network,
    PersonEvent,
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


class RoleAssignmentFormSet(BaseInlineFormSet):
    """The same role twice, in one save or beside a saved one, is a French form error (the
    constraints alone would answer a 500: the inline leaves the user out of their checks)."""

    def clean(self):
        super().clean()
        seen = set()
        for form in self.forms:
            data = getattr(form, "cleaned_data", None)
            if not data or data.get("DELETE") or form.errors:
                continue
            key = tuple(data.get(name) for name in ("role", *SCOPE_FIELDS))
            candidate = RoleAssignment(
                pk=form.instance.pk,
                user_id=self.instance.pk,
                **dict(zip(("role", *SCOPE_FIELDS), key, strict=True)),
            )
            if key in seen or (self.instance.pk and candidate.same_role_exists()):
                raise ValidationError(DUPLICATE_ROLE_MESSAGE)
            seen.add(key)


class RoleAssignmentInline(admin.TabularInline):
    model = RoleAssignment
    formset = RoleAssignmentFormSet
    extra = 0
    autocomplete_fields = ["centre", "network", "certification_body"]


class PersonEventInline(admin.TabularInline):
    """The log of an account and its roles: shown, never edited here."""

    model = PersonEvent
    fk_name = "person"
    extra = 0
    can_delete = False
    readonly_fields = ["at", "actor", "kind", "detail"]

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


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
    inlines = [RoleAssignmentInline, PersonEventInline]
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


@admin.register(AccountInvitation)
class AccountInvitationAdmin(admin.ModelAdmin):
    list_display = ["user", "created_at", "expires_at", "used_at"]
    list_select_related = ["user"]
    readonly_fields = ["user", "token_hash", "created_by", "created_at", "expires_at", "used_at"]

    def has_add_permission(self, request):
        return False
