"""Pages at the root: the public home and centre pages, the signed-in dashboard, legal pages."""

from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.generic import TemplateView

from ..views import dashboard, public


def _public_page(template: str):
    return login_not_required(TemplateView.as_view(template_name=template))


urlpatterns = [
    path("", public.home, name="home"),
    path("trouver-un-service/", public.search, name="search"),
    path("robots.txt", public.robots_txt, name="robots_txt"),
    path("sitemap.xml", public.sitemap_index, name="sitemap_index"),
    path("sitemap-<slug:section>.xml", public.sitemap_section, name="sitemap_section"),
    path("tableau-de-bord/", dashboard.dashboard, name="dashboard"),
    path("accessibilite/", _public_page("pages/accessibility.html"), name="accessibility"),
    path("mentions-legales/", _public_page("pages/legal_notice.html"), name="legal_notice"),
    path("label/", include("labelling.urls.label")),
    path("donnees-personnelles/", _public_page("pages/personal_data.html"), name="personal_data"),
    # Before centres.urls.public in config/urls.py: only this exact path is taken here, so
    # "centres-publics/<code>/plan-d-action/" still reaches centres.
    path("centres-publics/<slug:code>/", public.public_centre, name="public_centre"),
]
