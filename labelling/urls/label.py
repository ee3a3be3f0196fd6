"""The label workflow under /label/: applications, audits, findings, referential, certificates."""

from django.urls import path

from ..views import (
    appeals,
    applications,
    audits,
    certificates,
    decision_log,
    findings,
    referential,
)

app_name = "labelling"

urlpatterns = [
    path("candidatures/", applications.application_list, name="application_list"),
    path("candidatures/nouvelle/", applications.application_create, name="application_create"),
    path("candidatures/<int:pk>/", applications.application_detail, name="application_detail"),
    path(
        "candidatures/<int:pk>/action/<slug:action>/",
        applications.application_action,
        name="application_action",
    ),
    path("candidatures/<int:pk>/audit/", audits.audit_plan, name="audit_plan"),
    path("candidatures/<int:pk>/scores/", applications.scorecard, name="scorecard"),
    path("recours/", appeals.appeal_queue, name="appeal_queue"),
    path("journal/", decision_log.decision_log, name="decision_log"),
    path("journal/verifier/", decision_log.decision_log_verify, name="decision_log_verify"),
    path("audits/<int:pk>/", audits.audit_detail, name="audit_detail"),
    path("audits/<int:pk>/action/<slug:action>/", audits.audit_post, name="audit_post"),
    path("audits/<int:pk>/rapport.pdf", audits.audit_report, name="audit_report"),
    path("audits/<int:pk>/sites/<int:site_pk>/grille/", audits.audit_grid, name="audit_grid"),
    path("certificats/<int:pk>/", certificates.certificate_detail, name="certificate_detail"),
    path(
        "certificats/<int:pk>/pdf/", certificates.certificate_download, name="certificate_download"
    ),
    path("candidatures/<int:pk>/constats/", findings.finding_list, name="finding_list"),
    path("constats/<int:pk>/cloture/", findings.finding_close, name="finding_close"),
    path(
        "preuves/<int:pk>/telechargement/",
        findings.evidence_download,
        name="evidence_download",
    ),
    path("referentiels/", referential.referential_list, name="referential_list"),
    path("referentiels/<int:pk>/", referential.referential_detail, name="referential_detail"),
    path(
        "referentiels/<int:pk>/nouvelle-version/",
        referential.referential_new_version,
        name="referential_new_version",
    ),
    path(
        "referentiels/<int:pk>/mise-en-vigueur/",
        referential.referential_activate,
        name="referential_activate",
    ),
    path("verifier/<slug:token>/", certificates.verify, name="verify"),
]
