from django.urls import path

from . import (
    views,
    views_campaigns,
    views_exports,
    views_open_data,
    views_questionnaires,
    views_reviews,
)

app_name = "surveys"

urlpatterns = [
    path("s/merci/", views.thanks, name="thanks"),
    path("s/<str:token>", views.answer, name="answer"),
    path("enquetes/resultats/", views.results, name="results"),
    # Campaigns: the DITP's pages (the network's correspondent reads them).
    path("enquetes/campagnes/", views_campaigns.campaign_list, name="campaign_list"),
    path(
        "enquetes/campagnes/nouvelle/",
        views_campaigns.campaign_create_page,
        name="campaign_create",
    ),
    path(
        "enquetes/campagnes/<slug:slug>/",
        views_campaigns.campaign_detail,
        name="campaign_detail",
    ),
    path(
        "enquetes/campagnes/<slug:slug>/liens/",
        views_campaigns.campaign_links,
        name="campaign_links",
    ),
    path(
        "enquetes/campagnes/<slug:slug>/cle-api/",
        views_campaigns.campaign_api_key,
        name="campaign_api_key",
    ),
    path(
        "enquetes/campagnes/<slug:slug>/clore/",
        views_campaigns.campaign_close,
        name="campaign_close",
    ),
    path("enquetes/<slug:slug>/export/<str:kind>.<str:fmt>", views.export, name="export"),
    path("enquetes/<slug:slug>/agents/", views.agent_contacts, name="agent_contacts"),
    path("enquetes/exports/", views_exports.export_list, name="export_list"),
    path("enquetes/exports/<int:pk>/", views_exports.export_job, name="export_job"),
    path("enquetes/exports/<int:pk>/etat/", views_exports.export_status, name="export_status"),
    path(
        "enquetes/exports/<int:pk>/telecharger/",
        views_exports.export_download,
        name="export_download",
    ),
    path(
        "enquetes/exports/<int:pk>/relancer/",
        views_exports.export_job_retry,
        name="export_job_retry",
    ),
    # Questionnaire versions (DITP administrator): list, one version, a new version from it.
    path(
        "enquetes/questionnaires/",
        views_questionnaires.questionnaire_list,
        name="questionnaire_list",
    ),
    path(
        "enquetes/questionnaires/<int:pk>/",
        views_questionnaires.questionnaire_detail,
        name="questionnaire_detail",
    ),
    path(
        "enquetes/questionnaires/<int:pk>/nouvelle-version/",
        views_questionnaires.questionnaire_new_version,
        name="questionnaire_new_version",
    ),
    path("api/enquetes/<slug:slug>/invitations", views.invitation_api, name="invitation_api"),
    path("donnees-ouvertes/", views_open_data.open_data, name="open_data"),
    path(
        "donnees-ouvertes/resultats-<slug:slug>.csv",
        views_open_data.open_data_csv,
        name="open_data_csv",
    ),
    # Citizen reviews: public form and page of a centre; moderation; the referents' replies.
    path("avis/<slug:code>/", views_reviews.public_reviews, name="public_reviews"),
    path("avis/<slug:code>/donner-mon-avis/", views_reviews.submit, name="review_submit"),
    path("avis/<slug:code>/merci/", views_reviews.thanks, name="review_thanks"),
    path("enquetes/avis/", views_reviews.review_list, name="review_list"),
    path("enquetes/avis/moderation/", views_reviews.moderation, name="review_moderation"),
    path("enquetes/avis/<int:pk>/moderer/", views_reviews.moderate, name="review_moderate"),
    path("enquetes/avis/<int:pk>/rejeter/", views_reviews.reject, name="review_reject"),
    path("enquetes/avis/<int:pk>/repondre/", views_reviews.reply, name="review_reply"),
]
