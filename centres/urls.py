from django.urls import path

from . import views

app_name = "centres"

urlpatterns = [
    path("", views.centre_list, name="list"),
    path("<slug:code>/", views.centre_detail, name="detail"),
    # Self-assessment (auto-diagnostic), one per cycle (year).
    path("<slug:code>/auto-diagnostic/", views.self_assessment_list, name="self_assessment_list"),
    path(
        "<slug:code>/auto-diagnostic/<int:cycle>/",
        views.self_assessment_detail,
        name="self_assessment",
    ),
    path(
        "<slug:code>/auto-diagnostic/<int:cycle>/modifier/",
        views.self_assessment_edit,
        name="self_assessment_edit",
    ),
    path(
        "<slug:code>/auto-diagnostic/<int:cycle>/soumettre/",
        views.self_assessment_submit,
        name="self_assessment_submit",
    ),
    # Action plan.
    path("<slug:code>/plan-d-action/", views.action_list, name="action_list"),
    path("<slug:code>/plan-d-action/nouvelle-action/", views.action_create, name="action_create"),
    path("<slug:code>/plan-d-action/<int:pk>/", views.action_detail, name="action_detail"),
    path("<slug:code>/plan-d-action/<int:pk>/modifier/", views.action_edit, name="action_edit"),
    path("<slug:code>/plan-d-action/<int:pk>/cloturer/", views.action_close, name="action_close"),
    path(
        "<slug:code>/plan-d-action/<int:pk>/abandonner/",
        views.action_abandon,
        name="action_abandon",
    ),
    path(
        "<slug:code>/plan-d-action/<int:pk>/publication/",
        views.action_publish,
        name="action_publish",
    ),
]
