from django.urls import path

from . import views

app_name = "surveys"

urlpatterns = [
    path("s/merci/", views.thanks, name="thanks"),
    path("s/<str:token>", views.answer, name="answer"),
    path("enquetes/resultats/", views.results, name="results"),
    path("enquetes/<slug:slug>/export/<str:kind>.<str:fmt>", views.export, name="export"),
    path("enquetes/<slug:slug>/agents/", views.agent_contacts, name="agent_contacts"),
    path("api/enquetes/<slug:slug>/invitations", views.invitation_api, name="invitation_api"),
]
