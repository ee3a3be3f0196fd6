"""Staff pages of the centres: a centre, its self-assessment and its action plan."""

from django.urls import path

from ..views import actions, organisation, self_assessment

app_name = "centres"

urlpatterns = [
    path("", organisation.centre_list, name="list"),
    path("<slug:code>/", organisation.centre_detail, name="detail"),
    # Self-assessment (auto-diagnostic), one per cycle (year).
    path(
        "<slug:code>/auto-diagnostic/",
        self_assessment.self_assessment_list,
        name="self_assessment_list",
    ),
    path(
        "<slug:code>/auto-diagnostic/<int:cycle>/",
        self_assessment.self_assessment_detail,
        name="self_assessment",
    ),
    path(
        "<slug:code>/auto-diagnostic/<int:cycle>/modifier/",
        self_assessment.self_assessment_edit,
        name="self_assessment_edit",
    ),
    path(
        "<slug:code>/auto-diagnostic/<int:cycle>/soumettre/",
        self_assessment.self_assessment_submit,
        name="self_assessment_submit",
    ),
    # Action plan.
    path("<slug:code>/plan-d-action/", actions.action_list, name="action_list"),
    path("<slug:code>/plan-d-action/nouvelle-action/", actions.action_create, name="action_create"),
    path("<slug:code>/plan-d-action/<int:pk>/", actions.action_detail, name="action_detail"),
    path("<slug:code>/plan-d-action/<int:pk>/modifier/", actions.action_edit, name="action_edit"),
    path("<slug:code>/plan-d-action/<int:pk>/cloturer/", actions.action_close, name="action_close"),
    path(
        "<slug:code>/plan-d-action/<int:pk>/abandonner/",
        actions.action_abandon,
        name="action_abandon",
    ),
    path(
        "<slug:code>/plan-d-action/<int:pk>/publication/",
        actions.action_publish,
        name="action_publish",
    ),
]
