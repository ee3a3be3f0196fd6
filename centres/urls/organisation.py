"""Organisation pages: networks, structures, centres, certification bodies, CSV import."""

from django.urls import path

from ..views import organisation, people

app_name = "organisation"

urlpatterns = [
    path("", organisation.organisation_home, name="home"),
    path("import/", organisation.organisation_import, name="import"),
    path("reseaux/nouveau/", organisation.network_create, name="network_create"),
    path("reseaux/<slug:code>/modifier/", organisation.network_edit, name="network_edit"),
    path("structures/nouvelle/", organisation.structure_create, name="structure_create"),
    path("structures/<slug:code>/", organisation.structure_detail, name="structure_detail"),
    path("structures/<slug:code>/modifier/", organisation.structure_edit, name="structure_edit"),
    path("centres/nouveau/", organisation.centre_create, name="centre_create"),
    path("centres/<slug:code>/modifier/", organisation.centre_edit, name="centre_edit"),
    path("organismes/nouveau/", organisation.body_create, name="body_create"),
    path("organismes/<slug:code>/modifier/", organisation.body_edit, name="body_edit"),
    # People and roles.
    path("personnes/", people.person_list, name="people"),
    path("personnes/inviter/", people.person_invite, name="person_invite"),
    path("personnes/<int:pk>/", people.person_detail, name="person_detail"),
    path("personnes/<int:pk>/roles/", people.person_role_add, name="person_role_add"),
    path(
        "personnes/<int:pk>/roles/<int:role_pk>/retrait/",
        people.person_role_revoke,
        name="person_role_revoke",
    ),
    path("personnes/<int:pk>/activation/", people.person_activation, name="person_activation"),
    path("personnes/<int:pk>/invitation/", people.person_invite_again, name="person_invite_again"),
]
