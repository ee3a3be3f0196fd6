"""Public pages of a centre owned by `centres` (no sign-in needed)."""

from django.urls import path

from ..views import actions

app_name = "centres_public"

urlpatterns = [
    path("<slug:code>/plan-d-action/", actions.public_action_plan, name="action_plan"),
]
