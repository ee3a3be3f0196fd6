from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from .models import Campaign, Question, Questionnaire, Review
from .services.questionnaires import questionnaire_freeze, questionnaire_new_version


class QuestionInline(admin.TabularInline):
    model = Question
    extra = 0
    fields = [
        "position",
        "code",
        "kind",
        "engagement_number",
        "is_headline",
        "required",
        "text_fr",
        "text_en",
    ]

    def has_add_permission(self, request, obj=None):
        return obj is None or not obj.is_frozen

    def has_change_permission(self, request, obj=None):
        return obj is None or not obj.is_frozen

    def has_delete_permission(self, request, obj=None):
        return obj is None or not obj.is_frozen


@admin.register(Questionnaire)
class QuestionnaireAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "version", "audience", "frozen_at"]
    list_filter = ["audience"]
    inlines = [QuestionInline]
    actions = ["new_version"]

    def get_readonly_fields(self, request, obj=None):
        if obj and obj.is_frozen:
            return ["code", "version", "audience", "name", "frozen_at"]
        return ["frozen_at"]

    @admin.action(description=_("Create a new editable version"))
    def new_version(self, request, queryset):
        for questionnaire in queryset:
            copy = questionnaire_new_version(questionnaire=questionnaire)
            self.message_user(
                request,
                _("Version %(version)s of « %(name)s » created.")
                % {"version": copy.version, "name": copy.name},
                messages.SUCCESS,
            )


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "slug",
        "questionnaire",
        "structure",
        "channel",
        "opens_on",
        "closes_on",
    ]
    list_select_related = ["questionnaire", "structure"]
    list_filter = ["channel", "structure"]
    search_fields = ["name", "slug"]
    filter_horizontal = ["centres"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        # A questionnaire in use is frozen: editing it from now on makes a new version.
        questionnaire_freeze(questionnaire=obj.questionnaire)


@admin.register(Review)
class ReviewAdmin(admin.ModelAdmin):
    """Read-only: a review changes only through moderation and the reply (their services)."""

    list_display = ["id", "centre", "state", "feeling", "channel", "submitted_at", "replied_at"]
    list_filter = ["state", "feeling", "channel", "centre"]
    list_select_related = ["centre"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
