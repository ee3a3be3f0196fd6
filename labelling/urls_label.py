from django.urls import path

from . import views_findings, views_referential
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
    path("candidatures/<int:pk>/constats/", views_findings.finding_list, name="finding_list"),
    path("constats/<int:pk>/cloture/", views_findings.finding_close, name="finding_close"),
    path(
        "preuves/<int:pk>/telechargement/",
        views_findings.evidence_download,
        name="evidence_download",
    ),
    path("referentiels/", views_referential.referential_list, name="referential_list"),
    path("referentiels/<int:pk>/", views_referential.referential_detail, name="referential_detail"),
    path(
        "referentiels/<int:pk>/nouvelle-version/",
        views_referential.referential_new_version,
        name="referential_new_version",
    ),
    path(
        "referentiels/<int:pk>/mise-en-vigueur/",
        views_referential.referential_activate,
        name="referential_activate",
    ),
    path("verifier/<slug:token>/", views.verify, name="verify"),
]
