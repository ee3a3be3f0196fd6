from django.urls import path

from .views import (
    answering,
    campaigns,
    comments,
    exports,
    imports,
    open_data,
    questionnaires,
    results,
    reviews,
)

app_name = "surveys"

urlpatterns = [
    path("s/merci/", answering.thanks, name="thanks"),
    path("s/<str:token>", answering.answer, name="answer"),
    path("enquetes/resultats/", results.results, name="results"),
    path("enquetes/commentaires/", comments.survey_comments, name="survey_comments"),
    # Campaigns: the DITP's pages (the network's correspondent reads them).
    path("enquetes/campagnes/", campaigns.campaign_list, name="campaign_list"),
    path(
        "enquetes/campagnes/nouvelle/",
        campaigns.campaign_create_page,
        name="campaign_create",
    ),
    path(
        "enquetes/campagnes/<slug:slug>/",
        campaigns.campaign_detail,
        name="campaign_detail",
    ),
    path(
        "enquetes/campagnes/<slug:slug>/liens/",
        campaigns.campaign_links,
        name="campaign_links",
    ),
    path(
        "enquetes/campagnes/<slug:slug>/cle-api/",
        campaigns.campaign_api_key,
        name="campaign_api_key",
    ),
    path(
        "enquetes/campagnes/<slug:slug>/import/",
        imports.campaign_import,
        name="campaign_import",
    ),
    path(
        "enquetes/campagnes/<slug:slug>/clore/",
        campaigns.campaign_close,
        name="campaign_close",
    ),
    path("enquetes/<slug:slug>/export/<str:kind>.<str:fmt>", exports.export, name="export"),
    path("enquetes/<slug:slug>/agents/", campaigns.agent_contacts, name="agent_contacts"),
    path("enquetes/exports/", exports.export_list, name="export_list"),
    path("enquetes/exports/<int:pk>/", exports.export_job, name="export_job"),
    path("enquetes/exports/<int:pk>/etat/", exports.export_status, name="export_status"),
    path(
        "enquetes/exports/<int:pk>/telecharger/",
        exports.export_download,
        name="export_download",
    ),
    path(
        "enquetes/exports/<int:pk>/relancer/",
        exports.export_job_retry,
        name="export_job_retry",
    ),
    # Questionnaire versions (DITP administrator): list, one version, a new version from it.
    path(
        "enquetes/questionnaires/",
        questionnaires.questionnaire_list,
        name="questionnaire_list",
    ),
    path(
        "enquetes/questionnaires/<int:pk>/",
        questionnaires.questionnaire_detail,
        name="questionnaire_detail",
    ),
    path(
        "enquetes/questionnaires/<int:pk>/nouvelle-version/",
        questionnaires.questionnaire_new_version,
        name="questionnaire_new_version",
    ),
    path("api/enquetes/<slug:slug>/invitations", campaigns.invitation_api, name="invitation_api"),
    path("donnees-ouvertes/", open_data.open_data, name="open_data"),
    path(
        "donnees-ouvertes/avis.csv", open_data.open_data_reviews_csv, name="open_data_reviews_csv"
    ),
    path(
        "api/donnees-ouvertes/avis", open_data.open_data_reviews_api, name="open_data_reviews_api"
    ),
    path(
        "api/donnees-ouvertes/resultats",
        open_data.open_data_results_api,
        name="open_data_results_api",
    ),
    path(
        "donnees-ouvertes/resultats-<slug:slug>.csv",
        open_data.open_data_csv,
        name="open_data_csv",
    ),
    # Citizen reviews: public form and page of a centre; moderation; the referents' replies.
    path("avis/<slug:code>/", reviews.public_reviews, name="public_reviews"),
    path("avis/<slug:code>/donner-mon-avis/", reviews.submit, name="review_submit"),
    path("avis/<slug:code>/merci/", reviews.thanks, name="review_thanks"),
    path("enquetes/avis/", reviews.review_list, name="review_list"),
    path("enquetes/avis/moderation/", reviews.moderation, name="review_moderation"),
    path("enquetes/avis/<int:pk>/moderer/", reviews.moderate, name="review_moderate"),
    path("enquetes/avis/<int:pk>/rejeter/", reviews.reject, name="review_reject"),
    path("enquetes/avis/<int:pk>/repondre/", reviews.reply, name="review_reply"),
]
