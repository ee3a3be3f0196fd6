"""Public pages of a centre owned by `centres` (no sign-in needed)."""

from django.urls import path

from . import views

app_name = "centres_public"

urlpatterns = [
    path("<slug:code>/plan-d-action/", views.public_action_plan, name="action_plan"),
]
