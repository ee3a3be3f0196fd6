from django.contrib import admin

from .models import Engagement, Referential


class EngagementInline(admin.TabularInline):
    model = Engagement
    extra = 0


@admin.register(Referential)
class ReferentialAdmin(admin.ModelAdmin):
    list_display = ["name", "version", "status", "is_illustrative", "created_at"]
    inlines = [EngagementInline]
