from django.urls import path

from . import views_label as views

app_name = "labelling"

urlpatterns = [
    path("candidatures/", views.application_list, name="application_list"),
    path("candidatures/nouvelle/", views.application_create, name="application_create"),
    path("candidatures/<int:pk>/", views.application_detail, name="application_detail"),
    path(
        "candidatures/<int:pk>/action/<slug:action>/",
        views.application_action,
        name="application_action",
    ),
    path("candidatures/<int:pk>/audit/", views.audit_plan, name="audit_plan"),
    path("candidatures/<int:pk>/scores/", views.scorecard, name="scorecard"),
    path("audits/<int:pk>/", views.audit_detail, name="audit_detail"),
    path("audits/<int:pk>/action/<slug:action>/", views.audit_post, name="audit_post"),
    path("audits/<int:pk>/rapport.pdf", views.audit_report, name="audit_report"),
    path("audits/<int:pk>/sites/<int:site_pk>/grille/", views.audit_grid, name="audit_grid"),
    path("certificats/<int:pk>/", views.certificate_detail, name="certificate_detail"),
    path("certificats/<int:pk>/pdf/", views.certificate_download, name="certificate_download"),
    path("referentiels/", views.referential_list, name="referential_list"),
    path("verifier/<slug:token>/", views.verify, name="verify"),
]
